import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
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

  it('serves a test e-legitimation provider (realm eid) as OIDC Sweden describes it, for registered brokers only', async () => {
    const eid = `${idp.url}/realms/eid`;
    const discovery = (await (await fetch(`${eid}/.well-known/openid-configuration`)).json()) as Record<string, any>;
    expect(discovery).toMatchObject({ issuer: eid, authorization_endpoint: `${eid}/protocol/openid-connect/auth` });
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'https://id.oidc.se/scope/naturalPersonNumber']));
    expect(discovery.claims_supported).toEqual(
      expect.arrayContaining(['acr', 'https://id.oidc.se/claim/personalIdentityNumber', 'https://id.oidc.se/claim/coordinationNumber']),
    );
    expect(discovery.acr_values_supported).toEqual(expect.arrayContaining(['http://id.elegnamnden.se/loa/1.0/loa3']));
    const authorize = (extra: Record<string, string>) =>
      fetch(
        `${eid}/protocol/openid-connect/auth?${new URLSearchParams({
          client_id: 'kommuna-broker',
          response_type: 'code',
          scope: 'openid https://id.oidc.se/scope/naturalPersonNumber',
          redirect_uri: `${realmUrl}/broker/eid/endpoint`,
          code_challenge: 'x'.repeat(43),
          code_challenge_method: 'S256',
          ...extra,
        })}`,
        { redirect: 'manual' },
      );
    // The realm's own broker is registered; an unknown address or a login without PKCE is not let through.
    expect((await authorize({})).headers.get('location')).toMatch(/\/realms\/eid\/interaction\//);
    const stranger = await authorize({ redirect_uri: 'https://attacker.example/broker/eid/endpoint' });
    expect(stranger.status).toBe(400);
    const withoutPkce = await authorize({ code_challenge: '', code_challenge_method: '' });
    expect(withoutPkce.headers.get('location') ?? '').not.toMatch(/\/interaction\//);
    // The realm's broker endpoints refuse what no login of theirs started: a clear page, no login.
    const unknownLogin = await fetch(`${realmUrl}/broker/eid/login?session_code=nonesuch`, { redirect: 'manual' });
    expect(unknownLogin.status).toBe(400);
    const forgedAnswer = await fetch(`${realmUrl}/broker/eid/endpoint?state=forged&code=anything`, { redirect: 'manual' });
    expect({ status: forgedAnswer.status, location: forgedAnswer.headers.get('location') }).toEqual({ status: 400, location: null });
    expect(await forgedAnswer.text()).toContain('Inloggningen har gått ut');
  });

  it("serves a municipality's own realm (auth.issuer naming dev-idp) with its staff and system, apart from the shared realm", async () => {
    // A copy of the tenant files in which Timrå runs its own IdP at this dev-idp and Ånge one elsewhere.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tenants = fs.mkdtempSync(path.join(os.tmpdir(), 'dev-idp-tenants-'));
    const source = path.resolve(__dirname, '../../../tenants');
    for (const slug of fs.readdirSync(source).filter((name) => fs.existsSync(path.join(source, name, 'tenant.yaml')))) {
      const config = parse(fs.readFileSync(path.join(source, slug, 'tenant.yaml'), 'utf8'));
      if (slug === 'timra') config.auth = { ...config.auth, realm: 'personal', issuer: `${base}/realms/timra-personal` };
      if (slug === 'ange') config.auth = { ...config.auth, realm: 'personal', issuer: 'https://login.ange.example/realms/personal' };
      fs.mkdirSync(path.join(tenants, slug));
      fs.writeFileSync(path.join(tenants, slug, 'tenant.yaml'), stringify(config));
    }
    const own = spawnDevIdp(port, { KOMMUNA_TENANTS_DIR: tenants });
    try {
      await own.ready;
      const ownRealm = `${base}/realms/timra-personal`;
      const discovery = (await (await fetch(`${ownRealm}/.well-known/openid-configuration`)).json()) as Record<string, string>;
      expect(discovery.issuer).toBe(ownRealm);
      // Ånge's IdP is elsewhere: dev-idp has nothing of it.
      expect((await fetch(`${base}/realms/personal/.well-known/openid-configuration`)).status).toBe(404);
      const tokenAt = async (realmUrl: string, form: Record<string, string>, basic?: string) => {
        const response = await fetch(`${realmUrl}/protocol/openid-connect/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
          },
          body: new URLSearchParams(form),
        });
        return (await response.json()) as Record<string, string>;
      };
      const staff = { grant_type: 'password', client_id: 'kommuna-dev', username: 'timra-admin', password: 'kommuna-demo' };
      const ownVerifier = new KeycloakTokenVerifier([{ realmUrl: ownRealm, audience: 'kommuna-api' }]);
      const sharedVerifier = new KeycloakTokenVerifier([{ realmUrl: `${base}/realms/kommuna`, audience: 'kommuna-api' }]);
      const admin = await tokenAt(ownRealm, staff);
      await expect(ownVerifier.verify(admin.access_token)).resolves.toMatchObject({
        issuer: ownRealm,
        roles: ['tenant_admin'],
        organizations: ['timra'],
      });
      await expect(sharedVerifier.verify(admin.access_token)).rejects.toThrow(AuthenticationError);
      const system = await tokenAt(ownRealm, { grant_type: 'client_credentials' }, 'timra-system:timra-system-secret');
      await expect(ownVerifier.verify(system.access_token)).resolves.toMatchObject({
        roles: ['service_account'],
        organizations: ['timra'],
      });
      // The shared realm no longer knows Timrå's staff or system, nor Ånge's; its other members stay.
      expect((await tokenAt(`${base}/realms/kommuna`, staff)).error).toBe('invalid_grant');
      expect((await tokenAt(`${base}/realms/kommuna`, { ...staff, username: 'ange-admin' })).error).toBe('invalid_grant');
      expect(
        (await tokenAt(`${base}/realms/kommuna`, { grant_type: 'client_credentials' }, 'timra-system:timra-system-secret')).error,
      ).toBe('invalid_client');
      expect((await tokenAt(`${base}/realms/kommuna`, { ...staff, username: 'sundsvall-admin' })).access_token).toEqual(expect.any(String));
      // The platform's people belong to the shared realm only.
      expect((await tokenAt(ownRealm, { ...staff, username: 'styrgrupp' })).error).toBe('invalid_grant');
    } finally {
      await own.stop();
      fs.rmSync(tenants, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to start in production', async () => {
    const prod = spawnDevIdp(await freePort(), { NODE_ENV: 'production' });
    expect(await prod.exited).toBe(1);
    expect(prod.output()).toMatch(/dev-idp is for development and tests only/);
  }, 60_000);
});
