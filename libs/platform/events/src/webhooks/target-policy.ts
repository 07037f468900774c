import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import * as ipaddr from 'ipaddr.js';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** Where the platform runs: private and loopback targets are a developer's (a local receiver), never production's. */
export type WebhookEnvironment = 'development' | 'test' | 'production';

/** A target URL the platform will not call: bad syntax, or an address inside the platform's network. */
export class WebhookTargetRefusedError extends KommunaError {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
  readonly status = 400;
}

const allowsPrivateTargets = (env: WebhookEnvironment): boolean => env === 'development' || env === 'test';

/**
 * Checks a target URL's form: http(s) only, no user info, https outside development (the body
 * carries the municipality's data and the signature proves only who sent it, not who read it).
 * Addresses are checked when the name is resolved (isAllowedAddress), at creation and at each send.
 */
export function checkTargetUrl(raw: string, env: WebhookEnvironment): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetRefusedError(`"${raw.slice(0, 200)}" is not an absolute URL`);
  }
  if (raw.length > 2000) throw new WebhookTargetRefusedError('A webhook URL is at most 2000 characters');
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookTargetRefusedError(`A webhook URL is http or https, not ${url.protocol}`);
  if (url.protocol === 'http:' && !allowsPrivateTargets(env)) throw new WebhookTargetRefusedError('A webhook URL must use https');
  if (url.username || url.password)
    throw new WebhookTargetRefusedError('A webhook URL carries no user name or password: the signature authenticates the sender');
  if (url.hash) throw new WebhookTargetRefusedError('A webhook URL has no #fragment');
  return url;
}

/**
 * Whether the platform may connect to this address. Outside development only public unicast
 * addresses: never loopback, private (RFC 1918, fc00::/7), link-local (cloud metadata at
 * 169.254.169.254), carrier-grade NAT, multicast, reserved or unspecified ones, also when written
 * as an IPv4-mapped IPv6 address.
 */
export function isAllowedAddress(address: string, env: WebhookEnvironment): boolean {
  if (allowsPrivateTargets(env)) return ipaddr.isValid(address);
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Resolves the URL's host and refuses it unless every address it has is allowed (a name may not lead inside). */
export async function assertAllowedTarget(url: URL, env: WebhookEnvironment): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await dns.promises.lookup(host, { all: true }).then(
        (found) => found.map((a) => a.address),
        () => {
          throw new WebhookTargetRefusedError(`The host ${host} of the webhook URL cannot be resolved`);
        },
      );
  const refused = addresses.filter((address) => !isAllowedAddress(address, env));
  if (refused.length > 0) {
    throw new WebhookTargetRefusedError(
      `The webhook URL's host ${host} is a private, loopback or otherwise internal address (${refused.join(', ')}); only public addresses may be targets`,
    );
  }
}

/**
 * The lookup every delivery connects through: the name is resolved once, for the connection
 * itself, and refused if any address is not allowed, so a name that changes its answer between
 * the check and the send (DNS rebinding) still cannot lead inside.
 */
export function guardedLookup(env: WebhookEnvironment): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as dns.LookupAddress[];
      const refused = list.find((a) => !isAllowedAddress(a.address, env));
      if (refused) return callback(new WebhookTargetRefusedError(`${hostname} resolves to ${refused.address}, an internal address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}
