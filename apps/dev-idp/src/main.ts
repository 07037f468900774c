// dev-idp: the embedded default identity provider. It serves Keycloak's realm endpoints on a real
// OpenID Connect provider (oidc-provider) and issues Keycloak-shaped RS256 access tokens for demo
// users and per-municipality service accounts. Never for production: it refuses to start there.
import { createHash, generateKeyPairSync, type KeyObject, verify as verifySignature } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { parse } from 'yaml';

interface DemoUser {
  username: string;
  name: string;
  roles: string[];
  organization?: string;
  unit?: string;
  personnummer?: string;
  /** The login's e-legitimation level (acr), for residents. */
  acr?: string;
}

interface TenantAuth {
  slug: string;
  realm: string;
  organization: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const TENANTS_DIR = path.resolve(process.env.KOMMUNA_TENANTS_DIR ?? path.join(here, '../../../tenants'));
const AUDIENCE = process.env.KOMMUNA_AUTH_AUDIENCE ?? 'kommuna-api';
export const DEMO_PASSWORD = 'kommuna-demo';
/** OIDC Sweden's claims for a person's identity number (swedish-oidc-claims-specification 1.0). */
const OIDC_SWEDEN = {
  personalIdentityNumber: 'https://id.oidc.se/claim/personalIdentityNumber',
  coordinationNumber: 'https://id.oidc.se/claim/coordinationNumber',
  naturalPersonNumberScope: 'https://id.oidc.se/scope/naturalPersonNumber',
};
/** A samordningsnummer is a personnummer whose day of birth has 60 added. */
const isSamordningsnummer = (number: string) => Number(number.slice(6, 8)) > 60;
/** The claim a 12-digit identity number goes in: the personnummer's, or the samordningsnummer's. */
const identityNumberClaims = (number: string | undefined): Record<string, string> =>
  number ? { [isSamordningsnummer(number) ? OIDC_SWEDEN.coordinationNumber : OIDC_SWEDEN.personalIdentityNumber]: number } : {};
/** A Swedish e-legitimation level as `acr` states it (the eID broker's, passed on by Keycloak's realm). */
const loaUri = (level: string) => `http://id.elegnamnden.se/loa/1.0/${level}`;
/**
 * Skatteverket's test personnummer (serial numbers 980-999, generateTestPersonnummer in
 * libs/shared/identifiers) a tester picks from in the test eID login, the demo residents' first.
 */
export const TEST_EID_PERSONNUMMER = ['199001019802', '197110109878', '196502029884', '193207189949', '200404269813', '192511119956'];
/** The levels the test eID can log in at: loa3 (BankID, Freja eID+) and a lower one to see refusals. */
const TEST_EID_LEVELS = ['loa3', 'loa2'];
/** A test eID login's account: its level and personnummer (one subject per personnummer, whatever the level). */
const EID_ACCOUNT = /^eid:(loa[1-4]):(\d{12})$/;
const eidAccountId = (level: string, personnummer: string) => `eid:${level}:${personnummer}`;

/** Dev-only clients, as the dev Keycloak has them (libs/platform/testing keycloak-process.ts). */
const DEV_PASSWORD_CLIENT = 'kommuna-dev';
const DEV_OTHER_AUDIENCE_CLIENT = 'kommuna-dev-other-app';

/**
 * A demo user's (or service account's) subject: a UUID derived from the username, as the dev
 * Keycloak sets on import (demoSubject in libs/platform/testing), so one person is one principal.
 */
function demoSubject(username: string): string {
  const hex = createHash('sha1').update(`kommuna-demo:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Where the web client (kommuna-web) may send a browser back to: the api's and the portal's
// callbacks on their default ports. `npm start` passes the ones it derived from its ports.
const DEFAULT_REDIRECT_URIS = [
  'http://127.0.0.1:3000/callback',
  'http://localhost:3000/callback',
  'http://127.0.0.1:3003/auth/callback',
  'http://localhost:3003/auth/callback',
];

/** dev-idp's settings from its environment; a bad value names its variable. */
function settingsFromEnv(env: NodeJS.ProcessEnv) {
  const port = Number(env.DEV_IDP_PORT ?? 3001);
  if (!/^\d+$/.test(env.DEV_IDP_PORT ?? '3001') || port > 65535)
    throw new Error(`DEV_IDP_PORT must be a port number (0-65535; 0 picks a free one), not "${env.DEV_IDP_PORT}"`);
  const redirectUris = env.DEV_IDP_REDIRECT_URIS
    ? env.DEV_IDP_REDIRECT_URIS.split(',')
        .map((uri) => uri.trim())
        .filter(Boolean)
    : DEFAULT_REDIRECT_URIS;
  for (const uri of redirectUris) {
    if (!URL.canParse(uri)) throw new Error(`DEV_IDP_REDIRECT_URIS must be absolute URLs separated by commas, not "${uri}"`);
  }
  if (env.DEV_IDP_URL && !URL.canParse(env.DEV_IDP_URL)) throw new Error(`DEV_IDP_URL must be an absolute URL, not "${env.DEV_IDP_URL}"`);
  return { port, host: env.DEV_IDP_HOST ?? '127.0.0.1', publicUrl: env.DEV_IDP_URL?.replace(/\/+$/, ''), redirectUris };
}

/** How a browser reaches an address the server listens on (a wildcard address is reached on loopback). */
const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

/** Which municipalities use which realm and Keycloak Organization, from their tenant files. */
function readTenants(): TenantAuth[] {
  return fs
    .readdirSync(TENANTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(TENANTS_DIR, entry.name, 'tenant.yaml')))
    .map((entry) => {
      const config = parse(fs.readFileSync(path.join(TENANTS_DIR, entry.name, 'tenant.yaml'), 'utf8'));
      if (config.auth?.issuer) return undefined; // that municipality runs its own Keycloak
      return { slug: config.slug, realm: config.auth?.realm ?? 'kommuna', organization: config.auth?.organization };
    })
    .filter((tenant): tenant is TenantAuth => Boolean(tenant?.organization));
}

/** Demo people: citizens with Skatteverket test personnummer, and staff of every municipality. */
function demoUsers(tenants: TenantAuth[]): DemoUser[] {
  const citizens: DemoUser[] = [
    { username: 'medborgare-anna', name: 'Anna Andersson', roles: ['citizen'], personnummer: '199001019802' },
    { username: 'medborgare-erik', name: 'Erik Eriksson', roles: ['citizen'], personnummer: '197110109878' },
    { username: 'foretag-lena', name: 'Lena Lind (företagsföreträdare)', roles: ['company_representative'], personnummer: '196502029884' },
  ];
  const platform: DemoUser[] = [
    { username: 'styrgrupp', name: 'Styrgruppsledamot', roles: ['steering_group'] },
    { username: 'plattform', name: 'Plattformsadministratör', roles: ['platform_admin'] },
  ];
  const staff = tenants.flatMap((t): DemoUser[] => [
    {
      username: `${t.slug}-socialtjanst`,
      name: `Handläggare socialtjänst, ${t.slug}`,
      roles: ['case_worker'],
      organization: t.organization,
      unit: 'socialtjanst',
    },
    {
      username: `${t.slug}-skola`,
      name: `Handläggare skola, ${t.slug}`,
      roles: ['case_worker'],
      organization: t.organization,
      unit: 'skola',
    },
    { username: `${t.slug}-admin`, name: `Administratör, ${t.slug}`, roles: ['tenant_admin'], organization: t.organization },
  ]);
  return [...citizens, ...platform, ...staff];
}

/**
 * The person behind an account id: a demo user, or a resident of the test eID login. Demo residents
 * count as logged in through e-legitimation at loa3, as the realm's broker would have it.
 */
function accountOf(accounts: Map<string, DemoUser>, id: string): DemoUser | undefined {
  const eid = EID_ACCOUNT.exec(id);
  if (eid)
    return {
      username: `eid-${demoSubject(`eid:${eid[2]}`).slice(0, 8)}`,
      name: 'Testperson (e-legitimation)',
      roles: ['citizen'],
      personnummer: eid[2],
      acr: loaUri(eid[1]),
    };
  const user = accounts.get(id);
  return user?.personnummer ? { ...user, acr: loaUri('loa3') } : user;
}

/** The token subject of an account: a test eID resident keeps theirs at every level. */
const subjectOf = (id: string) => {
  const eid = EID_ACCOUNT.exec(id);
  return eid ? demoSubject(`eid:${eid[2]}`) : id;
};

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

/** The realm's signing key, kept beside its provider: userinfo and introspection check tokens with it. */
interface Realm {
  provider: Provider;
  publicKey: KeyObject;
  /** Access tokens revoked at the revocation endpoint (by jti), which introspection then calls inactive. */
  revoked: Set<string>;
  /** Confidential clients and their secrets, for introspection's client authentication. */
  secrets: Map<string, string>;
  /** The demo users by subject (the account id oidc-provider knows them by). */
  accounts: Map<string, DemoUser>;
}

async function createRealm(
  baseUrl: string,
  realm: string,
  tenants: TenantAuth[],
  users: Map<string, DemoUser>,
  redirectUris: string[],
): Promise<Realm> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const accounts = new Map([...users.values()].map((user) => [demoSubject(user.username), user]));
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `${realm}-dev-${Date.now().toString(36)}`, alg: 'RS256', use: 'sig' };
  const resource = `urn:kommuna:${AUDIENCE}`;
  const provider = new Provider(`${baseUrl}/realms/${realm}`, {
    jwks: { keys: [jwk] },
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      end_session: '/protocol/openid-connect/logout',
      revocation: '/protocol/openid-connect/revoke',
      introspection: '/protocol/openid-connect/token/introspect',
    },
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
    interactions: { url: (_ctx, interaction) => `/realms/${realm}/interaction/${interaction.uid}` },
    // Kommuna's own clients are first-party: no consent screen, the login is the consent.
    loadExistingGrant: async (ctx) => {
      const { client, session, provider: oidc } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return oidc.Grant.find(existing);
      const grant = new oidc.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid');
      grant.addResourceScope(resource, 'openid');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    findAccount: async (_ctx, id) =>
      accountOf(accounts, id) ? { accountId: id, claims: async () => ({ sub: subjectOf(id) }) } : undefined,
    // Keycloak issues a refresh token with every login, offline_access or not.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Refresh tokens are revoked here; access tokens (JWTs) by the handler in front (revokeAccessToken).
      revocation: { enabled: true },
      // Advertised in discovery; the handler in front (introspect) answers it, for JWT access tokens too.
      introspection: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'openid', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
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
            aud: client.clientId === DEV_OTHER_AUDIENCE_CLIENT ? 'account' : AUDIENCE,
            sub: accountId ? subjectOf(accountId) : demoSubject(`service-account-${client.clientId}`),
            ...(sessionUid ? { sid: sessionUid } : {}),
            // A municipality's system may take e-forms submissions into its case system (CASE_SYSTEM_SCOPE, platform-auth).
            scope: [
              ...new Set([
                'profile',
                'email',
                ...(scope ?? '').split(' ').filter(Boolean),
                ...(!accountId && client.kommuna_organization ? ['eforms-submissions'] : []),
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
      const grant = new provider.Grant({ accountId: demoSubject(user.username), clientId: client.clientId });
      grant.addOIDCScope('openid');
      grant.addResourceScope(resource, 'openid');
      const grantId = await grant.save();
      const token = new provider.AccessToken({ accountId: demoSubject(user.username), client, grantId, gty: 'password', scope: 'openid' });
      token.resourceServer = new (provider as unknown as { ResourceServer: new (id: string, info: object) => never }).ResourceServer(
        resource,
        {
          scope: 'openid',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        },
      );
      const value = await token.save();
      ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope: 'openid' };
    },
    ['username', 'password', 'scope'],
  );
  return { provider, publicKey, revoked: new Set(), secrets, accounts };
}

/** The claims of an access token this realm signed and that has not expired, or undefined. */
function verifiedClaims(realm: Realm, issuer: string, token: string | undefined): Record<string, unknown> | undefined {
  const parts = token?.split('.') ?? [];
  if (parts.length !== 3) return undefined;
  const valid = verifySignature('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), realm.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!valid) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.iss !== issuer || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
  return claims;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

/**
 * Keycloak's userinfo for its own access tokens (oidc-provider's refuses a token that names a
 * resource server as audience): the person's claims, from a valid token of this realm.
 */
function userinfo(realm: Realm, issuer: string, users: Map<string, DemoUser>, req: http.IncomingMessage, res: http.ServerResponse): void {
  const header = req.headers.authorization ?? '';
  const claims = /^Bearer /i.test(header) ? verifiedClaims(realm, issuer, header.slice(7).trim()) : undefined;
  if (!claims || (typeof claims.jti === 'string' && realm.revoked.has(claims.jti))) {
    return sendJson(
      res,
      401,
      { error: 'invalid_token', error_description: 'Token verification failed' },
      { 'www-authenticate': 'Bearer realm="kommuna", error="invalid_token"' },
    );
  }
  const user = [...users.values()].find((u) => u.username === claims.preferred_username);
  const { sub, preferred_username, organization, unit } = claims;
  const identity = {
    [OIDC_SWEDEN.personalIdentityNumber]: claims[OIDC_SWEDEN.personalIdentityNumber],
    [OIDC_SWEDEN.coordinationNumber]: claims[OIDC_SWEDEN.coordinationNumber],
  };
  sendJson(res, 200, { sub, preferred_username, ...(user ? { name: user.name } : {}), organization, unit, ...identity });
}

/**
 * Keycloak's token introspection (RFC 7662) for a confidential client: an access token is active
 * while valid and not revoked, a refresh token while oidc-provider still holds it.
 */
async function introspect(realm: Realm, issuer: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const form = await readForm(req);
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  const [clientId, secret] = basic
    ? Buffer.from(basic[1], 'base64').toString('utf8').split(':').map(decodeURIComponent)
    : [form.get('client_id'), form.get('client_secret')];
  if (!clientId || realm.secrets.get(clientId) !== secret)
    return sendJson(res, 401, { error: 'invalid_client', error_description: 'Authentication failed.' });
  const token = form.get('token') ?? '';
  const claims = verifiedClaims(realm, issuer, token);
  if (claims) {
    const active = !(typeof claims.jti === 'string' && realm.revoked.has(claims.jti));
    return sendJson(
      res,
      200,
      active
        ? { ...claims, client_id: claims.azp, username: claims.preferred_username, token_type: 'Bearer', active: true }
        : { active: false },
    );
  }
  const refresh = token ? await realm.provider.RefreshToken.find(token) : undefined;
  if (!refresh || refresh.isExpired || refresh.consumed) return sendJson(res, 200, { active: false });
  const accountId = refresh.accountId ?? '';
  sendJson(res, 200, {
    active: true,
    sub: subjectOf(accountId),
    iss: issuer,
    azp: refresh.clientId,
    client_id: refresh.clientId,
    username: accountOf(realm.accounts, accountId)?.username,
    typ: 'Refresh',
    exp: refresh.exp,
    scope: refresh.scope,
  });
}

/** Revocation of an access token (a JWT): remembered by jti; anything else goes on to oidc-provider. */
async function revokeAccessToken(realm: Realm, issuer: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const body = await readForm(req);
  const claims = verifiedClaims(realm, issuer, body.get('token') ?? undefined);
  if (claims && typeof claims.jti === 'string') {
    realm.revoked.add(claims.jti);
    res.writeHead(200, { 'cache-control': 'no-store' });
    res.end();
    return true;
  }
  // Not an access token: hand the form, already read, on to oidc-provider.
  (req as http.IncomingMessage & { body?: Record<string, string> }).body = Object.fromEntries(body);
  return false;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(action: string, error?: string): string {
  const options = (values: string[]) => values.map((value) => `<option value="${value}">${value}</option>`).join('');
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Logga in – Kommuna (dev)</title></head>
<body><main><h1>Logga in</h1><p>Utvecklingsinloggning (dev-idp). Alla demoanvändare har lösenordet <code>${DEMO_PASSWORD}</code>.</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Användarnamn <input name="username" autocomplete="username" required></label>
<label>Lösenord <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Logga in</button></form>
<h2>Test-e-legitimation</h2><p>Som invånare med e-legitimation: välj ett av Skatteverkets testpersonnummer och tillitsnivå (loa3 som BankID; loa2 för att se att lägre nivå nekas).</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="eid" value="test">
<label>Personnummer <select name="personnummer">${options(TEST_EID_PERSONNUMMER)}</select></label>
<label>Tillitsnivå <select name="level">${options(TEST_EID_LEVELS)}</select></label>
<button type="submit">Logga in med test-e-legitimation</button></form></main></body></html>`;
}

/** The browser login step of the authorization-code flow: a form checked against the demo users. */
async function handleLogin(
  provider: Provider,
  users: Map<string, DemoUser>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const action = req.url ?? '/';
  const render = (status: number, error?: string) => {
    res.statusCode = status;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(loginPage(action, error));
  };
  if (req.method !== 'POST') return render(200);
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  if (form.get('eid') === 'test') {
    // The test eID: a Skatteverket test personnummer at the level the tester chose, as a broker asserts it.
    const personnummer = form.get('personnummer') ?? '';
    const level = form.get('level') ?? '';
    if (!TEST_EID_PERSONNUMMER.includes(personnummer) || !TEST_EID_LEVELS.includes(level) || details.prompt.name !== 'login') {
      return render(400, 'Välj ett testpersonnummer och en tillitsnivå i listorna.');
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: eidAccountId(level, personnummer) } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const user = users.get(form.get('username') ?? '');
  if (!user || form.get('password') !== DEMO_PASSWORD || details.prompt.name !== 'login') {
    return render(401, 'Fel användarnamn eller lösenord.');
  }
  await provider.interactionFinished(req, res, { login: { accountId: demoSubject(user.username) } }, { mergeWithLastSubmission: false });
}

export async function startDevIdp(): Promise<http.Server> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('dev-idp is for development and tests only: point KEYCLOAK_URL at a real Keycloak in production');
  }
  const settings = settingsFromEnv(process.env);
  const tenants = readTenants();
  const users = new Map(demoUsers(tenants).map((u) => [u.username, u]));
  const realms = new Map<string, Realm>();
  let baseUrl = '';
  let starting = true;
  const server = http.createServer((req, res) => {
    const match = /^\/realms\/([a-z0-9-]+)(\/.*)?$/.exec(req.url ?? '');
    const realm = match ? realms.get(match[1]) : undefined;
    if (!match || !realm) {
      res.statusCode = starting ? 503 : 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: starting ? 'dev-idp is starting' : 'Realm does not exist' }));
      return;
    }
    const { provider } = realm;
    const issuer = `${baseUrl}/realms/${match[1]}`;
    const route = (match[2] ?? '/').split('?')[0];
    const failed = (error: Error) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: error.message });
      else res.end();
    };
    if (route === '/protocol/openid-connect/userinfo') return userinfo(realm, issuer, users, req, res);
    if (route === '/protocol/openid-connect/token/introspect' && req.method === 'POST')
      return void introspect(realm, issuer, req, res).catch(failed);
    if (match[2]?.startsWith('/interaction/')) {
      handleLogin(provider, users, req, res).catch((error: Error) => {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`Login failed: ${error.message}`);
      });
      return;
    }
    (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
    req.url = match[2] ?? '/';
    // Koa answers its own errors (ctx.onerror); this only catches that answer failing in turn.
    const serve = () =>
      provider
        .callback()(req, res)
        .catch((error: Error) => {
          if (!res.headersSent) res.statusCode = 500;
          res.end(`dev-idp error: ${error.message}`);
        });
    if (route === '/protocol/openid-connect/revoke' && req.method === 'POST') {
      revokeAccessToken(realm, issuer, req, res).then((done) => (done ? undefined : serve()), failed);
      return;
    }
    void serve();
  });
  // Listen first: the issuer names the port, which with DEV_IDP_PORT=0 is known only once bound.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = settings.publicUrl ?? `http://${urlHost(settings.host)}:${port}`;
  for (const realm of new Set(tenants.map((t) => t.realm))) {
    realms.set(
      realm,
      await createRealm(
        baseUrl,
        realm,
        tenants.filter((t) => t.realm === realm),
        users,
        settings.redirectUris,
      ),
    );
  }
  starting = false;
  process.stdout.write(
    JSON.stringify({
      level: 'info',
      msg: 'dev-idp ready',
      url: baseUrl,
      port,
      realms: [...realms.keys()].map((r) => `${baseUrl}/realms/${r}`),
      redirectUris: settings.redirectUris,
      users: [...users.keys()],
      password: DEMO_PASSWORD,
      serviceAccounts: tenants.map((t) => `${t.slug}-system / ${t.slug}-system-secret`),
    }) + '\n',
  );
  return server;
}

startDevIdp().catch((error: Error) => {
  process.stderr.write(`dev-idp could not start: ${error.message}\n`);
  process.exit(1);
});
