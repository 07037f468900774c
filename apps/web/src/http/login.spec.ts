import * as path from 'node:path';
import { JsonLogger } from '@kommuna/platform-logging';
import { browserFetch, demoSubject, DevIdpProcess, realmLogout, realmPasswordLogin, startDevIdpProcess } from '@kommuna/platform-testing';
import { buildAssets } from '../assets';
import { loadWebConfig } from '../config';
import { buildWeb } from '../server';
import { TenantHosts } from '../tenants';
import { CookieSessionStore } from './sessions';

// The web's login and logout against the real identity provider (dev-idp as its own process): the
// realm is asked with PKCE, state and nonce and its id_token checked (@kommuna/platform-oidc-client);
// logging out ends the realm's session too (RP-initiated, the id_token as hint), so the next login
// asks again. The web runs in-process; the browser is fetch with a cookie jar.

const HOST = 'sundsvall.localhost:3005';
const ORIGIN = `http://${HOST}`;
const CALLBACK = `${ORIGIN}/auth/callback`;
const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';

describe('web login and logout at the realm', () => {
  let idp: DevIdpProcess;
  let web: ReturnType<typeof buildWeb>;

  beforeAll(async () => {
    idp = await startDevIdpProcess({ env: { DEV_IDP_REDIRECT_URIS: CALLBACK } });
    const config = loadWebConfig(
      { NODE_ENV: 'test', KEYCLOAK_URL: idp.url, WEB_SESSION_SECRET: SECRET, API_URL: 'http://127.0.0.1:9/graphql' },
      path.resolve(__dirname, '../../../..'),
    );
    const tenants = TenantHosts.load(config.tenantsDir, config.localDomain);
    web = buildWeb({
      config,
      tenants,
      sessions: new CookieSessionStore(SECRET),
      assets: await buildAssets(tenants.tenants),
      logger: new JsonLogger('error'),
    });
  }, 120_000);
  afterAll(async () => {
    await web?.close();
    await idp?.stop();
  });

  const cookiesOf = (response: { headers: Record<string, unknown> }) =>
    Object.fromEntries(
      ([] as string[])
        .concat((response.headers['set-cookie'] as string | string[] | undefined) ?? [])
        .map((line) => line.split(';')[0].split('='))
        .map(([name, ...value]) => [name, value.join('=')]),
    );
  const at = (url: string, cookie = '', method: 'GET' | 'POST' = 'GET', payload?: string) =>
    web.inject({
      method,
      url,
      headers: { host: HOST, cookie, ...(payload ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      payload,
    });

  /** A login at the web: to the realm and its login page as `username`, back to the web's callback. */
  async function logIn(username: string, go = browserFetch()) {
    const start = await at('/auth/login?returnTo=/my-pages');
    const authorize = new URL(String(start.headers.location));
    const realm = await realmPasswordLogin(authorize.toString(), CALLBACK, username, go);
    const loginCookie = `kw_login=${cookiesOf(start).kw_login}`;
    const callback = await at(`${realm.callback.pathname}${realm.callback.search}`, loginCookie);
    return { authorize, realm, loginCookie, callback, session: cookiesOf(callback).kw_session };
  }

  it('logs a resident in with PKCE, state and nonce, back to the page asked for', async () => {
    const { authorize, callback, session } = await logIn('medborgare-anna');
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'kommuna-web',
      redirect_uri: CALLBACK,
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.stringMatching(/^[\w-]{43}$/),
      ui_locales: 'sv',
    });
    expect(callback.statusCode).toBe(303);
    expect(callback.headers.location).toBe('/my-pages');
    expect(session).toBeTruthy();
    // The login cookie is spent.
    expect(cookiesOf(callback).kw_login).toBe('');
  });

  it('answers with its security headers (@fastify/helmet) and reads a malformed cookie as no session (@fastify/cookie)', async () => {
    const page = await at('/logged-out', 'kw_session=%E0%A4%A; kw_lang=en');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('lang="en"');
    expect(page.headers).toMatchObject({
      'content-security-policy': `default-src 'none';script-src 'self';style-src 'self';img-src 'self' data:;form-action 'self' ${new URL(idp.url).origin};frame-ancestors 'none';base-uri 'none'`,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    // Plain http here: no HSTS (a browser would keep it for the host).
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });

  it('refuses a callback with another login’s cookie (its state and nonce), keeping no session', async () => {
    const first = await at('/auth/login');
    const other = await at('/auth/login');
    const realm = await realmPasswordLogin(String(first.headers.location), CALLBACK, 'medborgare-anna');
    const answer = await at(`${realm.callback.pathname}${realm.callback.search}`, `kw_login=${cookiesOf(other).kw_login}`);
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toContain('Inloggningen misslyckades');
    expect(cookiesOf(answer).kw_session).toBeUndefined();
  });

  it('logs out at the realm too: with the id_token as hint, back through the callback to /logged-out, and the next login asks again', async () => {
    const go = browserFetch();
    const { session } = await logIn('medborgare-anna', go);
    // While the realm's session lives, a new login comes straight back without the login page.
    expect((await logIn('medborgare-anna', go)).realm.askedForPassword).toBe(false);
    const page = await at('/my-pages', `kw_session=${session}`);
    // Mina sidor asks the api (here nobody answers: an error page), but the page still carries the form token.
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    expect(csrf).not.toBe('');

    const logout = await at('/auth/logout', `kw_session=${session}`, 'POST', `csrf=${encodeURIComponent(csrf)}`);
    expect(logout.statusCode).toBe(303);
    const endSession = new URL(String(logout.headers.location));
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${idp.realmUrl}/protocol/openid-connect/logout`);
    const idTokenHint = endSession.searchParams.get('id_token_hint') ?? '';
    expect(JSON.parse(Buffer.from(idTokenHint.split('.')[1], 'base64url').toString())).toMatchObject({
      sub: demoSubject('medborgare-anna'),
      aud: 'kommuna-web',
    });
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(CALLBACK);
    expect(cookiesOf(logout).kw_session).toBe('');

    const done = await realmLogout(endSession.toString(), CALLBACK, go);
    expect(done).toEqual({ asked: false, location: `${CALLBACK}?state=${endSession.searchParams.get('state')}` });
    const back = new URL(done.location);
    const landed = await at(`${back.pathname}${back.search}`, `kw_logout=${cookiesOf(logout).kw_logout}`);
    expect(landed.statusCode).toBe(303);
    expect(landed.headers.location).toBe('/logged-out');
    // The same way back without this browser's logout state is no logout of its own: refused.
    expect((await at(`${back.pathname}${back.search}`)).statusCode).toBe(400);

    // The realm's session is over: the next login shows its login form.
    expect((await logIn('medborgare-anna', go)).realm.askedForPassword).toBe(true);
  });
});
