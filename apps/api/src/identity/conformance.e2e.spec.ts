import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { CASE_SYSTEM_SCOPE, OIDC_SWEDEN_CLAIMS } from '@kommuna/platform-auth';
import { LoginChecks, LoginFailedError, newLoginChecks, OidcClient } from '@kommuna/platform-oidc-client';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import {
  browserFetch,
  demoSubject,
  DevIdpProcess,
  freePort,
  KeycloakProcess,
  realmLogout,
  realmPasswordLogin,
  startDevIdpProcess,
  startKeycloakProcess,
  testEidLogin,
} from '@kommuna/platform-testing';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

// One identity conformance suite, run against a real Keycloak 26 (the cached distribution,
// `npm run keycloak:install`, importing infra/keycloak/kommuna-realm.json) and against dev-idp, the
// embedded stand-in `npm start` uses. What the api relies on must hold for both; where dev-idp
// cannot do what Keycloak does yet, the case says so and runs against Keycloak only.

type Provider = (DevIdpProcess | KeycloakProcess) & { otherRealmToken?: () => Promise<string> };

const providers: Array<[string, () => Promise<Provider>]> = [
  [
    'Keycloak',
    async () => {
      // Residents are brokered to an eID provider: dev-idp's test e-legitimation (realm eid), which
      // must know Keycloak's broker endpoint before Keycloak starts.
      const port = await freePort();
      const eid = await startDevIdpProcess({
        env: { DEV_IDP_EID_REDIRECT_URIS: `http://127.0.0.1:${port}/realms/kommuna/broker/eid/endpoint` },
      });
      let keycloak: KeycloakProcess;
      try {
        keycloak = await startKeycloakProcess({ port, eidIssuer: eid.eidUrl });
      } catch (error) {
        await eid.stop();
        throw error;
      }
      // The closing note of issue 16 asks for it: how long a real Keycloak takes to be ready.
      process.stdout.write(`Keycloak ${keycloak.version} ready in ${(keycloak.startMillis / 1000).toFixed(1)} s at ${keycloak.url}\n`);
      const stopKeycloak = keycloak.stop;
      return Object.assign(keycloak, {
        otherRealmToken: () => keycloak.masterRealmToken(),
        stop: async () => {
          await stopKeycloak();
          await eid.stop();
        },
      });
    },
  ],
  ['dev-idp', () => startDevIdpProcess()],
];

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Keycloak's display name of the eID identity provider (the realm export), which dev-idp's login page shows too. */
const EID_PROVIDER_NAME = 'E-legitimation (BankID, Freja eID)';
const LOA = (level: string) => `http://id.elegnamnden.se/loa/1.0/${level}`;

/** The municipalities whose staff and systems log in through the shared realm. */
const members = loadTenantConfigs(path.join(REPO_ROOT, 'tenants'))
  .map((t) => t.config)
  .filter((t) => t.auth.realm === 'kommuna' && !t.auth.issuer);

const WEB_CLIENT = 'kommuna-web';
const DEV_CLIENT = 'kommuna-dev';
const PORTAL_CALLBACK = 'http://127.0.0.1:3003/auth/callback';

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, any>;
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8')) as Record<string, any>;
interface Login {
  access_token: string;
  refresh_token: string;
  id_token: string;
}

describe.each(providers)('identity conformance: %s', (name, start) => {
  let idp: Provider;
  let api: TestApi;
  let started: number;
  beforeAll(async () => {
    started = Date.now();
    idp = await start();
    api = await startTestApi({ keycloakUrl: idp.url });
  }, 360_000); // a first start after install also builds Keycloak (about a minute more); CI shares 2 cores
  afterAll(async () => {
    await api?.close();
    await idp?.stop();
    if (started) process.stdout.write(`identity conformance against ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  const endpoint = (suffix: string) => `${idp.realmUrl}/protocol/openid-connect${suffix}`;
  const post = (url: string, form: Record<string, string>, basic?: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
      },
      body: new URLSearchParams(form),
    });
  const passwordToken = async (username: string, clientId = DEV_CLIENT) => {
    const { status, body } = await idp.requestToken({
      grant_type: 'password',
      client_id: clientId,
      username,
      password: 'kommuna-demo',
      scope: 'openid',
    });
    expect({ status, error: body.error }).toEqual({ status: 200, error: undefined });
    return body.access_token;
  };
  const me = (token: string, tenant?: string) =>
    api.graphql('{ me { subject roles organizations unit clientId hasPersonnummer tenant { slug } } }', {
      authorization: `Bearer ${token}`,
      ...(tenant ? { 'x-kommuna-tenant': tenant } : {}),
    });
  /** The whole authorization-code login with PKCE, as a browser and the portal would do it. */
  const browserLogin = async (
    username: string,
    options: { redirectUri?: string; verifier?: string | null; scope?: string; prompt?: string } = {},
  ) => {
    const go = browserFetch();
    const redirectUri = options.redirectUri ?? PORTAL_CALLBACK;
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('hex');
    const nonce = randomBytes(8).toString('hex');
    const query = new URLSearchParams({
      client_id: WEB_CLIENT,
      response_type: 'code',
      scope: options.scope ?? 'openid',
      redirect_uri: redirectUri,
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(options.prompt ? { prompt: options.prompt } : {}),
    });
    // The realm's own pages as a browser meets them (Keycloak with Organizations asks for the username
    // first and the password on a second page; dev-idp asks for both at once; a consent page would be
    // accepted once, and Kommuna's clients have none).
    const login = await realmPasswordLogin(`${endpoint('/auth')}?${query}`, redirectUri, username, go);
    expect(login.askedForPassword).toBe(true);
    const callback = login.callback;
    expect(callback.searchParams.get('state')).toBe(state);
    const code = callback.searchParams.get('code') ?? '';
    const exchange = {
      grant_type: 'authorization_code',
      client_id: WEB_CLIENT,
      code,
      redirect_uri: redirectUri,
      ...(options.verifier === null ? {} : { code_verifier: options.verifier ?? verifier }),
    };
    const tokens = await idp.requestToken(exchange);
    return { ...tokens, nonce, go, consentPages: login.consentPages };
  };
  /**
   * RP-initiated logout as a browser does it: redirects followed, a confirmation (if asked) posted.
   * Ends where the provider sends the browser afterwards; says whether it asked.
   */
  const logout = (go: ReturnType<typeof browserFetch>, query: Record<string, string>) =>
    realmLogout(`${endpoint('/logout')}?${new URLSearchParams(query)}`, new URL(PORTAL_CALLBACK).origin, go);

  it('serves the discovery document with the endpoints Kommuna and its clients use', async () => {
    const response = await fetch(`${idp.realmUrl}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, any>;
    expect(discovery).toMatchObject({
      issuer: idp.realmUrl,
      authorization_endpoint: endpoint('/auth'),
      token_endpoint: endpoint('/token'),
      jwks_uri: endpoint('/certs'),
      userinfo_endpoint: endpoint('/userinfo'),
      end_session_endpoint: endpoint('/logout'),
      introspection_endpoint: endpoint('/token/introspect'),
      revocation_endpoint: endpoint('/revoke'),
    });
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(discovery.code_challenge_methods_supported).toContain('S256');
    expect(discovery.id_token_signing_alg_values_supported).toContain('RS256');
    const keys = (await (await fetch(discovery.jwks_uri)).json()) as { keys: Array<{ kty: string; alg?: string; use?: string }> };
    expect(keys.keys.some((k) => k.kty === 'RSA' && (k.alg ?? 'RS256') === 'RS256' && (k.use ?? 'sig') === 'sig')).toBe(true);
  });

  describe('a browser login (authorization code with PKCE) and what follows it', () => {
    let login: Login;
    const username = `${members[0].slug}-socialtjanst`;
    beforeAll(async () => {
      const { status, body, nonce } = await browserLogin(username);
      expect({ status, error: body.error, description: body.error_description }).toEqual({
        status: 200,
        error: undefined,
        description: undefined,
      });
      login = body as unknown as Login;
      expect(claimsOf(login.id_token)).toMatchObject({ nonce, aud: WEB_CLIENT, iss: idp.realmUrl, sub: demoSubject(username) });
    }, 60_000);

    it('issues an access token with the claims the api reads, in Keycloak’s shape', () => {
      expect(headerOf(login.access_token)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
      const claims = claimsOf(login.access_token);
      expect(claims).toMatchObject({
        iss: idp.realmUrl,
        typ: 'Bearer',
        azp: WEB_CLIENT,
        sub: demoSubject(username),
        sid: expect.any(String),
        realm_access: { roles: expect.arrayContaining(['case_worker']) },
        organization: [members[0].auth.organization],
        unit: 'socialtjanst',
        scope: expect.stringContaining('openid'),
      });
      // Staff log in through their Organization: no e-legitimation level (the realm's web client
      // passes the eID broker's acr, not Keycloak's own "0"/"1").
      expect(claims.acr).toBeUndefined();
      expect([claims.aud].flat()).toContain('kommuna-api');
    });

    it('refreshes: a new access token for the same person', async () => {
      const { status, body } = await idp.requestToken({
        grant_type: 'refresh_token',
        client_id: WEB_CLIENT,
        refresh_token: login.refresh_token,
      });
      expect({ status, error: body.error }).toEqual({ status: 200, error: undefined });
      expect(body.access_token).not.toBe(login.access_token);
      expect(claimsOf(body.access_token)).toMatchObject({
        sub: demoSubject(username),
        organization: [members[0].auth.organization],
        unit: 'socialtjanst',
      });
      if (body.refresh_token) login = { ...login, refresh_token: body.refresh_token };
    });

    it('answers userinfo for its own access token, and 401 for a forged one', async () => {
      const response = await fetch(endpoint('/userinfo'), { headers: { authorization: `Bearer ${login.access_token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub: demoSubject(username), preferred_username: username });
      const [head, , signature] = login.access_token.split('.');
      const forged = `${head}.${Buffer.from(JSON.stringify({ ...claimsOf(login.access_token), sub: demoSubject('plattform') })).toString('base64url')}.${signature}`;
      expect((await fetch(endpoint('/userinfo'), { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    });

    it('introspects tokens for a confidential client, and refuses a wrong secret', async () => {
      const system = `${members[0].slug}-system`;
      const response = await post(endpoint('/token/introspect'), { token: login.access_token }, `${system}:${system}-secret`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ active: true, sub: demoSubject(username), iss: idp.realmUrl });
      const wrong = await post(endpoint('/token/introspect'), { token: login.access_token }, `${system}:wrong`);
      expect(wrong.status).toBe(401);
    });

    it('revokes a refresh token: it neither refreshes nor introspects as active afterwards', async () => {
      const system = `${members[0].slug}-system`;
      const fresh = await browserLogin(username);
      const refreshToken = fresh.body.refresh_token;
      expect(
        (await post(endpoint('/revoke'), { client_id: WEB_CLIENT, token: refreshToken, token_type_hint: 'refresh_token' })).status,
      ).toBe(200);
      const refreshed = await idp.requestToken({ grant_type: 'refresh_token', client_id: WEB_CLIENT, refresh_token: refreshToken });
      expect({ status: refreshed.status, error: refreshed.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
      const introspected = await post(endpoint('/token/introspect'), { token: refreshToken }, `${system}:${system}-secret`);
      expect(await introspected.json()).toEqual({ active: false });
    });

    it('revokes an access token: introspection calls it inactive', async () => {
      const system = `${members[0].slug}-system`;
      const token = await passwordToken(`${members[0].slug}-skola`);
      expect((await post(endpoint('/revoke'), { client_id: DEV_CLIENT, token, token_type_hint: 'access_token' })).status).toBe(200);
      const introspected = await post(endpoint('/token/introspect'), { token }, `${system}:${system}-secret`);
      expect(await introspected.json()).toEqual({ active: false });
    });

    it('logs out at once given the id token as hint (as Keycloak 26): back to the portal, and the session’s refresh token is dead', async () => {
      const fresh = await browserLogin(username);
      const done = await logout(fresh.go, {
        id_token_hint: fresh.body.id_token,
        post_logout_redirect_uri: `${new URL(PORTAL_CALLBACK).origin}/auth/callback`,
        client_id: WEB_CLIENT,
        state: 'bye',
      });
      expect(done).toEqual({ asked: false, location: `${new URL(PORTAL_CALLBACK).origin}/auth/callback?state=bye` });
      const refreshed = await idp.requestToken({
        grant_type: 'refresh_token',
        client_id: WEB_CLIENT,
        refresh_token: fresh.body.refresh_token,
      });
      expect({ status: refreshed.status, error: refreshed.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('asks before logging out without the id token, then logs out', async () => {
      const fresh = await browserLogin(username);
      const done = await logout(fresh.go, {
        post_logout_redirect_uri: `${new URL(PORTAL_CALLBACK).origin}/auth/callback`,
        client_id: WEB_CLIENT,
      });
      expect(done).toEqual({ asked: true, location: `${new URL(PORTAL_CALLBACK).origin}/auth/callback` });
      const refreshed = await idp.requestToken({
        grant_type: 'refresh_token',
        client_id: WEB_CLIENT,
        refresh_token: fresh.body.refresh_token,
      });
      expect(refreshed.body.error).toBe('invalid_grant');
    });

    it('gives an offline token for offline_access with prompt=consent (no consent screen for its own client), which outlives the logout', async () => {
      const offline = await browserLogin(username, { scope: 'openid offline_access', prompt: 'consent' });
      expect({ status: offline.status, error: offline.body.error, consentPages: offline.consentPages }).toEqual({
        status: 200,
        error: undefined,
        consentPages: [],
      });
      expect(String(offline.body.scope).split(' ')).toContain('offline_access');
      const system = `${members[0].slug}-system`;
      const introspected = await post(endpoint('/token/introspect'), { token: offline.body.refresh_token }, `${system}:${system}-secret`);
      expect(await introspected.json()).toMatchObject({ active: true, typ: 'Offline', sub: demoSubject(username) });
      const done = await logout(offline.go, {
        id_token_hint: offline.body.id_token,
        post_logout_redirect_uri: `${new URL(PORTAL_CALLBACK).origin}/auth/callback`,
      });
      expect(done.asked).toBe(false);
      const refreshed = await idp.requestToken({
        grant_type: 'refresh_token',
        client_id: WEB_CLIENT,
        refresh_token: offline.body.refresh_token,
      });
      expect({ status: refreshed.status, error: refreshed.body.error }).toEqual({ status: 200, error: undefined });
      expect(claimsOf(refreshed.body.access_token)).toMatchObject({ sub: demoSubject(username), unit: 'socialtjanst' });
    });
  });

  describe('residents through the eID broker (dev-idp’s test e-legitimation, OIDC Sweden)', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
      });
    }, 60_000);
    afterAll(() => browser?.close());

    const residentCall = (token: string, query: string) =>
      api.graphql(query, { authorization: `Bearer ${token}`, 'x-kommuna-tenant': members[0].slug });

    it('logs a resident in a real browser: the login page’s e-legitimation, a test personnummer at loa3, back with personnummer and acr', async () => {
      const page = await (await browser.newContext()).newPage();
      let callback: URL | undefined;
      await page.route(`${PORTAL_CALLBACK}**`, (route) => {
        callback = new URL(route.request().url());
        return route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback' });
      });
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: WEB_CLIENT,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: PORTAL_CALLBACK,
        state: 'eid-state',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      await page.goto(`${endpoint('/auth')}?${query}`);
      await page.getByRole('link', { name: EID_PROVIDER_NAME }).click();
      await page.getByLabel('Personnummer eller samordningsnummer').selectOption('193207189949');
      await page.getByLabel('Tillitsnivå').selectOption('loa3');
      await page.getByRole('button', { name: 'Logga in med test-e-legitimation' }).click();
      await page.waitForURL(`${PORTAL_CALLBACK}**`);
      await page.context().close();
      expect(callback?.searchParams.get('state')).toBe('eid-state');
      const { status, body } = await idp.requestToken({
        grant_type: 'authorization_code',
        client_id: WEB_CLIENT,
        code: callback?.searchParams.get('code') ?? '',
        redirect_uri: PORTAL_CALLBACK,
        code_verifier: verifier,
      });
      expect({ status, error: body.error }).toEqual({ status: 200, error: undefined });
      const claims = claimsOf(body.access_token);
      expect(claims).toMatchObject({
        iss: idp.realmUrl,
        [OIDC_SWEDEN_CLAIMS.personalIdentityNumber]: '193207189949',
        acr: LOA('loa3'),
        realm_access: { roles: expect.arrayContaining(['citizen']) },
      });
      expect(claims[OIDC_SWEDEN_CLAIMS.coordinationNumber]).toBeUndefined();
      const me = await residentCall(body.access_token, '{ me { roles hasPersonnummer partyId } }');
      expect(me.body.data?.me ?? me.body).toEqual({ roles: ['citizen'], hasPersonnummer: true, partyId: expect.any(String) });
      const cases = await residentCall(body.access_token, '{ myCases { nodes { id } } }');
      expect({ status: cases.status, errors: cases.body.errors }).toEqual({ status: 200, errors: undefined });
    }, 120_000);

    it('brings a samordningsnummer in its own claim, and the api takes it as the resident’s identity', async () => {
      const token = await testEidLogin(idp.realmUrl, '197507619810', 'loa3');
      const claims = claimsOf(token);
      expect(claims).toMatchObject({ [OIDC_SWEDEN_CLAIMS.coordinationNumber]: '197507619810', acr: LOA('loa3') });
      expect(claims[OIDC_SWEDEN_CLAIMS.personalIdentityNumber]).toBeUndefined();
      const me = await residentCall(token, '{ me { hasPersonnummer partyId } }');
      expect(me.body.data?.me ?? me.body).toEqual({ hasPersonnummer: true, partyId: expect.any(String) });
    }, 60_000);

    it('keeps the resident’s subject at a lower level, and the api refuses them with INSUFFICIENT_ASSURANCE', async () => {
      const loa3 = claimsOf(await testEidLogin(idp.realmUrl, '200404269813', 'loa3'));
      const token = await testEidLogin(idp.realmUrl, '200404269813', 'loa2');
      expect(claimsOf(token)).toMatchObject({
        sub: loa3.sub,
        acr: LOA('loa2'),
        [OIDC_SWEDEN_CLAIMS.personalIdentityNumber]: '200404269813',
      });
      const cases = await residentCall(token, '{ myCases { nodes { id } } }');
      expect(cases.status).toBe(403);
      expect(cases.body.errors[0].extensions).toEqual({
        code: 'INSUFFICIENT_ASSURANCE',
        details: { required: 'loa3', requiredAcr: LOA('loa3'), actual: 'loa2' },
      });
    }, 60_000);
  });

  it("logs in, renews and logs out through the web's and the portal's client (@kommuna/platform-oidc-client)", async () => {
    const client = new OidcClient({ issuer: idp.realmUrl, clientId: WEB_CLIENT });
    const go = browserFetch();
    const username = 'styrgrupp';
    const login = async (checks: LoginChecks) =>
      (
        await realmPasswordLogin(
          await client.authorizationUrl({ redirectUri: PORTAL_CALLBACK, checks, language: 'sv' }),
          PORTAL_CALLBACK,
          username,
          go,
        )
      ).callback;
    // A code whose id_token carries another login's nonce is refused, whatever the provider.
    const first = newLoginChecks();
    await expect(client.finishLogin(await login(first), { ...first, nonce: newLoginChecks().nonce })).rejects.toBeInstanceOf(
      LoginFailedError,
    );
    // The provider's single sign-on answers the next login at once; its checks pass.
    const checks = newLoginChecks();
    const { tokens, user } = await client.finishLogin(await login(checks), checks);
    expect(user).toMatchObject({ subject: demoSubject(username), roles: expect.arrayContaining(['steering_group']) });
    const renewed = await client.refresh(tokens, user.subject);
    expect(renewed?.user.subject).toBe(user.subject);
    expect(renewed?.tokens.accessToken).not.toBe(tokens.accessToken);
    const state = randomBytes(8).toString('hex');
    const logoutUrl = await client.logoutUrl({ idToken: renewed?.tokens.idToken, postLogoutRedirectUri: PORTAL_CALLBACK, state });
    expect(new URL(logoutUrl!).searchParams.get('id_token_hint')).toBe(renewed?.tokens.idToken);
    expect(await realmLogout(logoutUrl!, PORTAL_CALLBACK, go)).toEqual({ asked: false, location: `${PORTAL_CALLBACK}?state=${state}` });
    // The provider's session is over: its refresh token renews nothing.
    expect(await client.refresh(renewed!.tokens, user.subject)).toBeUndefined();
  });

  it('refuses a code exchange without the PKCE verifier, and a callback that is not registered', async () => {
    const noVerifier = await browserLogin(`${members[0].slug}-skola`, { verifier: null });
    expect(noVerifier.status).toBe(400);
    expect(noVerifier.body.error).toBe('invalid_grant');
    const response = await fetch(
      `${endpoint('/auth')}?${new URLSearchParams({ client_id: WEB_CLIENT, response_type: 'code', scope: 'openid', redirect_uri: 'https://attacker.example/callback', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
      { redirect: 'manual' },
    );
    // Neither provider sends the browser (or the code) to an unregistered address.
    expect(response.headers.get('location') ?? '').not.toMatch(/^https:\/\/attacker\.example/);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('keeps the direct password grant to the dev-only client: the web client refuses it', async () => {
    const { status, body } = await idp.requestToken({
      grant_type: 'password',
      client_id: WEB_CLIENT,
      username: 'medborgare-anna',
      password: 'kommuna-demo',
    });
    // Keycloak names it unauthorized_client, oidc-provider invalid_request.
    expect({ status, error: body.error, token: body.access_token }).toEqual({
      status: 400,
      error: expect.stringMatching(/^(unauthorized_client|invalid_request)$/),
      token: undefined,
    });
  });

  it.each(members.map((t) => [t.slug, t.auth.organization]))(
    "gives %s's system account (client credentials) its municipality as organization",
    async (slug, organization) => {
      const { status, body } = await idp.requestToken({ grant_type: 'client_credentials' }, `${slug}-system:${slug}-system-secret`);
      expect({ status, error: body.error }).toEqual({ status: 200, error: undefined });
      const claims = claimsOf(body.access_token);
      expect(claims).toMatchObject({
        iss: idp.realmUrl,
        typ: 'Bearer',
        azp: `${slug}-system`,
        sub: demoSubject(`service-account-${slug}-system`),
        realm_access: { roles: expect.arrayContaining(['service_account']) },
        organization: [organization],
      });
      expect([claims.aud].flat()).toContain('kommuna-api');
      // A wrong secret: 401 from both; Keycloak names it unauthorized_client, oidc-provider invalid_client.
      const wrong = await idp.requestToken({ grant_type: 'client_credentials' }, `${slug}-system:wrong`);
      expect({ status: wrong.status, error: wrong.body.error }).toEqual({
        status: 401,
        error: expect.stringMatching(/^(unauthorized|invalid)_client$/),
      });
    },
  );

  it("gives each municipality's system the case-system scope, and the case-system list answers it", async () => {
    for (const t of members) {
      const { status, body } = await idp.requestToken({ grant_type: 'client_credentials' }, `${t.slug}-system:${t.slug}-system-secret`);
      expect(status).toBe(200);
      expect(String(claimsOf(body.access_token).scope).split(' ')).toContain(CASE_SYSTEM_SCOPE);
      const listed = await api.graphql('{ caseSystemSubmissions(first: 1) { nodes { id } hasNextPage } }', {
        authorization: `Bearer ${body.access_token}`,
        'x-kommuna-tenant': t.slug,
      });
      expect({ status: listed.status, errors: listed.body.errors }).toEqual({ status: 200, errors: undefined });
      expect(listed.body.data.caseSystemSubmissions.nodes).toEqual(expect.any(Array));
    }
    // A person's login never carries it, staff included.
    expect(String(claimsOf(await passwordToken(`${members[0].slug}-admin`)).scope ?? '').split(' ')).not.toContain(CASE_SYSTEM_SCOPE);
  });

  it("passes a resident's e-legitimation level on as acr, and the api lets them at their own cases", async () => {
    // The demo resident's last eID login was at loa3 (at Keycloak: the `assurance` attribute the
    // eID broker's mapper writes, dev-idp's demo layer; at dev-idp: its demo residents).
    const token = await passwordToken('medborgare-anna');
    expect(claimsOf(token)).toMatchObject({
      acr: 'http://id.elegnamnden.se/loa/1.0/loa3',
      'https://id.oidc.se/claim/personalIdentityNumber': '199001019802',
      // Keycloak adds its default roles (offline_access), which the api does not read.
      realm_access: { roles: expect.arrayContaining(['citizen']) },
    });
    const cases = await api.graphql('{ myCases { nodes { id } } }', {
      authorization: `Bearer ${token}`,
      'x-kommuna-tenant': members[0].slug,
    });
    expect({ status: cases.status, errors: cases.body.errors }).toEqual({ status: 200, errors: undefined });
  });

  it('makes the api see the same principals through either provider', async () => {
    const [first, second] = members;
    const caseWorker = await me(await passwordToken(`${first.slug}-skola`), first.slug);
    expect(caseWorker.body.data?.me ?? caseWorker.body).toEqual({
      subject: demoSubject(`${first.slug}-skola`),
      roles: ['case_worker'],
      organizations: [first.auth.organization],
      unit: 'skola',
      clientId: DEV_CLIENT,
      hasPersonnummer: false,
      tenant: { slug: first.slug },
    });
    const citizen = await me(await passwordToken('medborgare-anna'), second.slug);
    expect(citizen.body.data?.me ?? citizen.body).toEqual({
      subject: demoSubject('medborgare-anna'),
      roles: ['citizen'],
      organizations: [],
      unit: null,
      clientId: DEV_CLIENT,
      hasPersonnummer: true,
      tenant: { slug: second.slug },
    });
    const { status, body } = await idp.requestToken(
      { grant_type: 'client_credentials' },
      `${second.slug}-system:${second.slug}-system-secret`,
    );
    expect(status).toBe(200);
    const system = await me(body.access_token, second.slug);
    expect(system.body.data?.me ?? system.body).toEqual({
      subject: demoSubject(`service-account-${second.slug}-system`),
      roles: ['service_account'],
      organizations: [second.auth.organization],
      unit: null,
      clientId: `${second.slug}-system`,
      hasPersonnummer: false,
      tenant: { slug: second.slug },
    });
    const steering = await me(await passwordToken('styrgrupp'));
    expect(steering.body.data?.me).toMatchObject({ subject: demoSubject('styrgrupp'), roles: ['steering_group'], tenant: null });
  });

  it("refuses a municipality's staff and system account in another municipality", async () => {
    const [first, second] = members;
    for (const token of [
      await passwordToken(`${first.slug}-admin`),
      (await idp.requestToken({ grant_type: 'client_credentials' }, `${first.slug}-system:${first.slug}-system-secret`)).body.access_token,
    ]) {
      const { status, body } = await me(token, second.slug);
      expect(status).toBe(403);
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    }
  });

  it('refuses a token for another audience', async () => {
    const token = await passwordToken('medborgare-erik', 'kommuna-dev-other-app');
    expect([claimsOf(token).aud].flat()).not.toContain('kommuna-api');
    const { status, body } = await me(token);
    expect(status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token from another realm, well signed as it may be', async () => {
    // A realm the api was not configured to trust: another server's kommuna realm (the test
    // realm, with its own keys) and, at Keycloak, the same server's master realm. dev-idp serves
    // only the realms tenants name, all of them trusted, so it has no other realm to ask.
    const others = [api.realm.token({ sub: demoSubject('plattform'), realm_access: { roles: ['platform_admin'] } })];
    if (idp.otherRealmToken) others.push(await idp.otherRealmToken());
    for (const token of others) {
      expect(claimsOf(token).iss).not.toBe(idp.realmUrl);
      const { status, body } = await me(token);
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(others).toHaveLength(name === 'Keycloak' ? 2 : 1);
  });
});
