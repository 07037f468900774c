import { JsonLogger } from '@kommuna/platform-logging';
import { DevIdpProcess, startDevIdpProcess } from '@kommuna/platform-testing';
import { loadPortalConfig } from './config';
import { buildPortal } from './server';

// The portal's login callback against the real identity provider (dev-idp as its own process):
// only the steering group and platform administrators get a session; anyone else is refused
// before one is stored (issue 23: citizens' logins could fill the store and evict the steering group).
describe('portal login', () => {
  let idp: DevIdpProcess;
  let portal: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    idp = await startDevIdpProcess();
    // The redirect URI dev-idp knows; the test talks to the portal in-process, so nothing listens there.
    portal = buildPortal(loadPortalConfig({ NODE_ENV: 'test', KEYCLOAK_URL: idp.url, PORTAL_PUBLIC_URL: 'http://127.0.0.1:3003' }), { logger: new JsonLogger('error') });
  });
  afterAll(async () => {
    await portal?.close();
    await idp?.stop();
  });

  /** Starts a login at the portal, logs in at dev-idp's login page, and hands the code back to the portal. */
  async function logIn(username: string) {
    const start = await portal.inject({ method: 'GET', url: '/auth/login?returnTo=/catalogue' });
    const loginCookie = String(start.headers['set-cookie']).split(';')[0];
    const idpCookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...idpCookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of response.headers.getSetCookie()) {
        const [name, value] = line.split(';')[0].split('=');
        idpCookies.set(name, value);
      }
      return response;
    };
    const authorize = await go(String(start.headers.location));
    const loginPage = new URL(authorize.headers.get('location') ?? '', idp.realmUrl).toString();
    await go(loginPage);
    const resumed = await go(loginPage, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password: 'kommuna-demo' }) });
    const callback = new URL((await go(new URL(resumed.headers.get('location') ?? '', idp.realmUrl).toString())).headers.get('location') ?? '');
    expect(callback.pathname).toBe('/auth/callback');
    return portal.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers: { cookie: loginCookie } });
  }

  const sessionCookie = (response: { headers: Record<string, unknown> }) =>
    ([] as string[]).concat((response.headers['set-cookie'] as string | string[] | undefined) ?? []).find((c) => c.startsWith('kp_session=') && !c.startsWith('kp_session=;'));

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
});
