// A realm municipalities log in through, shaped like Kommuna's Keycloak realm: the shared `kommuna`
// realm, or a municipality's own. Demo users with a password, each municipality's system account
// (client credentials), residents through the eID broker (realm `eid`), and Keycloak's token shapes,
// userinfo, introspection, revocation, offline tokens and RP-initiated logout.
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type * as http from 'node:http';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import {
  DEMO_PASSWORD,
  demoSubject,
  realmSubject,
  EID_BROKER_CLIENT,
  escapeHtml,
  identityNumberClaims,
  KEYCLOAK_ROUTES,
  levelOfAcr,
  loaUri,
  OIDC_SWEDEN,
  page,
  readForm,
  redirect,
  sendHtml,
  sendJson,
  serveProvider,
  type ServedRealm,
  signingKey,
  TEST_EID_PERSONS,
  verifiedClaims,
} from './realm-kit.ts';
import type { EidRealm } from './eid-realm.ts';

export interface DemoUser {
  username: string;
  name: string;
  roles: string[];
  organization?: string;
  unit?: string;
  personnummer?: string;
  /** The login's e-legitimation level (acr), for residents. */
  acr?: string;
}

export interface TenantAuth {
  slug: string;
  realm: string;
  organization: string;
}

/** Dev-only clients, as the dev Keycloak has them (libs/platform/testing keycloak-process.ts). */
const DEV_PASSWORD_CLIENT = 'kommuna-dev';
const DEV_OTHER_AUDIENCE_CLIENT = 'kommuna-dev-other-app';
/** Keycloak's display name of the realm's eID identity provider (tools/scripts/keycloak-realm.ts). */
export const EID_PROVIDER_NAME = 'E-legitimation (BankID, Freja eID)';

/**
 * The person behind an account id: a demo user, or a resident who came through the eID broker.
 * Demo residents count as logged in through e-legitimation at loa3, as the realm's broker would
 * have it; a brokered resident's level is that of their latest eID login (as at Keycloak, whose
 * broker writes it into the user's `assurance` attribute on every login).
 */
function accountOf(accounts: Map<string, DemoUser>, id: string): DemoUser | undefined {
  const user = accounts.get(id);
  return user?.personnummer && !user.acr ? { ...user, acr: loaUri('loa3') } : user;
}

function keycloakClaims(user: DemoUser | undefined, client: { clientId: string; kommuna_organization?: string }): Record<string, unknown> {
  if (!user) {
    // A service account (client credentials): a municipal system acting for its municipality.
    return {
      typ: 'Bearer',
      azp: client.clientId,
      acr: '1',
      realm_access: { roles: ['service_account'] },
      organization: client.kommuna_organization ? [client.kommuna_organization] : [],
      preferred_username: `service-account-${client.clientId}`,
    };
  }
  return {
    typ: 'Bearer',
    azp: client.clientId,
    // As at Keycloak: the eID's level for residents, and no acr for staff (the realm's web client
    // passes the broker's level instead of Keycloak's own "0"/"1").
    ...(user.acr ? { acr: user.acr } : {}),
    preferred_username: user.username,
    name: user.name,
    realm_access: { roles: user.roles },
    ...(user.organization ? { organization: [user.organization] } : {}),
    ...(user.unit ? { unit: user.unit } : {}),
    ...identityNumberClaims(user.personnummer),
  };
}

export interface TenantRealmOptions {
  baseUrl: string;
  realm: string;
  audience: string;
  /** The municipalities whose staff and systems log in here. */
  tenants: TenantAuth[];
  /** The demo people of this realm, by username. */
  users: Map<string, DemoUser>;
  /** Where the web client may send a browser back to. */
  redirectUris: string[];
  /** The test eID provider residents are brokered to. */
  eid: EidRealm;
}

/** The realm's broker endpoint the eID provider sends the browser back to (Keycloak's path). */
export const brokerEndpoint = (baseUrl: string, realm: string) => `${baseUrl}/realms/${realm}/broker/eid/endpoint`;

export function createTenantRealm(options: TenantRealmOptions): ServedRealm {
  const { baseUrl, realm, audience, tenants, users, redirectUris, eid } = options;
  const issuer = `${baseUrl}/realms/${realm}`;
  const { jwk, publicKey } = signingKey(realm);
  const subjectOf = (username: string) => realmSubject(realm, username);
  const accounts = new Map([...users.values()].map((user) => [subjectOf(user.username), user]));
  const resource = `urn:kommuna:${audience}`;
  const resourceServer = { scope: 'openid offline_access', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } } as const;

  /** A grant with everything the client asked for: Kommuna's clients are first-party, as at Keycloak. */
  const grantRequested = async (grant: InstanceType<Provider['Grant']>, scope: string | undefined): Promise<void> => {
    const requested = ['openid', ...(scope ?? '').split(' ').filter(Boolean)].join(' ');
    grant.addOIDCScope(requested);
    // The access token names the granted scopes (offline_access too), as Keycloak's does.
    grant.addResourceScope(resource, requested);
    await grant.save();
  };

  const provider: Provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    routes: KEYCLOAK_ROUTES,
    clients: [
      {
        client_id: 'kommuna-web',
        token_endpoint_auth_method: 'none',
        // Browser logins only, as at Keycloak: the password grant is kommuna-dev's.
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        // Keycloak's "+": back to any of the login callbacks.
        post_logout_redirect_uris: redirectUris,
      },
      // Dev only, as at the dev Keycloak: the direct password grant for curl recipes and tests.
      {
        client_id: DEV_PASSWORD_CLIENT,
        token_endpoint_auth_method: 'none',
        grant_types: ['password', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: DEV_OTHER_AUDIENCE_CLIENT,
        token_endpoint_auth_method: 'none',
        grant_types: ['password'],
        response_types: [],
        redirect_uris: [],
      },
      ...tenants.map((t) => ({
        client_id: `${t.slug}-system`,
        client_secret: `${t.slug}-system-secret`,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        kommuna_organization: t.organization,
      })),
    ],
    extraClientMetadata: { properties: ['kommuna_organization'] },
    // Keycloak's hint to skip its login page and go straight to an identity provider (kc_idp_hint=eid).
    extraParams: ['kc_idp_hint'],
    interactions: { url: (_ctx, interaction) => `/realms/${realm}/interaction/${interaction.uid}` },
    // Keycloak's cookie path: each realm's session cookie stays its own on a host that serves several.
    cookies: { long: { httpOnly: true, sameSite: 'lax', path: `/realms/${realm}/` } },
    // Kommuna's own clients are first-party (Keycloak's "consent required" off): no consent screen,
    // the login is the consent, for every scope the client asks (offline_access included).
    loadExistingGrant: async (ctx) => {
      const { client, session, provider: oidc, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      const grant =
        (existing ? await oidc.Grant.find(existing) : undefined) ??
        new oidc.Grant({ clientId: client.clientId, accountId: session.accountId });
      await grantRequested(grant, params?.scope as string | undefined);
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    findAccount: async (_ctx, id) => (accountOf(accounts, id) ? { accountId: id, claims: async () => ({ sub: id }) } : undefined),
    // Keycloak issues a refresh token with every login, offline_access or not; with offline_access
    // it is an offline token, which outlives the session (oidc-provider: expiresWithSession false).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Refresh tokens are revoked here; access tokens (JWTs) by the handler in front (revokeAccessToken).
      revocation: { enabled: true },
      // Advertised in discovery; the handler in front (introspect) answers it, for JWT access tokens too.
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Keycloak 26: an id_token_hint names the session, so it logs out at once (no question) and
        // sends the browser to post_logout_redirect_uri; without one it asks first.
        logoutSource: async (ctx, form) => {
          const action = /action="([^"]*)"/.exec(form)?.[1] ?? '';
          const xsrf = /name="xsrf" value="([^"]*)"/.exec(form)?.[1] ?? '';
          if (ctx.oidc.params?.id_token_hint) {
            ctx.status = 303;
            ctx.redirect(`${issuer}${KEYCLOAK_ROUTES.end_session}/hinted?${new URLSearchParams({ xsrf })}`);
            return;
          }
          ctx.type = 'html';
          ctx.body = page(
            'Logga ut',
            `<h1>Logga ut</h1><p>Vill du logga ut?</p><form method="post" action="${action}"><input type="hidden" name="xsrf" value="${xsrf}"><button type="submit" name="logout" value="yes">Logga ut</button></form>`,
          );
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = page('Utloggad', '<h1>Du är utloggad</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => resourceServer,
      },
    },
    formats: {
      customizers: {
        // Shape the JWT like Keycloak's: keycloak-connect checks typ "Bearer" and reads realm roles.
        jwt: async (_ctx, token, jwt) => {
          const { client, accountId, sessionUid, scope } = token as unknown as {
            client: { clientId: string; kommuna_organization?: string };
            accountId?: string;
            sessionUid?: string;
            scope?: string;
          };
          // Keycloak's header (typ JWT, not at+jwt) and claims: a UUID subject, sid, scope.
          jwt.header = { typ: 'JWT' };
          Object.assign(jwt.payload, keycloakClaims(accountId ? accountOf(accounts, accountId) : undefined, client), {
            aud: client.clientId === DEV_OTHER_AUDIENCE_CLIENT ? 'account' : audience,
            sub: accountId ?? subjectOf(`service-account-${client.clientId}`),
            ...(sessionUid ? { sid: sessionUid } : {}),
            // A municipality's system may take e-forms submissions into its case system (CASE_SYSTEM_SCOPE, platform-auth) and deliver events in (INBOUND_EVENTS_SCOPE, platform-events).
            scope: [
              ...new Set([
                'profile',
                'email',
                ...(scope ?? '').split(' ').filter(Boolean),
                ...(!accountId && client.kommuna_organization ? ['eforms-submissions', 'events-in'] : []),
              ]),
            ].join(' '),
          });
          delete jwt.payload.client_id;
        },
      },
    },
    ttl: { AccessToken: 300, ClientCredentials: 300, Session: 3600, Grant: 3600, Interaction: 600 },
  });
  provider.proxy = false;
  const secrets = new Map(tenants.map((t) => [`${t.slug}-system`, `${t.slug}-system-secret`]));
  /** Access tokens revoked at the revocation endpoint (by jti), which introspection then calls inactive. */
  const revoked = new Set<string>();

  // Keycloak's direct password grant (oidc-provider leaves it out, as OAuth 2.1 does): demo only.
  provider.registerGrantType(
    'password',
    async (ctx: KoaContextWithOIDC) => {
      const params = ctx.oidc.params as Record<string, string | undefined>;
      const user = params.username ? users.get(params.username) : undefined;
      if (!user || params.password !== DEMO_PASSWORD) throw new errors.InvalidGrant('invalid user credentials');
      const client = ctx.oidc.client;
      if (!client) throw new errors.InvalidClient('client authentication failed');
      // A grant per login, as an authorization-code login would have, so tokens can be revoked by it.
      const grant = new provider.Grant({ accountId: subjectOf(user.username), clientId: client.clientId });
      grant.addOIDCScope('openid');
      grant.addResourceScope(resource, 'openid');
      const grantId = await grant.save();
      const token = new provider.AccessToken({ accountId: subjectOf(user.username), client, grantId, gty: 'password', scope: 'openid' });
      token.resourceServer = new (provider as unknown as { ResourceServer: new (id: string, info: object) => never }).ResourceServer(
        resource,
        resourceServer,
      );
      const value = await token.save();
      ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: 'openid' };
    },
    ['username', 'password', 'scope'],
  );

  const handlers = new RealmHandlers({
    provider,
    grantRequested,
    issuer,
    publicKey,
    revoked,
    secrets,
    accounts,
    users,
    eid,
    baseUrl,
    realm,
  });
  return {
    issuer,
    handle(req, res, pathInRealm) {
      const route = pathInRealm.split('?')[0];
      const failed = (error: Error) => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: error.message });
        else res.end();
      };
      if (route === KEYCLOAK_ROUTES.userinfo) return handlers.userinfo(req, res);
      if (route === KEYCLOAK_ROUTES.introspection && req.method === 'POST') return void handlers.introspect(req, res).catch(failed);
      if (route === `${KEYCLOAK_ROUTES.end_session}/hinted`) return void handlers.hintedLogout(req, res, pathInRealm).catch(failed);
      if (route === '/broker/eid/login') return void handlers.brokerLogin(req, res, pathInRealm).catch(failed);
      if (route === '/broker/eid/endpoint') return void handlers.brokerEndpoint(req, res, pathInRealm).catch(failed);
      if (route.startsWith('/interaction/')) {
        handlers
          .interaction(req, res)
          .catch((error: Error) => sendHtml(res, 400, page('Inloggningen misslyckades', escapeHtml(error.message))));
        return;
      }
      if (route === KEYCLOAK_ROUTES.revocation && req.method === 'POST') {
        handlers.revokeAccessToken(req, res).then((done) => (done ? undefined : serveProvider(provider, req, res, pathInRealm)), failed);
        return;
      }
      serveProvider(provider, req, res, pathInRealm);
    },
  };
}

interface RealmState {
  provider: Provider;
  /** Grants (and saves) everything a client asked for. */
  grantRequested(grant: InstanceType<Provider['Grant']>, scope: string | undefined): Promise<void>;
  issuer: string;
  publicKey: KeyObject;
  revoked: Set<string>;
  secrets: Map<string, string>;
  accounts: Map<string, DemoUser>;
  users: Map<string, DemoUser>;
  eid: EidRealm;
  baseUrl: string;
  realm: string;
}

/** A login sent to the eID provider, awaiting its answer at the broker endpoint (by `state`). */
interface PendingBrokerLogin {
  interactionUid: string;
  verifier: string;
  nonce: string;
  expires: number;
}

/** The realm's own endpoints beside oidc-provider's: what Keycloak answers and oidc-provider does not (alike). */
class RealmHandlers {
  private readonly pending = new Map<string, PendingBrokerLogin>();

  constructor(private readonly realm: RealmState) {}

  /**
   * Keycloak's userinfo for its own access tokens (oidc-provider's refuses a token that names a
   * resource server as audience): the person's claims, from a valid token of this realm.
   */
  userinfo(req: http.IncomingMessage, res: http.ServerResponse): void {
    const header = req.headers.authorization ?? '';
    const claims = /^Bearer /i.test(header) ? verifiedClaims(this.realm.publicKey, this.realm.issuer, header.slice(7).trim()) : undefined;
    if (!claims || (typeof claims.jti === 'string' && this.realm.revoked.has(claims.jti))) {
      return sendJson(
        res,
        401,
        { error: 'invalid_token', error_description: 'Token verification failed' },
        { 'www-authenticate': `Bearer realm="${this.realm.realm}", error="invalid_token"` },
      );
    }
    const user = [...this.realm.users.values()].find((u) => u.username === claims.preferred_username);
    const { sub, preferred_username, organization, unit } = claims;
    const identity = Object.fromEntries(
      [OIDC_SWEDEN.personalIdentityNumber, OIDC_SWEDEN.coordinationNumber].filter((c) => claims[c]).map((c) => [c, claims[c]]),
    );
    sendJson(res, 200, { sub, preferred_username, name: user?.name ?? claims.name, organization, unit, ...identity });
  }

  /**
   * Keycloak's token introspection (RFC 7662) for a confidential client: an access token is active
   * while valid and not revoked, a refresh token while oidc-provider still holds it (an offline
   * token's `typ` is Offline, as at Keycloak).
   */
  async introspect(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { issuer, publicKey, revoked, secrets, provider, accounts } = this.realm;
    const form = await readForm(req);
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    const [clientId, secret] = basic
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    if (!clientId || secrets.get(clientId) !== secret)
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Authentication failed.' });
    const token = form.get('token') ?? '';
    const claims = verifiedClaims(publicKey, issuer, token);
    if (claims) {
      const active = !(typeof claims.jti === 'string' && revoked.has(claims.jti));
      return sendJson(
        res,
        200,
        active
          ? { ...claims, client_id: claims.azp, username: claims.preferred_username, token_type: 'Bearer', active: true }
          : { active: false },
      );
    }
    const refresh = token ? await provider.RefreshToken.find(token) : undefined;
    if (!refresh || refresh.isExpired || refresh.consumed) return sendJson(res, 200, { active: false });
    const accountId = refresh.accountId ?? '';
    sendJson(res, 200, {
      active: true,
      sub: accountId,
      iss: issuer,
      azp: refresh.clientId,
      client_id: refresh.clientId,
      username: accountOf(accounts, accountId)?.username,
      typ: String(refresh.scope ?? '')
        .split(' ')
        .includes('offline_access')
        ? 'Offline'
        : 'Refresh',
      exp: refresh.exp,
      scope: refresh.scope,
    });
  }

  /** Revocation of an access token (a JWT): remembered by jti; anything else goes on to oidc-provider. */
  async revokeAccessToken(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const body = await readForm(req);
    const claims = verifiedClaims(this.realm.publicKey, this.realm.issuer, body.get('token') ?? undefined);
    if (claims && typeof claims.jti === 'string') {
      this.realm.revoked.add(claims.jti);
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end();
      return true;
    }
    // Not an access token: hand the form, already read, on to oidc-provider.
    (req as http.IncomingMessage & { body?: Record<string, string> }).body = Object.fromEntries(body);
    return false;
  }

  /**
   * The second half of a logout with id_token_hint: oidc-provider's confirmation, posted for the
   * browser (the hint already showed whose session it is, so Keycloak asks nothing).
   */
  async hintedLogout(req: http.IncomingMessage, res: http.ServerResponse, pathInRealm: string): Promise<void> {
    const xsrf = new URL(pathInRealm, 'http://realm').searchParams.get('xsrf') ?? '';
    for await (const chunk of req) void chunk; // a GET has no body; read to its end so oidc-provider takes req.body
    const form = { xsrf, logout: 'yes' };
    req.method = 'POST';
    req.headers['content-type'] = 'application/x-www-form-urlencoded';
    req.headers['content-length'] = String(new URLSearchParams(form).toString().length);
    (req as http.IncomingMessage & { body?: Record<string, string> }).body = form;
    serveProvider(this.realm.provider, req, res, `${KEYCLOAK_ROUTES.end_session}/confirm`);
  }

  /** The login step: the password form (or the eID provider at once, for kc_idp_hint=eid), or the consent step. */
  async interaction(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { provider, users, issuer } = this.realm;
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      // First-party client: the consent is given without a screen (Keycloak with consent not required).
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ clientId: String(details.params.client_id), accountId: details.session?.accountId });
      await this.realm.grantRequested(grant, String(details.params.scope ?? ''));
      const grantId = grant.jti;
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    const action = req.url ?? '/';
    const brokerLink = `${issuer}/broker/eid/login?${new URLSearchParams({ session_code: details.uid })}`;
    if (req.method !== 'POST') {
      if (details.params.kc_idp_hint === 'eid') return redirect(res, brokerLink);
      return sendHtml(res, 200, loginPage(action, brokerLink));
    }
    const form = await readForm(req);
    const user = users.get(form.get('username') ?? '');
    if (!user || form.get('password') !== DEMO_PASSWORD) {
      return sendHtml(res, 401, loginPage(action, brokerLink, 'Fel användarnamn eller lösenord.'));
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: realmSubject(this.realm.realm, user.username) } },
      { mergeWithLastSubmission: false },
    );
  }

  /** Keycloak's /broker/eid/login: off to the eID provider, with PKCE, state and nonce, as Keycloak's broker does. */
  async brokerLogin(req: http.IncomingMessage, res: http.ServerResponse, pathInRealm: string): Promise<void> {
    const uid = new URL(pathInRealm, 'http://realm').searchParams.get('session_code') ?? '';
    const interaction = uid ? await this.realm.provider.Interaction.find(uid) : undefined;
    if (!interaction) return sendHtml(res, 400, page('Inloggningen har gått ut', '<h1>Inloggningen har gått ut</h1><p>Börja om.</p>'));
    const now = Date.now();
    for (const [key, login] of this.pending) if (login.expires < now) this.pending.delete(key);
    const state = randomBytes(16).toString('base64url');
    const login = {
      interactionUid: uid,
      verifier: randomBytes(32).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      expires: now + 600_000,
    };
    this.pending.set(state, login);
    const query = new URLSearchParams({
      client_id: EID_BROKER_CLIENT.clientId,
      response_type: 'code',
      scope: `openid profile ${OIDC_SWEDEN.naturalPersonNumberScope}`,
      redirect_uri: brokerEndpoint(this.realm.baseUrl, this.realm.realm),
      state,
      nonce: login.nonce,
      code_challenge: createHash('sha256').update(login.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    redirect(res, `${this.realm.eid.issuer}${KEYCLOAK_ROUTES.authorization}?${query}`);
  }

  /**
   * Keycloak's /broker/eid/endpoint: the code is exchanged at the eID provider, its ID token checked
   * (signature, issuer, audience, nonce), and the resident logged in with its number and level.
   */
  async brokerEndpoint(req: http.IncomingMessage, res: http.ServerResponse, pathInRealm: string): Promise<void> {
    const { provider, eid, baseUrl, realm } = this.realm;
    const params = new URL(pathInRealm, 'http://realm').searchParams;
    const login = this.pending.get(params.get('state') ?? '');
    this.pending.delete(params.get('state') ?? '');
    const interaction = login && login.expires > Date.now() ? await provider.Interaction.find(login.interactionUid) : undefined;
    if (!login || !interaction)
      return sendHtml(res, 400, page('Inloggningen har gått ut', '<h1>Inloggningen har gått ut</h1><p>Börja om.</p>'));
    const fail = (message: string) =>
      sendHtml(res, 502, page('E-legitimationen misslyckades', `<h1>E-legitimationen misslyckades</h1><p>${escapeHtml(message)}</p>`));
    if (params.get('error')) return fail(`The eID provider answered ${params.get('error')}`);
    const answer = await fetch(`${eid.issuer}${KEYCLOAK_ROUTES.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: brokerEndpoint(baseUrl, realm),
        code_verifier: login.verifier,
        client_id: EID_BROKER_CLIENT.clientId,
        client_secret: EID_BROKER_CLIENT.secret,
      }),
    });
    const tokens = (await answer.json()) as { id_token?: string; error?: string };
    const claims = verifiedClaims(eid.publicKey, eid.issuer, tokens.id_token);
    if (!claims) return fail(`The eID provider gave no valid ID token (${tokens.error ?? answer.status})`);
    if (claims.aud !== EID_BROKER_CLIENT.clientId || claims.nonce !== login.nonce)
      return fail('The ID token was not issued for this login');
    const number = claims[OIDC_SWEDEN.personalIdentityNumber] ?? claims[OIDC_SWEDEN.coordinationNumber];
    const level = levelOfAcr(claims.acr);
    if (typeof number !== 'string' || !/^\d{12}$/.test(number) || !level)
      return fail('The ID token names no identity number or no Swedish assurance level');
    // One account per identity number in this realm; each eID login writes its level again (Keycloak's FORCE sync).
    const accountId = demoSubject(`${realm}:eid:${number}`);
    const person = TEST_EID_PERSONS.find((p) => p.number === number);
    const name = typeof claims.name === 'string' ? claims.name : person ? `${person.givenName} ${person.familyName}` : 'Invånare';
    this.realm.accounts.set(accountId, {
      username: `eid-${accountId.slice(0, 8)}`,
      name,
      roles: ['citizen'],
      personnummer: number,
      acr: loaUri(level),
    });
    interaction.result = { login: { accountId } };
    await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
    redirect(res, interaction.returnTo, 303);
  }
}

function loginPage(action: string, brokerLink: string, error?: string): string {
  return page(
    'Logga in – Kommuna (dev)',
    `<h1>Logga in</h1><p>Utvecklingsinloggning (dev-idp). Alla demoanvändare har lösenordet <code>${DEMO_PASSWORD}</code>.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Användarnamn <input name="username" autocomplete="username" required></label>
<label>Lösenord <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Logga in</button></form>
<h2>Invånare</h2><p>Logga in med e-legitimation (här dev-idp:s test-e-legitimation, realm eid).</p>
<p><a id="social-eid" href="${escapeHtml(brokerLink)}">${EID_PROVIDER_NAME}</a></p>`,
  );
}
