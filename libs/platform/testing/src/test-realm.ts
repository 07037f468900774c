import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer, ServerResponse } from 'node:http';
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
   * A `personnummer` given is written as Keycloak's realm writes it: in OIDC Sweden's claim
   * (`https://id.oidc.se/claim/personalIdentityNumber`, or `…/coordinationNumber` for a samordningsnummer).
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

/** What a crafted token endpoint answers: a status (200 unless said) and a JSON body. */
export interface TestRealmTokenAnswer {
  status?: number;
  body: Record<string, unknown>;
}

export interface TestRealmOptions {
  /**
   * Makes the realm an OpenID provider a client can discover (issuer, endpoints at Keycloak's paths,
   * end_session_endpoint included) whose token endpoint answers with this: a crafted IdP, e.g. one
   * handing out an id_token with a wrong nonce, issuer or audience. Without it only the keys are served.
   */
  tokenEndpoint?: (form: URLSearchParams) => TestRealmTokenAnswer | Promise<TestRealmTokenAnswer>;
}

/** Swedish e-legitimation at assurance level 3 (BankID, Freja eID+), as the eID broker states it in `acr`. */
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

/** A resident's login went through e-legitimation (loa3 unless told); anyone else's is Keycloak's plain "1". */
const acrFor = (claims: Record<string, unknown>) => {
  const roles = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
  return Array.isArray(roles) && roles.some((role) => role === 'citizen' || role === 'company_representative') ? LOA3 : '1';
};

/**
 * The realm's claims for a `personnummer` shorthand: OIDC Sweden's personalIdentityNumber, or its
 * coordinationNumber for a samordningsnummer (day of birth + 60), as the realm's mappers write them.
 */
function withIdentityNumberClaim(claims: Record<string, unknown>): Record<string, unknown> {
  const { personnummer, ...rest } = claims;
  if (typeof personnummer !== 'string') return claims;
  const day = Number(/^(?:\d{2})?\d{4}(\d{2})/.exec(personnummer)?.[1] ?? 0);
  const claim = day > 60 ? 'coordinationNumber' : 'personalIdentityNumber';
  return { ...rest, [`https://id.oidc.se/claim/${claim}`]: personnummer };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const newKey = (kid: string): SigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
};

/**
 * A stand-in for one Keycloak realm's signing side in tests: serves its JWKS at Keycloak's path
 * (/realms/<realm>/protocol/openid-connect/certs) and signs RS256 access tokens shaped like
 * Keycloak's. Verification in the code under test stays real (keycloak-connect). With
 * `options.tokenEndpoint` it is also a discoverable OpenID provider whose token answers the test crafts.
 */
export async function startTestRealm(realm = 'kommuna', audience = 'kommuna-api', options: TestRealmOptions = {}): Promise<TestRealm> {
  const keys = [newKey(`${realm}-1`)];
  const forger = newKey(keys[0].kid);
  let requests = 0;
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(body));
  };
  const base = `/realms/${realm}`;
  const { tokenEndpoint } = options;
  const server = createServer((request, response) => {
    if (request.url === `${base}/protocol/openid-connect/certs`) {
      requests += 1;
      json(response, 200, { keys: keys.map((k) => k.jwk) });
    } else if (tokenEndpoint && request.url === `${base}/.well-known/openid-configuration`) {
      const endpoint = (name: string) => `${realmUrl}/protocol/openid-connect/${name}`;
      json(response, 200, {
        issuer: realmUrl,
        authorization_endpoint: endpoint('auth'),
        token_endpoint: endpoint('token'),
        jwks_uri: endpoint('certs'),
        end_session_endpoint: endpoint('logout'),
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (tokenEndpoint && request.method === 'POST' && request.url === `${base}/protocol/openid-connect/token`) {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        Promise.resolve(tokenEndpoint(new URLSearchParams(body))).then(
          (answer) => json(response, answer.status ?? 200, answer.body),
          (error: Error) => json(response, 500, { error: 'server_error', error_description: error.message }),
        );
      });
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
    const body = b64({
      iss: realmUrl,
      aud: [audience, 'account'],
      typ: 'Bearer',
      azp: 'kommuna-web',
      acr: acrFor(claims),
      iat: now,
      exp: now + 300,
      ...withIdentityNumberClaim(claims),
    });
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
