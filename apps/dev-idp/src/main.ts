// dev-idp: the embedded default identity provider. Like Keycloak it serves realms at
// /realms/<realm>, each a real OpenID Connect provider (oidc-provider) issuing Keycloak-shaped RS256
// tokens: the shared realm `kommuna` and any realm a municipality names (auth.realm, or auth.issuer
// when that names dev-idp itself: a member with its own IdP, tried locally), with demo users and the
// municipalities' system accounts; and realm `eid`, a test e-legitimation provider residents are
// brokered to. Never for production: it refuses to start there.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createEidRealm } from './eid-realm.ts';
import { DEMO_PASSWORD, EID_REALM, type ServedRealm } from './realm-kit.ts';
import { brokerEndpoint, createTenantRealm, type DemoUser, type TenantAuth } from './tenant-realm.ts';

export { DEMO_PASSWORD } from './realm-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TENANTS_DIR = path.resolve(process.env.KOMMUNA_TENANTS_DIR ?? path.join(here, '../../../tenants'));
const AUDIENCE = process.env.KOMMUNA_AUTH_AUDIENCE ?? 'kommuna-api';

// Where the web client (kommuna-web) may send a browser back to: the api's and the portal's
// callbacks on their default ports. `npm start` passes the ones it derived from its ports.
const DEFAULT_REDIRECT_URIS = [
  'http://127.0.0.1:3000/callback',
  'http://localhost:3000/callback',
  'http://127.0.0.1:3003/auth/callback',
  'http://localhost:3003/auth/callback',
];

/** The dev Keycloak's eID broker (npm run keycloak:start on its default port) may use the test eID too. */
const DEFAULT_EID_BROKER_URIS = ['127.0.0.1', 'localhost'].map((host) => `http://${host}:8080/realms/kommuna/broker/eid/endpoint`);

const urlList = (variable: string, value: string) => {
  const uris = value
    .split(',')
    .map((uri) => uri.trim())
    .filter(Boolean);
  for (const uri of uris) if (!URL.canParse(uri)) throw new Error(`${variable} must be absolute URLs separated by commas, not "${uri}"`);
  return uris;
};

/** dev-idp's settings from its environment; a bad value names its variable. */
function settingsFromEnv(env: NodeJS.ProcessEnv) {
  const port = Number(env.DEV_IDP_PORT ?? 3001);
  if (!/^\d+$/.test(env.DEV_IDP_PORT ?? '3001') || port > 65535)
    throw new Error(`DEV_IDP_PORT must be a port number (0-65535; 0 picks a free one), not "${env.DEV_IDP_PORT}"`);
  const redirectUris = env.DEV_IDP_REDIRECT_URIS ? urlList('DEV_IDP_REDIRECT_URIS', env.DEV_IDP_REDIRECT_URIS) : DEFAULT_REDIRECT_URIS;
  // A Keycloak elsewhere whose identity provider `eid` points at this dev-idp: its broker endpoint.
  const eidBrokerUris = [...DEFAULT_EID_BROKER_URIS, ...urlList('DEV_IDP_EID_REDIRECT_URIS', env.DEV_IDP_EID_REDIRECT_URIS ?? '')];
  if (env.DEV_IDP_URL && !URL.canParse(env.DEV_IDP_URL)) throw new Error(`DEV_IDP_URL must be an absolute URL, not "${env.DEV_IDP_URL}"`);
  return { port, host: env.DEV_IDP_HOST ?? '127.0.0.1', publicUrl: env.DEV_IDP_URL?.replace(/\/+$/, ''), redirectUris, eidBrokerUris };
}

/** How a browser reaches an address the server listens on (a wildcard address is reached on loopback). */
const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

/**
 * Which municipalities log in through which realm here, from their tenant files: `auth.realm`, or
 * for a municipality with its own IdP (`auth.issuer`) the realm when that issuer is this dev-idp's
 * (`<dev-idp URL>/realms/<realm>`); one elsewhere is left to its own IdP.
 */
function readTenants(baseUrl: string): TenantAuth[] {
  return fs
    .readdirSync(TENANTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(TENANTS_DIR, entry.name, 'tenant.yaml')))
    .map((entry): TenantAuth | undefined => {
      const config = parse(fs.readFileSync(path.join(TENANTS_DIR, entry.name, 'tenant.yaml'), 'utf8'));
      const organization = config.auth?.organization;
      if (!organization) return undefined;
      if (!config.auth.issuer) return { slug: config.slug, realm: config.auth.realm ?? 'kommuna', organization };
      const own = new RegExp(`^${baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/realms/([a-z0-9-]+)$`).exec(config.auth.issuer);
      return own ? { slug: config.slug, realm: own[1], organization } : undefined;
    })
    .filter((tenant): tenant is TenantAuth => Boolean(tenant));
}

/** Demo people of a realm: citizens with Skatteverket test personnummer, its municipalities' staff; the platform's in the shared realm. */
function demoUsers(realm: string, tenants: TenantAuth[]): DemoUser[] {
  const citizens: DemoUser[] = [
    { username: 'medborgare-anna', name: 'Anna Andersson', roles: ['citizen'], personnummer: '199001019802' },
    { username: 'medborgare-erik', name: 'Erik Eriksson', roles: ['citizen'], personnummer: '197110109878' },
    { username: 'foretag-lena', name: 'Lena Lind (företagsföreträdare)', roles: ['company_representative'], personnummer: '196502029884' },
  ];
  const platform: DemoUser[] =
    realm === 'kommuna'
      ? [
          { username: 'styrgrupp', name: 'Styrgruppsledamot', roles: ['steering_group'] },
          { username: 'plattform', name: 'Plattformsadministratör', roles: ['platform_admin'] },
        ]
      : [];
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

export async function startDevIdp(): Promise<http.Server> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('dev-idp is for development and tests only: point KEYCLOAK_URL at a real Keycloak in production');
  }
  const settings = settingsFromEnv(process.env);
  const realms = new Map<string, ServedRealm>();
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
    realm.handle(req, res, match[2] ?? '/');
  });
  // Listen first: the issuer names the port, which with DEV_IDP_PORT=0 is known only once bound.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = settings.publicUrl ?? `http://${urlHost(settings.host)}:${port}`;
  const tenants = readTenants(baseUrl);
  const tenantRealms = [...new Set(tenants.map((t) => t.realm))];
  if (tenantRealms.includes(EID_REALM)) {
    server.close();
    throw new Error(`realm "${EID_REALM}" is dev-idp's test e-legitimation: a municipality's auth.realm must be named otherwise`);
  }
  const eid = createEidRealm(baseUrl, [...tenantRealms.map((realm) => brokerEndpoint(baseUrl, realm)), ...settings.eidBrokerUris]);
  realms.set(EID_REALM, eid);
  for (const realm of tenantRealms) {
    const members = tenants.filter((t) => t.realm === realm);
    const users = new Map(demoUsers(realm, members).map((u) => [u.username, u]));
    realms.set(
      realm,
      createTenantRealm({ baseUrl, realm, audience: AUDIENCE, tenants: members, users, redirectUris: settings.redirectUris, eid }),
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
      eidBrokerRedirectUris: settings.eidBrokerUris,
      users: [
        ...new Set(
          tenantRealms.flatMap((realm) =>
            demoUsers(
              realm,
              tenants.filter((t) => t.realm === realm),
            ).map((u) => u.username),
          ),
        ),
      ],
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
