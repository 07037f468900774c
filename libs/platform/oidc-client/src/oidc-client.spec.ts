import {
  browserFetch,
  demoSubject,
  DevIdpProcess,
  freePort,
  realmLogout,
  realmPasswordLogin,
  startDevIdpProcess,
  startTestRealm,
  TestRealm,
  TestRealmTokenAnswer,
} from '@kommuna/platform-testing';
import { IdentityProviderUnavailableError, LoginFailedError } from './errors';
import { LoginChecks, newLoginChecks, OidcClient } from './oidc-client';

// The client against the real embedded identity provider (dev-idp as its own process, as npm start
// runs it): its login page, its tokens, its logout. What dev-idp would never send (an id_token of
// another realm, for another client, or with a forged signature) comes from a crafted realm: a real
// HTTP server signing real tokens, whose token endpoint answers what each case says.

/** A callback registered at dev-idp for this test; nothing listens there, the test reads where the realm sends the browser. */
const CALLBACK = 'http://127.0.0.1:9/auth/callback';

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: Error) => ({ type: error.constructor.name, code: (error as LoginFailedError).code, message: error.message }),
  );

describe('OidcClient against dev-idp', () => {
  let idp: DevIdpProcess;
  let client: OidcClient;

  beforeAll(async () => {
    idp = await startDevIdpProcess({ env: { DEV_IDP_REDIRECT_URIS: CALLBACK } });
    client = new OidcClient({ issuer: idp.realmUrl, clientId: 'kommuna-web' });
  }, 120_000);
  afterAll(async () => {
    await idp?.stop();
  });

  /** Starts a login with `checks` at `at`, logs `username` in at dev-idp's login page, returns where dev-idp sent the browser back. */
  async function loginAtRealm(username: string, checks: LoginChecks, at = client, go = browserFetch()) {
    const url = new URL(await at.authorizationUrl({ redirectUri: CALLBACK, checks, language: 'sv' }));
    return { url, ...(await realmPasswordLogin(url.toString(), CALLBACK, username, go)), go };
  }

  it('asks for a login with PKCE (S256), state and nonce, at the realm’s authorization endpoint', async () => {
    const checks = newLoginChecks();
    const url = new URL(await client.authorizationUrl({ redirectUri: CALLBACK, checks, language: 'en', fresh: true }));
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.realmUrl}/protocol/openid-connect/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'kommuna-web',
      response_type: 'code',
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
      ui_locales: 'en',
      prompt: 'login',
    });
    // The verifier stays here: only its challenge travels.
    expect(url.toString()).not.toContain(checks.verifier);
  });

  it('finishes a login: the checked id_token names the person, the access token gives name and roles', async () => {
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('styrgrupp', checks);
    const login = await client.finishLogin(callback, checks);
    expect(login.user).toEqual({
      subject: demoSubject('styrgrupp'),
      name: 'Styrgruppsledamot',
      roles: expect.arrayContaining(['steering_group']),
    });
    expect(claimsOf(login.tokens.idToken!)).toMatchObject({ nonce: checks.nonce, aud: 'kommuna-web', iss: idp.realmUrl });
    expect(login.tokens.refreshToken).toEqual(expect.any(String));
    expect(login.tokens.accessTokenExpiresAt).toBe(Number(claimsOf(login.tokens.accessToken).exp) * 1000);
  });

  it('refuses a callback whose state is not this login’s, before the code is spent', async () => {
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('styrgrupp', checks);
    const refused = await refusal(client.finishLogin(callback, { ...checks, state: newLoginChecks().state }));
    expect(refused).toMatchObject({ type: 'LoginFailedError', code: 'LOGIN_FAILED', message: expect.stringMatching(/state/) });
    // The code was never sent to the realm: the right checks still redeem it.
    expect((await client.finishLogin(callback, checks)).user.subject).toBe(demoSubject('styrgrupp'));
  });

  it('refuses an id_token whose nonce is not this login’s (a replayed or injected code)', async () => {
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('styrgrupp', checks);
    const refused = await refusal(client.finishLogin(callback, { ...checks, nonce: newLoginChecks().nonce }));
    expect(refused).toMatchObject({ type: 'LoginFailedError', message: expect.stringMatching(/nonce/) });
  });

  it('refuses a code exchanged without this login’s PKCE verifier', async () => {
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('styrgrupp', checks);
    const refused = await refusal(client.finishLogin(callback, { ...checks, verifier: newLoginChecks().verifier }));
    expect(refused).toMatchObject({ type: 'LoginFailedError', message: expect.stringMatching(/invalid_grant/) });
  });

  it('refuses an id_token that has expired by this client’s clock', async () => {
    // dev-idp's id_tokens last an hour: two hours on, this one is past its exp.
    const late = new OidcClient({ issuer: idp.realmUrl, clientId: 'kommuna-web', clockSkewSeconds: 2 * 3600 });
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('styrgrupp', checks, late);
    const refused = await refusal(late.finishLogin(callback, checks));
    expect(refused).toMatchObject({ type: 'LoginFailedError', message: expect.stringMatching(/exp|timestamp/) });
  });

  it('renews with the refresh token for the same person only', async () => {
    const checks = newLoginChecks();
    const { callback } = await loginAtRealm('plattform', checks);
    const { tokens, user } = await client.finishLogin(callback, checks);
    const renewed = await client.refresh(tokens, user.subject);
    expect(renewed?.user).toEqual(user);
    expect(renewed?.tokens.accessToken).not.toBe(tokens.accessToken);
    expect(claimsOf(renewed!.tokens.accessToken).sub).toBe(user.subject);
    expect(renewed?.tokens.idToken).toEqual(expect.any(String));
    // The same refresh token offered as someone else's session ends that session.
    expect(await client.refresh(renewed!.tokens, demoSubject('styrgrupp'))).toBeUndefined();
    // A refresh token the realm does not know: the realm says no, the session ends.
    expect(await client.refresh({ refreshToken: 'not-a-refresh-token' }, user.subject)).toBeUndefined();
  });

  it('logs out at the realm with the id_token as hint: at once, back with the state, and the realm’s session is over', async () => {
    const checks = newLoginChecks();
    const { callback, go } = await loginAtRealm('styrgrupp', checks);
    const { tokens, user } = await client.finishLogin(callback, checks);
    // While the realm's session lives, a new login comes straight back without the login page.
    expect((await loginAtRealm('styrgrupp', newLoginChecks(), client, go)).askedForPassword).toBe(false);

    const url = new URL((await client.logoutUrl({ idToken: tokens.idToken, postLogoutRedirectUri: CALLBACK, state: 'bye-1' }))!);
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.realmUrl}/protocol/openid-connect/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id_token_hint: tokens.idToken,
      client_id: 'kommuna-web',
      post_logout_redirect_uri: CALLBACK,
      state: 'bye-1',
    });
    expect(await realmLogout(url.toString(), CALLBACK, go)).toEqual({ asked: false, location: `${CALLBACK}?state=bye-1` });
    // The realm's session is over: its refresh token renews nothing, and the next login asks again.
    expect(await client.refresh(tokens, user.subject)).toBeUndefined();
    expect((await loginAtRealm('styrgrupp', newLoginChecks(), client, go)).askedForPassword).toBe(true);
  });

  it('says the realm cannot be asked when nothing answers at its address', async () => {
    const port = await freePort();
    const nowhere = new OidcClient({ issuer: `http://127.0.0.1:${port}/realms/kommuna`, clientId: 'kommuna-web' });
    const refused = await refusal(nowhere.authorizationUrl({ redirectUri: CALLBACK, checks: newLoginChecks() }));
    expect(refused).toMatchObject({ type: 'IdentityProviderUnavailableError', code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    expect(new IdentityProviderUnavailableError('x').status).toBe(502);
    expect(new LoginFailedError('x').exposeMessage).toBe(false);
  });
});

describe('OidcClient against a crafted realm (id_tokens dev-idp would never send)', () => {
  let realm: TestRealm;
  let answer: (form: URLSearchParams) => TestRealmTokenAnswer;
  const SUBJECT = '6f1c0a52-3b8e-4f5e-9a43-0d2b1c7e8f90';

  beforeAll(async () => {
    realm = await startTestRealm('kommuna', 'kommuna-api', { tokenEndpoint: (form) => answer(form) });
  });
  afterAll(async () => {
    await realm?.close();
  });

  const accessToken = (claims: Record<string, unknown> = {}) =>
    realm.token({ sub: SUBJECT, name: 'Styrgruppen', realm_access: { roles: ['steering_group'] }, ...claims });
  const idToken = (nonce: string, claims: Record<string, unknown> = {}) =>
    realm.token({ sub: SUBJECT, aud: 'kommuna-web', azp: 'kommuna-web', typ: 'ID', nonce, ...claims });

  /** A login whose token endpoint answers `body(nonce)`; the callback carries a code and this login's state. */
  async function finish(body: (nonce: string) => Record<string, unknown>) {
    const client = new OidcClient({ issuer: realm.realmUrl, clientId: 'kommuna-web' });
    const checks = newLoginChecks();
    await client.authorizationUrl({ redirectUri: CALLBACK, checks });
    answer = () => ({ body: { token_type: 'Bearer', expires_in: 300, access_token: accessToken(), ...body(checks.nonce) } });
    return client.finishLogin(new URL(`${CALLBACK}?code=the-code&state=${checks.state}`), checks);
  }

  it('takes an id_token signed by the realm, for this client, with this login’s nonce', async () => {
    const login = await finish((nonce) => ({ id_token: idToken(nonce), refresh_token: 'r-1', refresh_expires_in: 1800 }));
    expect(login.user).toEqual({ subject: SUBJECT, name: 'Styrgruppen', roles: ['steering_group'] });
    expect(login.tokens.refreshTokenExpiresAt).toBeGreaterThan(Date.now() + 1790_000);
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    ['another issuer', (nonce: string) => ({ id_token: idToken(nonce, { iss: 'http://127.0.0.1:1/realms/other' }) }), /iss/],
    ['another audience', (nonce: string) => ({ id_token: idToken(nonce, { aud: 'kommuna-other-app', azp: 'kommuna-other-app' }) }), /aud/],
    ['an expired id_token', (nonce: string) => ({ id_token: idToken(nonce, { iat: now() - 7200, exp: now() - 3600 }) }), /exp|timestamp/],
    ['a forged signature', (nonce: string) => ({ id_token: realm.forgedToken({ sub: SUBJECT, aud: 'kommuna-web', nonce }) }), /signature/],
    ['no nonce', () => ({ id_token: realm.token({ sub: SUBJECT, aud: 'kommuna-web', typ: 'ID' }) }), /nonce/],
    ['no id_token', () => ({}), /id_token/],
    [
      'an access token for someone else',
      (nonce: string) => ({ id_token: idToken(nonce), access_token: accessToken({ sub: 'someone-else' }) }),
      /subjects/,
    ],
  ])('refuses a login answered with %s', async (_case, body, reason) => {
    expect(await refusal(finish(body))).toMatchObject({ type: 'LoginFailedError', message: expect.stringMatching(reason) });
  });
});
