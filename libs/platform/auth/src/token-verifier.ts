// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient types for keycloak-connect's untyped auth-utils, needed wherever this file is compiled
/// <reference path="./keycloak-connect.d.ts" />
// keycloak-connect is in maintenance upstream: this file is the only place that imports it.
import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';
import GrantManager = require('keycloak-connect/middleware/auth-utils/grant-manager');
import Token = require('keycloak-connect/middleware/auth-utils/token');
import { KeycloakClaims, Principal, principalFromClaims } from './principal';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** A realm whose tokens Kommuna accepts: from platform config and tenant.yaml, never from a token. */
export interface TrustedRealm {
  /** Exactly the token's `iss`, e.g. http://127.0.0.1:3001/realms/kommuna */
  realmUrl: string;
  /** The audience Kommuna's api must be in (`aud`). */
  audience: string;
}

export type AuthenticationFailure =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'untrusted_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_type'
  | 'wrong_audience'
  | 'signature'
  | 'no_subject'
  | 'invalid_personnummer';

/** 401: the caller is not authenticated. The message never contains the token. */
export class AuthenticationError extends KommunaError {
  readonly code = 'UNAUTHENTICATED';
  readonly status = 401;
  constructor(readonly reason: AuthenticationFailure) {
    super(`Not authenticated: ${reason.replace(/_/g, ' ')}`);
  }
}

const CLOCK_SKEW_SECONDS = 30;

export interface TokenVerifierOptions {
  /** How often an unknown `kid` may trigger a new JWKS fetch (key rotation), per realm. */
  minSecondsBetweenJwksRequests?: number;
  now?: () => number;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies Keycloak bearer tokens offline: signature against the realm's JWKS (by `kid`, cached,
 * refetched on rotation) through keycloak-connect, plus what it leaves out (RS256 only, `exp`
 * required, `nbf`, the audience and a subject).
 */
export class KeycloakTokenVerifier {
  private readonly realms = new Map<string, { realm: TrustedRealm; grants: GrantManager }>();

  private readonly now: () => number;

  constructor(trusted: TrustedRealm[], options: TokenVerifierOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    for (const realm of trusted) {
      const grants = new GrantManager({
        realmUrl: realm.realmUrl,
        clientId: realm.audience,
        bearerOnly: true,
        verifyTokenAudience: true,
        minTimeBetweenJwksRequests: options.minSecondsBetweenJwksRequests ?? 10,
      });
      convertKeysOnce(grants.rotation);
      this.realms.set(realm.realmUrl, { realm, grants });
    }
  }

  async verify(raw: string | undefined): Promise<Principal> {
    if (!raw) throw new AuthenticationError('missing');
    const parts = raw.split('.');
    if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) throw new AuthenticationError('malformed');
    const header = decodeSegment(parts[0]);
    const claims = decodeSegment(parts[1]);
    if (!header || !claims) throw new AuthenticationError('malformed');
    if (header.alg !== 'RS256' || typeof header.kid !== 'string') throw new AuthenticationError('algorithm');

    // The issuer picks which realm's keys to check against, but only among realms we trust.
    const trusted = typeof claims.iss === 'string' ? this.realms.get(claims.iss) : undefined;
    if (!trusted) throw new AuthenticationError('untrusted_issuer');

    const nowSeconds = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < nowSeconds) throw new AuthenticationError('expired');
    if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds) throw new AuthenticationError('not_yet_valid');

    // An unknown kid within the JWKS refetch interval: keycloak-connect would refuse it too, but
    // with a console.error line outside the JSON logs; refuse it here, quietly.
    const { rotation } = trusted.grants;
    const knownKey = rotation.jwks.some((key) => key.kid === header.kid);
    if (!knownKey && Date.now() / 1000 <= rotation.lastTimeRequesTime + rotation.minTimeBetweenJwksRequests)
      throw new AuthenticationError('signature');
    try {
      await trusted.grants.validateToken(new Token(raw, trusted.realm.audience), 'Bearer');
    } catch (error) {
      throw new AuthenticationError(failureOf((error as Error).message));
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new AuthenticationError('no_subject');
    return principalFromClaims(claims as KeycloakClaims);
  }
}

/**
 * keycloak-connect turns the realm's key from JWK into PEM text (jwk-to-pem) for every token it
 * checks, and OpenSSL parses that text again for each signature: about 0.35 ms of CPU a request,
 * against 0.03 ms for the signature check itself (docs/adr/0002, decision 19). Each key the realm
 * published is made a KeyObject once instead. The key is still found by `kid` among the keys
 * keycloak-connect fetched; an unknown `kid` still goes to its own look-up, which fetches the JWKS
 * again (rotation). A refetched JWKS is a new list of new objects, so nothing stale is kept.
 */
function convertKeysOnce(rotation: GrantManager['rotation']): void {
  const converted = new WeakMap<object, KeyObject>();
  const fetchAndConvert = rotation.getJWK.bind(rotation);
  rotation.getJWK = (kid: string) => {
    const jwk = rotation.jwks.find((key) => key.kid === kid);
    if (!jwk) return fetchAndConvert(kid);
    try {
      let key = converted.get(jwk);
      if (!key) {
        key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
        converted.set(jwk, key);
      }
      return Promise.resolve(key);
    } catch (error) {
      // As keycloak-connect's own conversion fails: the token is refused (signature).
      return Promise.reject(error);
    }
  };
}

/** keycloak-connect reports failures as messages only; map them to our reasons. */
function failureOf(message: string): AuthenticationFailure {
  if (message.includes('expired')) return 'expired';
  if (message.includes('wrong type')) return 'wrong_type';
  if (message.includes('wrong ISS')) return 'untrusted_issuer';
  if (message.includes('audience') || message.includes('authorized party')) return 'wrong_audience';
  return 'signature';
}
