import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonLogger } from '@kommuna/platform-logging';
import { browserFetch, DevIdpProcess, realmLogout, realmPasswordLogin, startDevIdpProcess } from '@kommuna/platform-testing';
import { loadPortalConfig } from './config';
import { buildPortal } from './server';

// The portal's login callback against the real identity provider (dev-idp as its own process):
// only the steering group and platform administrators get a session; anyone else is refused
// before one is stored (issue 23: citizens' logins could fill the store and evict the steering group).
// The access token is renewed with the refresh token, and logging out ends the session at dev-idp too.
/** The portal's callback, registered at dev-idp; the test talks to the portal in-process, so nothing listens there. */
const CALLBACK = 'http://127.0.0.1:3003/auth/callback';

describe('portal login', () => {
  let idp: DevIdpProcess;
  let portal: ReturnType<typeof buildPortal>;
  let api: Server;
  /** The bearer tokens the portal called the api with. */
  const apiTokens: string[] = [];
  let clock = 0;

  beforeAll(async () => {
    idp = await startDevIdpProcess();
    // The api's place: it records the bearer token and refuses (the page then says so); the real
    // api is in the browser test.
    api = createServer((request, response) => {
      apiTokens.push(String(request.headers.authorization).replace(/^Bearer /, ''));
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    // The redirect URI dev-idp knows; the test talks to the portal in-process, so nothing listens there.
    portal = buildPortal(
      loadPortalConfig({
        NODE_ENV: 'test',
        KEYCLOAK_URL: idp.url,
        PORTAL_PUBLIC_URL: 'http://127.0.0.1:3003',
        API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/graphql`,
      }),
      { logger: new JsonLogger('error'), now: () => new Date(Date.now() + clock) },
    );
  });
  afterAll(async () => {
    await portal?.close();
    await new Promise((resolve) => api?.close(resolve));
    await idp?.stop();
  });

  /** Starts a login at the portal, logs in at dev-idp's login page, and hands the code back to the portal. */
  async function logIn(username: string, go = browserFetch()) {
    const start = await portal.inject({ method: 'GET', url: '/auth/login?returnTo=/catalogue' });
    const loginCookie = String(start.headers['set-cookie']).split(';')[0];
    const { callback } = await realmPasswordLogin(String(start.headers.location), CALLBACK, username, go);
    return portal.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: loginCookie } });
  }

  const sessionCookie = (response: { headers: Record<string, unknown> }) =>
    ([] as string[])
      .concat((response.headers['set-cookie'] as string | string[] | undefined) ?? [])
      .find((c) => c.startsWith('kp_session=') && !c.startsWith('kp_session=;'));
  const cookiePair = (response: { headers: Record<string, unknown> }, name: string) =>
    ([] as string[])
      .concat((response.headers['set-cookie'] as string | string[] | undefined) ?? [])
      .map((line) => line.split(';')[0])
      .find((pair) => pair.startsWith(`${name}=`) && pair !== `${name}=`);
  const userinfo = (token: string) =>
    fetch(`${idp.realmUrl}/protocol/openid-connect/userinfo`, { headers: { authorization: `Bearer ${token}` } });

  it('gives the steering group and platform administrators a session', async () => {
    for (const username of ['styrgrupp', 'plattform']) {
      const answer = await logIn(username);
      expect(answer.statusCode).toBe(303);
      expect(answer.headers.location).toBe('/catalogue');
      expect(sessionCookie(answer)).toBeDefined();
    }
  });

  it('refuses a citizen and municipality staff at the callback, storing no session for them', async () => {
    for (const username of ['medborgare-anna', 'timra-admin']) {
      const answer = await logIn(username);
      expect(answer.statusCode).toBe(403);
      expect(answer.body).toContain('Ingen behörighet');
      expect(sessionCookie(answer)).toBeUndefined();
    }
  });

  it('renews an expired access token at dev-idp with the refresh token, in the same session', async () => {
    const session = String(cookiePair(await logIn('styrgrupp'), 'kp_session'));
    expect((await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } })).statusCode).toBe(403);
    const first = String(apiTokens.at(-1));
    clock += 10 * 60_000; // past the access token's five minutes, by the portal's clock
    const page = await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } });
    expect(page.statusCode).toBe(403);
    expect(page.headers['set-cookie']).toBeUndefined();
    const renewed = String(apiTokens.at(-1));
    expect(renewed).not.toBe(first);
    // A token dev-idp itself issued, for the same person.
    const sub = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;
    expect(sub(renewed)).toBe(sub(first));
    expect((await userinfo(renewed)).status).toBe(200);
  });

  it('logs out at dev-idp too (RP-initiated, the id_token as hint): its session ends, so the next login asks again', async () => {
    clock = 0;
    const go = browserFetch();
    const login = await logIn('styrgrupp', go);
    const session = String(cookiePair(login, 'kp_session'));
    // While dev-idp's session lives, a new login at the portal goes straight back with a code.
    const again = await go(String((await portal.inject({ method: 'GET', url: '/auth/login' })).headers.location));
    expect(new URL(again.headers.get('location') ?? '', idp.realmUrl).pathname).not.toMatch(/\/interaction\//);

    const csrf =
      /name="csrf" value="([^"]+)"/.exec(
        (await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } })).body,
      )?.[1] ?? '';
    const logout = await portal.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `csrf=${encodeURIComponent(csrf)}`,
    });
    expect(logout.statusCode).toBe(303);
    const endSession = new URL(String(logout.headers.location));
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${idp.realmUrl}/protocol/openid-connect/logout`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(CALLBACK);
    // The portal session is gone at once.
    expect((await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } })).headers.location).toBe(
      '/auth/login?returnTo=%2Fcatalogue',
    );

    // Given the id_token as hint, dev-idp logs out at once, as Keycloak does: redirects, no confirmation page.
    const done = await realmLogout(endSession.toString(), CALLBACK, go);
    expect(done).toEqual({ asked: false, location: `${CALLBACK}?state=${endSession.searchParams.get('state')}` });
    const back = new URL(done.location);
    const landed = await portal.inject({
      method: 'GET',
      url: `${back.pathname}${back.search}`,
      headers: { cookie: String(cookiePair(logout, 'kp_logout')) },
    });
    expect(landed.statusCode).toBe(303);
    expect(landed.headers.location).toBe('/logged-out');

    // dev-idp's session is over: the next login shows its login form.
    const afterwards = await go(String((await portal.inject({ method: 'GET', url: '/auth/login' })).headers.location));
    expect(new URL(afterwards.headers.get('location') ?? '', idp.realmUrl).pathname).toMatch(/\/interaction\//);
  });
});
