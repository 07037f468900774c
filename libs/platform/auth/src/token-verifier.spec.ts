import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AuthenticationError, KeycloakTokenVerifier } from './token-verifier';

// A realm's keys served the way Keycloak serves them (/realms/<realm>/protocol/openid-connect/certs),
// and tokens signed with them: validation itself runs through keycloak-connect, unmocked.
interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
}
const newKey = (kid: string): SigningKey => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function signToken(key: SigningKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const head = b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header });
  const body = b64(claims);
  return `${head}.${body}.${sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key.privateKey).toString('base64url')}`;
}

describe('KeycloakTokenVerifier', () => {
  const published: SigningKey[] = [newKey('key-1')];
  const stranger = newKey('key-1'); // same kid, different key: a forger's
  let server: Server;
  let realmUrl: string;
  let fetches = 0;
  let verifier: KeycloakTokenVerifier;

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: realmUrl,
    aud: ['kommuna-api', 'account'],
    sub: 'f2d4c7e6-0000-4000-8000-000000000001',
    typ: 'Bearer',
    azp: 'kommuna-web',
    iat: now(),
    exp: now() + 300,
    realm_access: { roles: ['case_worker', 'offline_access'] },
    organization: ['sundsvall'],
    unit: 'socialtjanst',
    ...extra,
  });
  const reasonOf = async (token: string | undefined) => {
    try {
      await verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) return error.reason;
      throw error;
    }
    return 'accepted';
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/realms/kommuna/protocol/openid-connect/certs') {
        fetches += 1;
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
      } else {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    realmUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/kommuna`;
    verifier = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }]);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('turns a valid staff token into a principal', async () => {
    await expect(verifier.verify(signToken(published[0], claims()))).resolves.toEqual({
      subject: 'f2d4c7e6-0000-4000-8000-000000000001',
      issuer: realmUrl,
      roles: ['case_worker'],
      organizations: ['sundsvall'],
      unit: 'socialtjanst',
      clientId: 'kommuna-web',
      personnummer: undefined,
    });
  });

  it("reads a citizen's personnummer and a service account's client id", async () => {
    const citizen = await verifier.verify(
      signToken(published[0], claims({ realm_access: { roles: ['citizen'] }, organization: undefined, unit: undefined, personnummer: '199001019802' })),
    );
    expect(citizen).toMatchObject({ roles: ['citizen'], personnummer: '199001019802', organizations: [] });
    const system = await verifier.verify(
      signToken(published[0], claims({ realm_access: { roles: ['service_account'] }, client_id: 'sundsvall-case-system', organization: { sundsvall: {} } })),
    );
    expect(system).toMatchObject({ roles: ['service_account'], clientId: 'sundsvall-case-system', organizations: ['sundsvall'] });
  });

  it('refuses every kind of bad token with its reason', async () => {
    const key = published[0];
    const valid = signToken(key, claims());
    const [head, body, signature] = valid.split('.');
    const tampered = `${head}.${b64({ ...claims(), realm_access: { roles: ['platform_admin'] } })}.${signature}`;
    const cases: Array<[string, string | undefined, string]> = [
      ['no token', undefined, 'missing'],
      ['not a JWT', 'hello', 'malformed'],
      ['garbage segments', 'a.b.c', 'malformed'],
      ['alg none', `${b64({ alg: 'none', kid: key.kid })}.${body}.`, 'malformed'],
      ['alg none with a signature part', `${b64({ alg: 'none', kid: key.kid })}.${body}.${signature}`, 'algorithm'],
      ['HS256', signToken(key, claims(), { alg: 'HS256' }), 'algorithm'],
      ['signed by an unknown key', signToken(stranger, claims()), 'signature'],
      ['unknown kid', signToken(newKey('key-x'), claims()), 'signature'],
      ['tampered payload', tampered, 'signature'],
      ['expired', signToken(key, claims({ exp: now() - 120 })), 'expired'],
      ['without exp', signToken(key, claims({ exp: undefined })), 'expired'],
      ['not yet valid', signToken(key, claims({ nbf: now() + 600 })), 'not_yet_valid'],
      ['untrusted issuer', signToken(key, claims({ iss: 'http://evil.example/realms/kommuna' })), 'untrusted_issuer'],
      ['other realm on the same server', signToken(key, claims({ iss: realmUrl.replace('kommuna', 'master') })), 'untrusted_issuer'],
      ['wrong audience', signToken(key, claims({ aud: 'someone-else' })), 'wrong_audience'],
      ['an ID token, not an access token', signToken(key, claims({ typ: 'ID' })), 'wrong_type'],
      ['no subject', signToken(key, claims({ sub: undefined })), 'no_subject'],
    ];
    for (const [name, token, reason] of cases) {
      expect({ name, reason: await reasonOf(token) }).toEqual({ name, reason });
    }
  });

  it('never puts the token in its error message', async () => {
    const token = signToken(stranger, claims());
    const error = await verifier.verify(token).catch((e: Error) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain(token.split('.')[1]);
  });

  it('caches the keys and fetches them again when the realm rotates to a new key', async () => {
    const fresh = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }], { minSecondsBetweenJwksRequests: 0 });
    const before = fetches;
    await fresh.verify(signToken(published[0], claims()));
    await fresh.verify(signToken(published[0], claims()));
    expect(fetches - before).toBe(1);

    const rotated = newKey('key-2');
    published.push(rotated);
    await expect(fresh.verify(signToken(rotated, claims()))).resolves.toMatchObject({ roles: ['case_worker'] });
    expect(fetches - before).toBe(2);
  });
});
