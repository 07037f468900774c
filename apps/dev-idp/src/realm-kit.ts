// What every realm dev-idp serves shares: Keycloak's endpoint paths, signing keys, the demo subjects,
// OIDC Sweden's claims and levels, and small HTTP helpers.
import { createHash, generateKeyPairSync, type KeyObject, verify as verifySignature } from 'node:crypto';
import type * as http from 'node:http';
import type Provider from 'oidc-provider';

export const DEMO_PASSWORD = 'kommuna-demo';

/** Keycloak's endpoint paths under /realms/<realm>, as oidc-provider routes. */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  userinfo: '/protocol/openid-connect/userinfo',
  end_session: '/protocol/openid-connect/logout',
  revocation: '/protocol/openid-connect/revoke',
  introspection: '/protocol/openid-connect/token/introspect',
};

/** OIDC Sweden's claims and scope for a person's identity number (swedish-oidc-claims-specification 1.0). */
export const OIDC_SWEDEN = {
  personalIdentityNumber: 'https://id.oidc.se/claim/personalIdentityNumber',
  coordinationNumber: 'https://id.oidc.se/claim/coordinationNumber',
  naturalPersonNumberScope: 'https://id.oidc.se/scope/naturalPersonNumber',
};

/** A samordningsnummer is a personnummer whose day of birth has 60 added. */
export const isSamordningsnummer = (number: string) => Number(number.slice(6, 8)) > 60;

/** The claim a 12-digit identity number goes in: the personnummer's, or the samordningsnummer's. */
export const identityNumberClaims = (number: string | undefined): Record<string, string> =>
  number ? { [isSamordningsnummer(number) ? OIDC_SWEDEN.coordinationNumber : OIDC_SWEDEN.personalIdentityNumber]: number } : {};

/** A Swedish e-legitimation level as `acr` states it (Sweden Connect's LoA URIs). */
export const loaUri = (level: string) => `http://id.elegnamnden.se/loa/1.0/${level}`;
/** The level (loa1-loa4) of a Swedish LoA URI, or undefined for anything else. */
export const levelOfAcr = (acr: unknown) =>
  typeof acr === 'string' ? /^http:\/\/id\.elegnamnden\.se\/loa\/1\.0\/(loa[1-4])$/.exec(acr)?.[1] : undefined;

/** The levels the test eID logs in at: loa3 (BankID, Freja eID+) and a lower one to see refusals. */
export const TEST_EID_LEVELS = ['loa3', 'loa2'];

export interface TestEidPerson {
  number: string;
  givenName: string;
  familyName: string;
}

/**
 * The test eID's people: Skatteverket's test personnummer (serial numbers 980-999,
 * generateTestPersonnummer in libs/shared/identifiers), the demo residents' first, and two
 * samordningsnummer (day of birth + 60) for people without a personnummer.
 */
export const TEST_EID_PERSONS: TestEidPerson[] = [
  { number: '199001019802', givenName: 'Anna', familyName: 'Andersson' },
  { number: '197110109878', givenName: 'Erik', familyName: 'Eriksson' },
  { number: '196502029884', givenName: 'Lena', familyName: 'Lind' },
  { number: '193207189949', givenName: 'Greta', familyName: 'Berg' },
  { number: '200404269813', givenName: 'Olle', familyName: 'Nord' },
  { number: '192511119956', givenName: 'Karl', familyName: 'Holm' },
  { number: '197507619810', givenName: 'Tomas', familyName: 'Novak' },
  { number: '198503629829', givenName: 'Maria', familyName: 'Kowalska' },
];

/** dev-idp's test eID provider: realm `eid`, and the client a broker (Keycloak's or dev-idp's) logs in with. */
export const EID_REALM = 'eid';
/** The same secret the dev Keycloak's eID broker is given (DEV_EID_CLIENT_SECRET in platform-testing). */
export const EID_BROKER_CLIENT = { clientId: 'kommuna-broker', secret: 'kommuna-broker-secret' };

/**
 * A demo user's (or service account's) subject: a UUID derived from the username, as the dev
 * Keycloak sets on import (demoSubject in libs/platform/testing), so one person is one principal.
 */
export function demoSubject(username: string): string {
  const hex = createHash('sha1').update(`kommuna-demo:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A demo user's subject in a realm: demoSubject in the shared realm `kommuna`, realm-qualified in
 * any other (Keycloak's user ids are unique across its realms; realmSubject in platform-testing).
 */
export const realmSubject = (realm: string, username: string) =>
  realm === 'kommuna' ? demoSubject(username) : demoSubject(`${realm}/${username}`);

/** A realm's own RS256 key: the private JWK for oidc-provider, the public key to check its tokens. */
export function signingKey(realm: string): { jwk: Record<string, unknown>; publicKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    jwk: { ...privateKey.export({ format: 'jwk' }), kid: `${realm}-dev-${Date.now().toString(36)}`, alg: 'RS256', use: 'sig' },
    publicKey,
  };
}

/** The claims of a JWT this realm signed and that has not expired, or undefined. */
export function verifiedClaims(publicKey: KeyObject, issuer: string, token: string | undefined): Record<string, unknown> | undefined {
  const parts = token?.split('.') ?? [];
  if (parts.length !== 3) return undefined;
  const valid = verifySignature('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
  if (!valid) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.iss !== issuer || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
  return claims;
}

export async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

export const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

export const sendHtml = (res: http.ServerResponse, status: number, html: string) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
};

export const redirect = (res: http.ServerResponse, location: string, status = 302) => {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': '0' });
  res.end();
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const page = (title: string, body: string) =>
  `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`;

/** Hands a request on to a realm's oidc-provider, with the path inside the realm. */
export function serveProvider(provider: Provider, req: http.IncomingMessage, res: http.ServerResponse, pathInRealm: string): void {
  (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
  req.url = pathInRealm;
  // Koa answers its own errors (ctx.onerror); this only catches that answer failing in turn.
  provider
    .callback()(req, res)
    .catch((error: Error) => {
      if (!res.headersSent) res.statusCode = 500;
      res.end(`dev-idp error: ${error.message}`);
    });
}

/** A realm dev-idp serves at /realms/<name>: it answers every request below that path. */
export interface ServedRealm {
  issuer: string;
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathInRealm: string): void;
}
