import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JsonLogger } from '@kommuna/platform-logging';
import { startTestRealm, TestRealm, TestRealmTokenAnswer } from '@kommuna/platform-testing';
import { loadPortalConfig } from '../config';
import { buildPortal } from '../server';

// The portal's login against a crafted identity provider (a test realm whose token endpoint answers
// what each test says): a refused id_token leaves no session; renewal by refresh token, once for
// concurrent requests, and its refusal.
describe('portal OpenID Connect client', () => {
  let realm: TestRealm;
  let api: Server;
  /** The bearer tokens the api was called with. */
  const apiTokens: string[] = [];
  /** What the token endpoint answers next: set per test from the form it gets. */
  let answer: (form: URLSearchParams) => TestRealmTokenAnswer;
  const grants: URLSearchParams[] = [];
  let clock = Date.now();

  beforeAll(async () => {
    realm = await startTestRealm('kommuna', 'kommuna-api', {
      tokenEndpoint: (form) => {
        grants.push(form);
        return answer(form);
      },
    });
    // The api's place: it records the bearer token and refuses (the pages then say so), which is
    // all these tests need from it; the real api is in the browser test.
    api = createServer((request, response) => {
      apiTokens.push(String(request.headers.authorization).replace(/^Bearer /, ''));
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await realm?.close();
    await new Promise((resolve) => api?.close(resolve));
  });

  const newPortal = () =>
    buildPortal(
      loadPortalConfig({
        NODE_ENV: 'test',
        KEYCLOAK_URL: new URL(realm.realmUrl).origin,
        PORTAL_PUBLIC_URL: 'http://127.0.0.1:3003',
        API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}/graphql`,
      }),
      { logger: new JsonLogger('error'), now: () => new Date(clock) },
    );

  const SUBJECT = '6f1c0a52-3b8e-4f5e-9a43-0d2b1c7e8f90';
  const accessToken = (claims: Record<string, unknown> = {}) =>
    realm.token({ sub: SUBJECT, name: 'Styrgruppen', realm_access: { roles: ['steering_group'] }, ...claims });
  const idToken = (nonce: string | undefined, claims: Record<string, unknown> = {}) =>
    realm.token({ sub: SUBJECT, aud: 'kommuna-web', azp: 'kommuna-web', typ: 'ID', nonce, ...claims });
  const cookieOf = (response: { headers: Record<string, unknown> }, name: string) =>
    ([] as string[])
      .concat((response.headers['set-cookie'] as string | string[] | undefined) ?? [])
      .map((line) => line.split(';')[0])
      .find((pair) => pair.startsWith(`${name}=`) && pair !== `${name}=`);

  /** Logs in at `portal`: the realm's token endpoint answers with `tokens(nonce)`, the nonce the portal sent. */
  async function logIn(portal: ReturnType<typeof buildPortal>, tokens: (nonce: string) => Record<string, unknown>) {
    const start = await portal.inject({ method: 'GET', url: '/auth/login?returnTo=/catalogue' });
    const authorize = new URL(String(start.headers.location));
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${realm.realmUrl}/protocol/openid-connect/auth`);
    const nonce = authorize.searchParams.get('nonce') ?? '';
    expect(nonce).not.toBe('');
    answer = (form) =>
      form.get('grant_type') === 'authorization_code'
        ? { body: { token_type: 'Bearer', expires_in: 300, ...tokens(nonce) } }
        : { status: 400, body: { error: 'invalid_grant' } };
    return portal.inject({
      method: 'GET',
      url: `/auth/callback?code=the-code&state=${encodeURIComponent(authorize.searchParams.get('state') ?? '')}`,
      headers: { cookie: String(cookieOf(start, 'kp_login')) },
    });
  }

  it('takes a login whose id_token is signed by the realm, for this client, with this login’s nonce', async () => {
    const portal = newPortal();
    const response = await logIn(portal, (nonce) => ({
      access_token: accessToken(),
      id_token: idToken(nonce),
      refresh_token: 'refresh-1',
    }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/catalogue');
    expect(cookieOf(response, 'kp_session')).toBeDefined();
    // The code went back with the PKCE verifier.
    expect(grants.at(-1)?.get('code_verifier')).toMatch(/^[\w-]{43,}$/);
    await portal.close();
  });

  // Each way an id_token can fail is the client library's test (@kommuna/platform-oidc-client); here: the portal stores nothing.
  it.each([
    ['another login’s nonce', (nonce: string) => ({ id_token: idToken(`${nonce}-other`) })],
    ['a forged signature', (nonce: string) => ({ id_token: realm.forgedToken({ sub: SUBJECT, aud: 'kommuna-web', nonce }) })],
    [
      'an access token for someone else',
      (nonce: string) => ({ id_token: idToken(nonce), access_token: accessToken({ sub: 'someone-else' }) }),
    ],
  ])('refuses a login answered with %s, storing no session', async (_case, tokens) => {
    const portal = newPortal();
    const response = await logIn(portal, (nonce) => ({ access_token: accessToken(), refresh_token: 'refresh-1', ...tokens(nonce) }));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Något gick fel');
    expect(cookieOf(response, 'kp_session')).toBeUndefined();
    await portal.close();
  });

  it('renews an expired access token with the refresh token, once for concurrent requests, keeping the session', async () => {
    const portal = newPortal();
    const first = accessToken();
    const login = await logIn(portal, (nonce) => ({ access_token: first, id_token: idToken(nonce), refresh_token: 'refresh-1' }));
    const session = String(cookieOf(login, 'kp_session'));
    await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } });
    expect(apiTokens.at(-1)).toBe(first);

    const renewed = accessToken({ jti: 'renewed' });
    answer = (form) =>
      form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-1'
        ? { body: { token_type: 'Bearer', access_token: renewed, expires_in: 300, refresh_token: 'refresh-2' } }
        : { status: 400, body: { error: 'invalid_grant' } };
    const grantsBefore = grants.length;
    clock += 10 * 60_000; // past the access token's five minutes, by the portal's clock
    const pages = await Promise.all([1, 2, 3].map(() => portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } })));
    expect(pages.map((p) => p.statusCode)).toEqual([403, 403, 403]);
    expect(grants.length - grantsBefore).toBe(1);
    expect(apiTokens.slice(-3)).toEqual([renewed, renewed, renewed]);
    // The same session (no new cookie), its refresh token the rotated one.
    expect(pages.every((p) => p.headers['set-cookie'] === undefined)).toBe(true);
    clock += 10 * 60_000;
    answer = (form) =>
      form.get('refresh_token') === 'refresh-2'
        ? { body: { token_type: 'Bearer', access_token: accessToken({ jti: 'third' }), expires_in: 300 } }
        : { status: 400, body: { error: 'invalid_grant' } };
    await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } });
    expect(grants.at(-1)?.get('refresh_token')).toBe('refresh-2');
    await portal.close();
  });

  it('ends the session when the realm refuses the renewal: back to the login', async () => {
    const portal = newPortal();
    const login = await logIn(portal, (nonce) => ({ access_token: accessToken(), id_token: idToken(nonce), refresh_token: 'refresh-1' }));
    const session = String(cookieOf(login, 'kp_session'));
    answer = () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'Session not active' } });
    clock += 10 * 60_000;
    const calls = apiTokens.length;
    const page = await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/auth/login?returnTo=%2Fcatalogue');
    expect(apiTokens.length).toBe(calls);
    // Gone for good: the next request does not ask the realm again.
    const grantsBefore = grants.length;
    expect((await portal.inject({ method: 'GET', url: '/catalogue', headers: { cookie: session } })).statusCode).toBe(303);
    expect(grants.length).toBe(grantsBefore);
    await portal.close();
  });
});
