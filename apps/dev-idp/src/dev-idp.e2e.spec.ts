import { createHash, randomBytes } from 'node:crypto';
import { AuthenticationError, KeycloakTokenVerifier } from '@kommuna/platform-auth';
import { demoSubject, DevIdpProcess, freePort, spawnDevIdp, startDevIdpProcess } from '@kommuna/platform-testing';

// dev-idp as its own process, its tokens verified the way the api verifies them (keycloak-connect).
describe('dev-idp', () => {
  let idp: DevIdpProcess;
  let realmUrl: string;
  let verifier: KeycloakTokenVerifier;

  beforeAll(async () => {
    idp = await startDevIdpProcess();
    realmUrl = idp.realmUrl;
    verifier = new KeycloakTokenVerifier([{ realmUrl, audience: 'kommuna-api' }]);
  }, 60_000);
  afterAll(() => idp?.stop());

  const token = (form: Record<string, string>, basic?: string) => idp.requestToken(form, basic);
  const password = (username: string, pw = 'kommuna-demo') =>
    token({ grant_type: 'password', client_id: 'kommuna-dev', username, password: pw });

  it("serves Keycloak's discovery document with the realm URL as issuer", async () => {
    const discovery = (await (await fetch(`${realmUrl}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(realmUrl);
    expect(discovery.jwks_uri).toMatch(/\/realms\/kommuna\/protocol\/openid-connect\/certs$/);
    expect(discovery.token_endpoint).toMatch(/\/realms\/kommuna\/protocol\/openid-connect\/token$/);
    expect(discovery.authorization_endpoint).toMatch(/\/realms\/kommuna\/protocol\/openid-connect\/auth$/);
  });

  it('issues a case worker a Keycloak-shaped token that keycloak-connect accepts', async () => {
    const { status, body } = await password('sundsvall-socialtjanst');
    expect(status).toBe(200);
    await expect(verifier.verify(body.access_token)).resolves.toMatchObject({
      // A UUID, as at Keycloak, and the same one the dev Keycloak gives this demo user.
      subject: demoSubject('sundsvall-socialtjanst'),
      issuer: realmUrl,
      roles: ['case_worker'],
      organizations: ['sundsvall'],
      unit: 'socialtjanst',
      clientId: 'kommuna-dev',
      personnummer: undefined,
    });
  });

  it('issues citizens their test personnummer and service accounts their municipality', async () => {
    const citizen = await verifier.verify((await password('medborgare-anna')).body.access_token);
    expect(citizen).toMatchObject({ roles: ['citizen'], personnummer: '199001019802', organizations: [] });
    const system = await token({ grant_type: 'client_credentials' }, 'timra-system:timra-system-secret');
    expect(system.status).toBe(200);
    await expect(verifier.verify(system.body.access_token)).resolves.toMatchObject({
      roles: ['service_account'],
      organizations: ['timra'],
      clientId: 'timra-system',
    });
  });

  it('refuses wrong passwords, unknown users and wrong client secrets', async () => {
    expect((await password('sundsvall-admin', 'guess')).body.error).toBe('invalid_grant');
    expect((await password('nobody')).body.error).toBe('invalid_grant');
    expect((await token({ grant_type: 'client_credentials' }, 'timra-system:wrong')).body.error).toBe('invalid_client');
    // The web client logs people in through the browser only, as at Keycloak.
    const web = await token({ grant_type: 'password', client_id: 'kommuna-web', username: 'sundsvall-admin', password: 'kommuna-demo' });
    // (Keycloak names it unauthorized_client, oidc-provider invalid_request: both 400.)
    expect({ status: web.status, error: web.body.error }).toEqual({ status: 400, error: 'invalid_request' });
  });

  it("issues tokens that another realm's verifier rejects", async () => {
    const other = new KeycloakTokenVerifier([{ realmUrl: realmUrl.replace('kommuna', 'other'), audience: 'kommuna-api' }]);
    const { body } = await password('styrgrupp');
    await expect(other.verify(body.access_token)).rejects.toThrow(AuthenticationError);
  });

  it('logs a user in through the browser flow (authorization code with PKCE) and checks the password', async () => {
    const cookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, value] = pair.split('=');
        cookies.set(name, value);
      }
      return response;
    };
    const verifierCode = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifierCode).digest('base64url');
    const redirectUri = 'http://127.0.0.1:3000/callback';
    const start = await go(
      `${realmUrl}/protocol/openid-connect/auth?${new URLSearchParams({ client_id: 'kommuna-web', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'st' })}`,
    );
    const loginUrl = new URL(start.headers.get('location') ?? '', realmUrl).toString();
    expect(loginUrl).toMatch(/\/realms\/kommuna\/interaction\//);
    expect(await (await go(loginUrl)).text()).toContain('<form method="post"');

    const form = (password: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'timra-admin', password }),
    });
    expect((await go(loginUrl, form('wrong'))).status).toBe(401);
    const resumed = await go(loginUrl, form('kommuna-demo'));
    expect(resumed.status).toBe(303);
    const callback = new URL((await go(resumed.headers.get('location') ?? '')).headers.get('location') ?? '');
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    expect(callback.searchParams.get('state')).toBe('st');

    const exchanged = await token({
      grant_type: 'authorization_code',
      client_id: 'kommuna-web',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
      code_verifier: verifierCode,
    });
    expect(exchanged.status).toBe(200);
    await expect(verifier.verify(exchanged.body.access_token)).resolves.toMatchObject({
      subject: demoSubject('timra-admin'),
      roles: ['tenant_admin'],
      organizations: ['timra'],
    });
  });

  it('refuses to start in production', async () => {
    const prod = spawnDevIdp(await freePort(), { NODE_ENV: 'production' });
    expect(await prod.exited).toBe(1);
    expect(prod.output()).toMatch(/dev-idp is for development and tests only/);
  }, 60_000);
});
