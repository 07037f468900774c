// A real Keycloak for tests and for `npm run keycloak:start`: the distribution fetched from Maven
// Central into a cache outside git, started in dev mode on free ports with its own H2 database in a
// temporary folder, importing the committed realm export (infra/keycloak/kommuna-realm.json) plus
// a dev layer (demo users with passwords, service-account secrets, a password-grant client named
// as dev-only). The demo people are the ones dev-idp has (apps/dev-idp), so both answer alike.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './dev-idp-process';
import { accessTokenAt, requestTokenAt, serviceAccountCredentials, TestIdentityProvider } from './realm-tokens';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const REALM_EXPORT_FILE = path.join(REPO_ROOT, 'infra/keycloak/kommuna-realm.json');
export const DEMO_PASSWORD = 'kommuna-demo';
/** The dev-only client that keeps the direct password grant (curl recipes, tests); production has none. */
export const DEV_PASSWORD_CLIENT = 'kommuna-dev';
/** A dev-only client whose tokens are not for Kommuna's api (no api audience), to show they are refused. */
export const DEV_OTHER_AUDIENCE_CLIENT = 'kommuna-dev-other-app';
const ADMIN = { username: 'admin', password: 'admin-dev' };
/** The level a demo resident's (imagined) last eID login had: what the eID broker's mapper would have written. */
const DEMO_RESIDENT_ASSURANCE = 'http://id.elegnamnden.se/loa/1.0/loa3';
/** The dev eID broker client's secret (dev-idp's test eID provider knows it); production keeps it in Keycloak's vault. */
export const DEV_EID_CLIENT_SECRET = 'kommuna-broker-secret';

/** The Keycloak release the realm export is written for (its `keycloakVersion`). */
export function keycloakVersion(realmExportFile = REALM_EXPORT_FILE): string {
  const version = (JSON.parse(fs.readFileSync(realmExportFile, 'utf8')) as { keycloakVersion?: string }).keycloakVersion;
  if (!version) throw new Error(`${realmExportFile} names no keycloakVersion: run npm run keycloak:realm`);
  return version;
}

/** Where distributions are kept: KOMMUNA_KEYCLOAK_CACHE_DIR, else ~/.cache/kommuna-keycloak. */
export const keycloakCacheDir = () =>
  path.resolve(process.env.KOMMUNA_KEYCLOAK_CACHE_DIR ?? path.join(os.homedir(), '.cache/kommuna-keycloak'));

export const keycloakHome = (version = keycloakVersion()) => path.join(keycloakCacheDir(), `keycloak-${version}`);

/**
 * Fetches org.keycloak:keycloak-quarkus-dist:<version>:zip with Maven into the cache and unpacks
 * it; does nothing when it is there already. Returns the distribution's folder.
 */
export function installKeycloak(version = keycloakVersion(), log: (line: string) => void = () => undefined): string {
  const home = keycloakHome(version);
  if (fs.existsSync(path.join(home, 'bin/kc.sh'))) return home;
  const cache = keycloakCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  const zip = path.join(cache, `keycloak-quarkus-dist-${version}.zip`);
  if (!fs.existsSync(zip)) {
    log(`fetching org.keycloak:keycloak-quarkus-dist:${version}:zip from Maven Central into ${cache}`);
    execFileSync(
      'mvn',
      ['-q', '-B', 'dependency:copy', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:zip`, `-DoutputDirectory=${cache}`],
      { stdio: 'inherit' },
    );
  }
  log(`unpacking ${zip}`);
  // Unpacked beside, then renamed: an interrupted unzip never looks like an installed Keycloak.
  const partial = fs.mkdtempSync(path.join(cache, '.unpacking-'));
  execFileSync('unzip', ['-q', zip, '-d', partial], { stdio: 'inherit' });
  fs.renameSync(path.join(partial, `keycloak-${version}`), home);
  fs.rmSync(partial, { recursive: true, force: true });
  return home;
}

const javaMajor = (javaHome: string): number | undefined => {
  const release = path.join(javaHome, 'release');
  if (!fs.existsSync(release)) return undefined;
  const match = /JAVA_VERSION="(\d+)/.exec(fs.readFileSync(release, 'utf8'));
  return match ? Number(match[1]) : undefined;
};

/** A JDK that runs Keycloak 26.5 (21 or newer): KEYCLOAK_JAVA_HOME, JAVA_HOME, or the newest in /usr/lib/jvm. */
export function keycloakJavaHome(): string {
  const named = [process.env.KEYCLOAK_JAVA_HOME, process.env.JAVA_HOME].filter((home): home is string => Boolean(home));
  for (const home of named) if ((javaMajor(home) ?? 0) >= 21) return home;
  const installed = fs.existsSync('/usr/lib/jvm')
    ? fs
        .readdirSync('/usr/lib/jvm')
        .map((name) => path.join('/usr/lib/jvm', name))
        .filter((home) => !fs.lstatSync(home).isSymbolicLink())
        .map((home) => ({ home, major: javaMajor(home) ?? 0 }))
        .filter(({ major }) => major >= 21)
        .sort((a, b) => b.major - a.major)
    : [];
  if (installed.length === 0) throw new Error('Keycloak 26.5 needs Java 21 or newer: install one or set KEYCLOAK_JAVA_HOME');
  return installed[0].home;
}

/**
 * A demo user's (or service account's) subject: a UUID derived from the username, the same at
 * Keycloak (set on import) and at dev-idp, so one person is one principal with either.
 */
export function demoSubject(username: string): string {
  const hex = createHash('sha1').update(`kommuna-demo:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A demo user's subject in a realm: demoSubject in the shared realm `kommuna`, realm-qualified in a
 * municipality's own (Keycloak's user ids are unique across its realms); dev-idp does the same.
 */
export const realmSubject = (realm: string, username: string) =>
  realm === 'kommuna' ? demoSubject(username) : demoSubject(`${realm}/${username}`);

interface RealmClient {
  clientId: string;
  publicClient?: boolean;
  serviceAccountsEnabled?: boolean;
  attributes?: Record<string, string>;
  protocolMappers?: unknown[];
  [key: string]: unknown;
}

interface DemoUser {
  username: string;
  firstName: string;
  lastName: string;
  roles: string[];
  organization?: string;
  unit?: string;
  personnummer?: string;
}

/** dev-idp's demo people (apps/dev-idp/src/main.ts, README "Logging in"), for the same realm. */
function demoUsers(realm: string, members: Array<{ slug: string; organization: string }>): DemoUser[] {
  // The platform's people belong to the shared realm (as at dev-idp), residents and staff to every one.
  const platform: DemoUser[] =
    realm === 'kommuna'
      ? [
          { username: 'styrgrupp', firstName: 'Styrgrupps', lastName: 'Ledamot', roles: ['steering_group'] },
          { username: 'plattform', firstName: 'Plattforms', lastName: 'Administratör', roles: ['platform_admin'] },
        ]
      : [];
  return [
    { username: 'medborgare-anna', firstName: 'Anna', lastName: 'Andersson', roles: ['citizen'], personnummer: '199001019802' },
    { username: 'medborgare-erik', firstName: 'Erik', lastName: 'Eriksson', roles: ['citizen'], personnummer: '197110109878' },
    { username: 'foretag-lena', firstName: 'Lena', lastName: 'Lind', roles: ['company_representative'], personnummer: '196502029884' },
    ...platform,
    ...members.flatMap(({ slug, organization }): DemoUser[] => [
      {
        username: `${slug}-socialtjanst`,
        firstName: 'Handläggare',
        lastName: `Socialtjänst ${slug}`,
        roles: ['case_worker'],
        organization,
        unit: 'socialtjanst',
      },
      {
        username: `${slug}-skola`,
        firstName: 'Handläggare',
        lastName: `Skola ${slug}`,
        roles: ['case_worker'],
        organization,
        unit: 'skola',
      },
      { username: `${slug}-admin`, firstName: 'Administratör', lastName: slug, roles: ['tenant_admin'], organization },
    ]),
  ];
}

/**
 * The committed realm export plus what only a developer's or a test's Keycloak has: demo users
 * (password `kommuna-demo`, members of their municipality's Organization), the service accounts'
 * secrets (`<slug>-system-secret`, as at dev-idp), the dev-only password-grant client, and extra
 * callbacks for the web client.
 */
export function devRealm(
  realmExport: Record<string, unknown>,
  options: { redirectUris?: string[]; eidIssuer?: string } = {},
): Record<string, unknown> {
  const clients = realmExport.clients as RealmClient[];
  const members = clients.flatMap((c) => {
    const organization = c.serviceAccountsEnabled ? c.attributes?.['kommuna.organization'] : undefined;
    return organization ? [{ slug: c.clientId.replace(/-system$/, ''), organization }] : [];
  });
  const web = clients.find((c) => c.clientId === 'kommuna-web');
  if (!web) throw new Error('the realm export has no kommuna-web client');
  const realmName = String(realmExport.realm);
  const users = demoUsers(realmName, members);
  return {
    ...realmExport,
    clients: [
      ...clients.map((c) => {
        if (c.clientId === 'kommuna-web')
          return { ...c, redirectUris: [...new Set([...((c.redirectUris as string[]) ?? []), ...(options.redirectUris ?? [])])] };
        if (members.some((m) => c.clientId === `${m.slug}-system`)) return { ...c, secret: `${c.clientId}-secret` };
        return c;
      }),
      {
        clientId: DEV_PASSWORD_CLIENT,
        name: 'Kommuna dev only: direct password grant for demo logins',
        enabled: true,
        publicClient: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: true,
        defaultClientScopes: web.defaultClientScopes,
        protocolMappers: web.protocolMappers,
      },
      {
        clientId: DEV_OTHER_AUDIENCE_CLIENT,
        name: 'Kommuna dev only: an application that is not Kommuna (tokens without the api audience)',
        enabled: true,
        publicClient: true,
        standardFlowEnabled: false,
        directAccessGrantsEnabled: true,
        defaultClientScopes: ['basic', 'roles'],
      },
    ],
    users: [
      ...((realmExport.users as Array<{ username: string }>) ?? []).map((u) => ({ ...u, id: realmSubject(realmName, u.username) })),
      ...users.map((u) => ({
        id: realmSubject(realmName, u.username),
        username: u.username,
        enabled: true,
        firstName: u.firstName,
        lastName: u.lastName,
        email: `${u.username}@demo.kommuna.invalid`,
        emailVerified: true,
        credentials: [{ type: 'password', value: DEMO_PASSWORD, temporary: false }],
        // A user Keycloak creates gets the realm's default role (offline_access among it); so do these.
        realmRoles: [...u.roles, `default-roles-${String(realmExport.realm)}`],
        attributes: {
          ...(u.unit ? { unit: [u.unit] } : {}),
          // Residents come through the eID broker, whose mappers set these two on every login.
          ...(u.personnummer ? { personnummer: [u.personnummer], assurance: [DEMO_RESIDENT_ASSURANCE] } : {}),
        },
      })),
    ],
    identityProviders: ((realmExport.identityProviders as Array<{ alias: string; config: Record<string, string> }>) ?? []).map((idp) =>
      idp.alias === 'eid'
        ? { ...idp, config: { ...idp.config, ...eidEndpoints(idp.config, options.eidIssuer), clientSecret: DEV_EID_CLIENT_SECRET } }
        : idp,
    ),
    organizations: (realmExport.organizations as Array<{ alias: string }>).map((org) => ({
      ...org,
      members: users.filter((u) => u.organization === org.alias).map((u) => ({ username: u.username, membershipType: 'UNMANAGED' })),
    })),
  };
}

/** The eID broker's endpoints moved from the export's test address to `issuer` (a test's dev-idp realm eid). */
function eidEndpoints(config: Record<string, string>, issuer: string | undefined): Record<string, string> {
  if (!issuer) return {};
  const moved = (url: string) => (url.startsWith(config.issuer) ? `${issuer}${url.slice(config.issuer.length)}` : url);
  return Object.fromEntries(
    ['issuer', 'authorizationUrl', 'tokenUrl', 'jwksUrl', 'logoutUrl', 'userInfoUrl']
      .filter((key) => config[key])
      .map((key) => [key, moved(config[key])]),
  );
}

export interface KeycloakProcess extends TestIdentityProvider {
  version: string;
  /** How long the start took, from spawn to the realm answering discovery. */
  startMillis: number;
  /** A token of the master realm's administrator: another realm's token, which Kommuna must refuse. */
  masterRealmToken(): Promise<string>;
  /** What Keycloak wrote (its log), for a failure message. */
  output(): string;
}

export interface KeycloakStartOptions {
  /** HTTP port (default: a free one). */
  port?: number;
  /** Extra web-client callbacks (npm run keycloak:start passes the ones of the configured ports). */
  redirectUris?: string[];
  /** Where the eID broker sends residents: a dev-idp's realm `eid` (default: the export's, dev-idp on its default port). */
  eidIssuer?: string;
  /**
   * The realm exports to import (default: the committed infra/keycloak/kommuna-realm.json), e.g. the
   * shared realm and a municipality's own, generated from a test's tenant files; each gets the dev layer.
   */
  realmExports?: Array<Record<string, unknown>>;
  /** Echo Keycloak's log lines (npm run keycloak:start). */
  onOutput?: (chunk: string) => void;
  timeoutMs?: number;
}

/**
 * A Keycloak home of its own: the cached distribution's files linked in, `data/` (H2 database,
 * import folder, transaction logs) fresh in a temporary folder. kc.sh finds its home from where
 * it lies, so it is copied, not linked.
 */
function temporaryHome(distribution: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-keycloak-'));
  for (const entry of fs.readdirSync(distribution)) {
    if (entry === 'bin' || entry === 'data') continue;
    fs.symlinkSync(path.join(distribution, entry), path.join(home, entry));
  }
  fs.cpSync(path.join(distribution, 'bin'), path.join(home, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(home, 'data/import'), { recursive: true });
  return home;
}

/** Starts the cached Keycloak with the realm imported; fails with what to run when it is not installed. */
export async function startKeycloakProcess(options: KeycloakStartOptions = {}): Promise<KeycloakProcess> {
  const version = keycloakVersion();
  const distribution = keycloakHome(version);
  if (!fs.existsSync(path.join(distribution, 'bin/kc.sh'))) {
    throw new Error(
      `Keycloak ${version} is not installed at ${distribution}: run \`npm run keycloak:install\` (Maven fetches it from Maven Central)`,
    );
  }
  const javaHome = keycloakJavaHome();
  const port = options.port ?? (await freePort());
  const managementPort = await freePort();
  const home = temporaryHome(distribution);
  for (const realmExport of options.realmExports ?? [JSON.parse(fs.readFileSync(REALM_EXPORT_FILE, 'utf8'))]) {
    const realm = devRealm(realmExport, { redirectUris: options.redirectUris, eidIssuer: options.eidIssuer });
    fs.writeFileSync(path.join(home, `data/import/${String(realm.realm)}-realm.json`), JSON.stringify(realm));
  }

  const started = Date.now();
  const child: ChildProcess = spawn(
    path.join(home, 'bin/kc.sh'),
    [
      'start-dev',
      '--import-realm',
      '--db=dev-file',
      `--http-port=${port}`,
      '--http-host=127.0.0.1',
      `--http-management-port=${managementPort}`,
      '--hostname-strict=false',
    ],
    {
      env: {
        ...process.env,
        JAVA_HOME: javaHome,
        KC_BOOTSTRAP_ADMIN_USERNAME: ADMIN.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        // Small heap, one core's worth of threads: the test machines are shared.
        JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx768m',
        // Java 24+ closes java.lang to JBoss Threads' thread-local reset unless opened (Keycloak asks for it).
        JAVA_OPTS_APPEND: '--add-opens=java.base/java.lang=ALL-UNNAMED',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    options.onOutput?.(chunk.toString());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const realmUrl = `${url}/realms/kommuna`;
  const stop = async () => {
    // kc.sh forwards TERM to its JVM; the process group catches a JVM relaunched after a rebuild.
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await exited;
    fs.rmSync(home, { recursive: true, force: true });
  };

  const deadline = started + (options.timeoutMs ?? 300_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      fs.rmSync(home, { recursive: true, force: true });
      throw new Error(`Keycloak ${version} exited with ${exitCode} before it was ready:\n${output.slice(-4000)}`);
    }
    const ready = await fetch(`${realmUrl}/.well-known/openid-configuration`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Keycloak ${version} did not answer within ${(options.timeoutMs ?? 300_000) / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const startMillis = Date.now() - started;

  const tokenUrl = `${realmUrl}/protocol/openid-connect/token`;
  return {
    url,
    realmUrl,
    version,
    startMillis,
    requestToken: (form, basic) => requestTokenAt(tokenUrl, form, basic),
    passwordToken: (username) =>
      accessTokenAt('Keycloak', tokenUrl, {
        grant_type: 'password',
        client_id: DEV_PASSWORD_CLIENT,
        username,
        password: DEMO_PASSWORD,
        scope: 'openid',
      }),
    serviceAccountToken: (slug) =>
      accessTokenAt('Keycloak', tokenUrl, { grant_type: 'client_credentials' }, serviceAccountCredentials(slug)),
    masterRealmToken: () =>
      accessTokenAt('Keycloak', `${url}/realms/master/protocol/openid-connect/token`, {
        grant_type: 'password',
        client_id: 'admin-cli',
        ...ADMIN,
      }),
    output: () => output,
    stop,
  };
}
