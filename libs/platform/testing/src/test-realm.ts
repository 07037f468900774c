import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}

export interface TestRealm {
  /** The realm URL, exactly what tokens carry as `iss`. */
  realmUrl: string;
  /**
   * Signs claims (merged over Keycloak-shaped defaults) with the realm's current key. A resident's
   * (citizen, company representative) default `acr` is e-legitimation at loa3, the level residents
   * need unless a municipality says otherwise; pass `acr` to change it, `acr: undefined` for none.
   */
  token(claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** Signs with a key this realm never published (a forger's, with the same kid). */
  forgedToken(claims?: Record<string, unknown>): string;
  /** Publishes a new key and signs with it from now on (key rotation). */
  rotateKey(): void;
  /** How often the JWKS endpoint has been asked. */
  jwksRequests(): number;
  close(): Promise<void>;
}

/** Swedish e-legitimation at assurance level 3 (BankID, Freja eID+), as the eID broker states it in `acr`. */
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

/** A resident's login went through e-legitimation (loa3 unless told); anyone else's is Keycloak's plain "1". */
const acrFor = (claims: Record<string, unknown>) => {
  const roles = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) && roles.some((role) => role === 'citizen' || role === 'company_representative') ? LOA3 : '1';
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const newKey = (kid: string): SigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
};

/**
 * A stand-in for one Keycloak realm's signing side in tests: serves its JWKS at Keycloak's path
 * (/realms/<realm>/protocol/openid-connect/certs) and signs RS256 access tokens shaped like
 * Keycloak's. Verification in the code under test stays real (keycloak-connect).
 */
export async function startTestRealm(realm = 'kommuna', audience = 'kommuna-api'): Promise<TestRealm> {
  const keys = [newKey(`${realm}-1`)];
  const forger = newKey(keys[0].kid);
  let requests = 0;
  const server = createServer((request, response) => {
    if (request.url === `/realms/${realm}/protocol/openid-connect/certs`) {
      requests += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const realmUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/${realm}`;

  const signWith = (key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header });
    const body = b64({ iss: realmUrl, aud: [audience, 'account'], typ: 'Bearer', azp: 'kommuna-web', acr: acrFor(claims), iat: now, exp: now + 300, ...claims });
    return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey).toString('base64url')}`;
  };

  return {
    realmUrl,
    token: (claims = {}, header = {}) => signWith(keys[keys.length - 1], claims, header),
    forgedToken: (claims = {}) => signWith(forger, claims, {}),
    rotateKey: () => {
      keys.push(newKey(`${realm}-${keys.length + 1}`));
    },
    jwksRequests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
