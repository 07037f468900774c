import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { Client } from 'pg';
import { parse } from 'yaml';
import type { TenantConfig } from '@kommuna/platform-tenancy';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { freePort, NodeProcess, startNodeProcess } from '@kommuna/platform-testing';
import { k8sTenantCopy, K8S_KUSTOMIZATION, K8S_TENANT_COPIES, tenantConfigMapEntry } from '../scripts/k8s-tenants';
import { keycloakRealmExport } from '../scripts/keycloak-realm';
import tenantGeneratorEntry, { REALM_EXPORT_FILE, tenantGenerator, TenantGeneratorOptions } from '../generators/tenant/generator';
import { slugOf, swedishDisplayName } from '../generators/tenant/municipality-names';
import { CHECKED_TREE, memberTenants, REPO_ROOT } from './members';

const root = REPO_ROOT;
const SOLLEFTEA: TenantGeneratorOptions = { kommunkod: '2283', organisationsnummer: '212000-2429', population: 19200 };
/** The members before Sollefteå joins, and one of them to clash with. */
const members = memberTenants();
const member = members[0];
const withSolleftea = [...members.map((t) => t.slug), 'solleftea'].sort();

/** A tree holding the real tenant files and realm export, as the generator finds them in the repo. */
function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  const copy = (relative: string) => {
    const full = path.join(CHECKED_TREE, relative);
    if (fs.statSync(full).isDirectory()) fs.readdirSync(full).forEach((name) => copy(path.join(relative, name)));
    else tree.write(relative, fs.readFileSync(full));
  };
  copy('tenants');
  copy(REALM_EXPORT_FILE);
  copy(K8S_KUSTOMIZATION);
  copy(K8S_TENANT_COPIES);
  return tree;
}

/** What a generator run changed in the tree, relative to a snapshot taken before it. */
function changesSince(tree: Tree, before: Map<string, string>): string[] {
  return tree
    .listChanges()
    .filter((c) => before.get(c.path) !== c.content?.toString())
    .map((c) => `${before.has(c.path) ? 'UPDATE' : c.type} ${c.path}`)
    .sort();
}

function snapshot(tree: Tree): Map<string, string> {
  return new Map(tree.listChanges().map((c) => [c.path, c.content?.toString() ?? '']));
}

/** The tree written out to a fresh folder: the tenants folder and realm export a deployment gets. */
function writeOut(tree: Tree): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-onboarding-'));
  const walk = (relative: string): void => {
    if (tree.isFile(relative)) {
      fs.mkdirSync(path.join(dir, path.dirname(relative)), { recursive: true });
      fs.writeFileSync(path.join(dir, relative), tree.read(relative) ?? '');
    } else tree.children(relative).forEach((name) => walk(path.posix.join(relative, name)));
  };
  walk('tenants');
  walk('infra');
  return dir;
}

async function rejected(options: TenantGeneratorOptions): Promise<{ code: string; message: string; changes: string[] }> {
  const tree = seededTree();
  const before = snapshot(tree);
  const error = await tenantGenerator(tree, options).then(
    () => {
      throw new Error('expected the generator to refuse');
    },
    (e: { code: string; message: string }) => e,
  );
  return { code: error.code, message: error.message, changes: changesSince(tree, before) };
}

describe('tenant generator (nx g @kommuna/tools:tenant)', () => {
  it('derives the slug and the Swedish name the municipalities use', () => {
    expect(['Sollefteå', 'Örnsköldsvik', 'Upplands Väsby', 'Dals-Ed', 'Malå'].map(slugOf)).toEqual([
      'solleftea',
      'ornskoldsvik',
      'upplands-vasby',
      'dals-ed',
      'mala',
    ]);
    expect(['Sollefteå', 'Sundsvall', 'Kramfors', 'Ånge', 'Göteborg', 'Gotland'].map(swedishDisplayName)).toEqual([
      'Sollefteå kommun',
      'Sundsvalls kommun',
      'Kramfors kommun',
      'Ånge kommun',
      'Göteborgs stad',
      'Region Gotland',
    ]);
  });

  describe('onboarding a fifth municipality (Sollefteå)', () => {
    let dir: string;
    let changes: string[];

    beforeAll(async () => {
      const tree = seededTree();
      const before = snapshot(tree);
      await tenantGenerator(tree, SOLLEFTEA);
      changes = changesSince(tree, before);
      dir = writeOut(tree);
    });

    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes tenant.yaml, the checklist, the realm export and the Kubernetes tenant list, and nothing else', () => {
      expect(changes).toEqual([
        `CREATE ${k8sTenantCopy('solleftea')}`,
        'CREATE tenants/solleftea/ONBOARDING.md',
        'CREATE tenants/solleftea/tenant.yaml',
        `UPDATE ${K8S_KUSTOMIZATION}`,
        `UPDATE ${REALM_EXPORT_FILE}`,
      ]);
    });

    it('adds the tenant file to the Kubernetes ConfigMap, keeping the others', () => {
      const kustomization = parse(fs.readFileSync(path.join(dir, K8S_KUSTOMIZATION), 'utf8'));
      const tenants = kustomization.configMapGenerator.find((g: { name: string }) => g.name === 'kommuna-tenants');
      expect(tenants.files).toEqual(withSolleftea.map(tenantConfigMapEntry));
      // kustomize reads only inside the base, so the ConfigMap's source is a copy of the tenant file there.
      expect(fs.readFileSync(path.join(dir, k8sTenantCopy('solleftea')), 'utf8')).toBe(
        fs.readFileSync(path.join(dir, 'tenants/solleftea/tenant.yaml'), 'utf8'),
      );
    });

    it('passes the tenant loader start-up uses, beside the members', () => {
      const tenants = loadTenantConfigs(path.join(dir, 'tenants')).map((t) => t.config);
      expect(tenants.map((t) => t.slug)).toEqual(withSolleftea);
      expect(tenants.find((t) => t.slug === 'solleftea')).toMatchObject({
        slug: 'solleftea',
        kommunkod: '2283',
        organisationsnummer: '212000-2429',
        names: { sv: 'Sollefteå kommun', en: 'Municipality of Sollefteå' },
        population: 19200,
        contact: { name: 'Kommunens kontaktcenter', email: 'kommun@solleftea.se', url: 'https://solleftea.se' },
        hosts: ['solleftea.kommuna.se'],
        auth: { realm: 'kommuna', organization: 'solleftea' },
        // Not in use, and paying nothing, until the steering group decides on a pilot.
        services: {
          'digital-mail': {
            stage: 'planned',
            settings: {
              senderName: 'Sollefteå kommun',
              paperFallback: true,
              supportInfo: { text: 'Frågor om brevet? Kontakta Sollefteå kommun.', email: 'kommun@solleftea.se' },
            },
          },
          'e-forms': { stage: 'planned', settings: { errandNumberPrefix: 'SOL', draftRetentionDays: 30 } },
          minasidor: { stage: 'planned', settings: {} },
          catalogue: { stage: 'planned', settings: {} },
        },
      });
      // Only what the municipality decides is written; schema defaults stay out of the file.
      expect(fs.readFileSync(path.join(dir, 'tenants/solleftea/tenant.yaml'), 'utf8')).not.toMatch(/settings: \{\}/);
    });

    it('adds the Keycloak Organization, exactly as `npm run keycloak:realm` would write it', () => {
      const tenants = loadTenantConfigs(path.join(dir, 'tenants')).map((t) => t.config);
      const realm = JSON.parse(fs.readFileSync(path.join(dir, REALM_EXPORT_FILE), 'utf8'));
      expect(realm).toEqual(keycloakRealmExport(tenants));
      expect(realm.organizations).toContainEqual(
        expect.objectContaining({ alias: 'solleftea', name: 'Sollefteå kommun', domains: [{ name: 'solleftea.se', verified: false }] }),
      );
      expect(realm.clients.map((c: { clientId: string }) => c.clientId)).toContain('solleftea-system');
    });

    it("writes a checklist of what the municipality's IT must provide", () => {
      const checklist = fs.readFileSync(path.join(dir, 'tenants/solleftea/ONBOARDING.md'), 'utf8');
      expect(checklist).toMatch(/^# Sollefteå kommun/);
      expect(checklist).not.toMatch(/<%|%>/);
      for (const item of [
        'Sollefteå kommun (Västernorrlands län)',
        'Keycloak-organisationen\n      `solleftea`',
        'eID',
        'Mina meddelanden',
        'utskrifts- och distributionsleverantör',
        '212000-2429',
        'solleftea-system',
      ]) {
        expect(checklist).toContain(item);
      }
    });

    it('is live after a restart: the api started on the new tenants folder lists it', async () => {
      const api = await startApi(path.join(dir, 'tenants'), path.join(dir, 'data'));
      try {
        const response = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ tenants { slug } tenant(slug: "solleftea") { kommunkod names { sv } enabledServices } }' }),
        });
        const body = (await response.json()) as any;
        expect(api.log()).toContain(`"database":"${process.env.DATABASE_URL ? 'postgres' : 'pglite'}"`);
        expect(body.errors).toBeUndefined();
        expect(body.data.tenants.map((t: { slug: string }) => t.slug).sort()).toEqual(withSolleftea);
        expect(body.data.tenant).toEqual({
          kommunkod: '2283',
          names: { sv: 'Sollefteå kommun' },
          enabledServices: expect.arrayContaining(['e-forms', 'minasidor', 'digital-mail', 'catalogue']),
        });
      } finally {
        await api.stop();
      }
    }, 120_000);
  });

  it('honours the options: slug, name, e-mail, services and stage', async () => {
    const tree = seededTree();
    const { config } = await tenantGenerator(tree, {
      kommunkod: 980,
      organisationsnummer: '212000-0795',
      population: 61000,
      slug: 'gotland',
      email: 'registrator@gotland.se',
      services: 'e-forms,minasidor',
      stage: 'production',
    });
    expect(config).toMatchObject({
      slug: 'gotland',
      kommunkod: '0980',
      names: { sv: 'Region Gotland' },
      contact: { email: 'registrator@gotland.se' },
    });
    expect(config.services).toEqual({
      'e-forms': { stage: 'production', settings: { errandNumberPrefix: 'GOT', draftRetentionDays: 30 } },
      minasidor: { stage: 'production', settings: {} },
    });
    expect(tree.read('tenants/gotland/tenant.yaml', 'utf-8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/tenant\.schema\.json\n/);
  });

  it('gives e-forms an errand number prefix no member uses, and refuses a taken one', async () => {
    // A member's own prefix and those of its forms: an adopted form numbers with the adopter's.
    const formPrefixes = (t: TenantConfig): string[] => {
      const dir = path.join(CHECKED_TREE, 'tenants', t.slug, 'forms');
      return fs.existsSync(dir)
        ? fs.readdirSync(dir).map((name) => parse(fs.readFileSync(path.join(dir, name), 'utf8')).definition.errandNumberPrefix)
        : [];
    };
    const inUse = new Set(
      members.flatMap((t) =>
        [t.services['e-forms']?.settings.errandNumberPrefix, ...formPrefixes(t)].filter((p): p is string => typeof p === 'string'),
      ),
    );
    expect(inUse.size).toBeGreaterThan(0);
    // Härryda: HAR, unless a member has it already.
    const { config } = await tenantGenerator(seededTree(), { kommunkod: '1401', organisationsnummer: '212000-2429', population: 39000 });
    const prefix = config.services['e-forms']?.settings.errandNumberPrefix as string;
    expect(prefix).toMatch(/^HA[A-Z]$/);
    expect(inUse).not.toContain(prefix);
    for (const taken of inUse) {
      expect(await rejected({ ...SOLLEFTEA, errandNumberPrefix: taken })).toEqual({
        code: 'ERRAND_PREFIX_TAKEN',
        message: expect.stringContaining(`errand number prefix ${taken} is already used by tenants/`),
        changes: [],
      });
    }
  });

  it('onboards a municipality with its own Keycloak (--issuer) outside the shared realm', async () => {
    const tree = seededTree();
    const before = snapshot(tree);
    const realmBefore = tree.read(REALM_EXPORT_FILE, 'utf-8');
    const issuer = 'https://login.solleftea.se/realms/personal';
    const { config } = await tenantGenerator(tree, { ...SOLLEFTEA, issuer: `${issuer}/` });
    expect(config.auth).toEqual({ realm: 'personal', organization: 'solleftea', issuer, citizenAssurance: 'loa3' });
    // Its staff's tokens come from its own Keycloak: the shared realm gets no Organization or client.
    expect(changesSince(tree, before)).toEqual([
      `CREATE ${k8sTenantCopy('solleftea')}`,
      'CREATE tenants/solleftea/ONBOARDING.md',
      'CREATE tenants/solleftea/tenant.yaml',
      `UPDATE ${K8S_KUSTOMIZATION}`,
    ]);
    expect(tree.read(REALM_EXPORT_FILE, 'utf-8')).toBe(realmBefore);
    const checklist = tree.read('tenants/solleftea/ONBOARDING.md', 'utf-8') ?? '';
    expect(checklist).toContain(`kommunens egen Keycloak, \`${issuer}\``);
    expect(checklist).toContain(`Realmen svarar på \`${issuer}\``);
    expect(checklist).not.toContain('Federera');
    expect(checklist).not.toMatch(/<%|%>/);
  });

  it.each([
    ['an unknown kommunkod', { ...SOLLEFTEA, kommunkod: '9999' }, 'UNKNOWN_KOMMUNKOD', /"9999" is not one of Sweden's 290/],
    ['a wrong check digit', { ...SOLLEFTEA, organisationsnummer: '212000-2420' }, 'INVALID_ORGANISATIONSNUMMER', /check digit/],
    [
      "a company's organisationsnummer",
      { ...SOLLEFTEA, organisationsnummer: '556016-0680' },
      'INVALID_ORGANISATIONSNUMMER',
      /start with 212000-/,
    ],
    [
      'a slug that is taken',
      { ...SOLLEFTEA, slug: member.slug },
      'TENANT_EXISTS',
      new RegExp(`slug "${member.slug}" is already used by tenants/${member.slug}/`),
    ],
    [
      'a municipality that is a member already',
      { ...SOLLEFTEA, kommunkod: member.kommunkod, slug: `${member.slug}-2` },
      'TENANT_EXISTS',
      new RegExp(`kommunkod ${member.kommunkod}`),
    ],
    [
      "another member's organisationsnummer",
      { ...SOLLEFTEA, organisationsnummer: member.organisationsnummer },
      'TENANT_EXISTS',
      new RegExp(`organisationsnummer ${member.organisationsnummer}`),
    ],
    ['a slug with capitals', { ...SOLLEFTEA, slug: 'Solleftea' }, 'INVALID_SLUG', /lower-case/],
    ['an unknown service', { ...SOLLEFTEA, services: ['e-forms', 'parking'] }, 'UNKNOWN_SERVICE', /"parking"/],
    ['a missing population', { ...SOLLEFTEA, population: undefined }, 'POPULATION_REQUIRED', /--population/],
    ['a malformed e-mail', { ...SOLLEFTEA, email: 'not-an-address' }, 'TENANT_CONFIG_INVALID', /contact.email/],
    [
      'a stage a member does not start at',
      { ...SOLLEFTEA, stage: 'leaving' },
      'INVALID_STAGE',
      /"leaving" is not a stage a member starts at \(planned, piloting, production\)/,
    ],
    ['an issuer that is not a URL', { ...SOLLEFTEA, issuer: 'login.solleftea.se' }, 'INVALID_ISSUER', /is not a URL/],
    ['an issuer without TLS', { ...SOLLEFTEA, issuer: 'http://login.solleftea.se/realms/personal' }, 'INVALID_ISSUER', /must use https/],
    [
      'a malformed errand number prefix',
      { ...SOLLEFTEA, errandNumberPrefix: 'so1' },
      'TENANT_CONFIG_INVALID',
      /errand number prefix "so1" must be 2-6 capital letters/,
    ],
    [
      'an issuer that is no Keycloak realm',
      { ...SOLLEFTEA, issuer: 'https://login.solleftea.se/oauth2' },
      'INVALID_ISSUER',
      /not a Keycloak realm URL/,
    ],
  ] as const)('refuses %s with a clear error and writes nothing', async (_case, options, code, message) => {
    const result = await rejected(options as TenantGeneratorOptions);
    expect(result).toEqual({ code, message: expect.stringMatching(message), changes: [] });
  });

  it('loads through Nx from the workspace package (nx g ... --dry-run)', async () => {
    const run = await promisify(execFile)(
      'npx',
      [
        'nx',
        'g',
        '@kommuna/tools:tenant',
        '--kommunkod=2284',
        '--organisationsnummer=212000-2437',
        '--population=55000',
        '--dry-run',
        '--no-interactive',
      ],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' } },
    );
    expect(run.stdout).toContain('CREATE tenants/ornskoldsvik/tenant.yaml');
    expect(run.stdout).toContain('CREATE tenants/ornskoldsvik/ONBOARDING.md');
    expect(run.stdout).toContain(`UPDATE ${REALM_EXPORT_FILE}`);
    expect(run.stdout).toContain(`UPDATE ${K8S_KUSTOMIZATION}`);
    expect(run.stdout).toContain(`CREATE ${k8sTenantCopy('ornskoldsvik')}`);
    expect(fs.existsSync(path.join(root, 'tenants/ornskoldsvik'))).toBe(false);
  }, 120_000);

  it('the Nx entry point returns the follow-up Nx runs after writing', async () => {
    const tree = seededTree();
    const callback = await tenantGeneratorEntry(tree, SOLLEFTEA);
    expect(typeof callback).toBe('function');
    expect(tree.exists('tenants/solleftea/tenant.yaml')).toBe(true);
  });
});

interface RunningApi {
  url: string;
  /** What the api logged until it was ready. */
  log: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the api as a deployment does (`node -r @swc-node/register apps/api/src/main.ts`) on the
 * given tenants folder: embedded in a fresh data folder, or in a fresh database on the PostgreSQL
 * server when DATABASE_URL is set (migrated by the api as the owner, dropped afterwards).
 */
async function startApi(tenantsDir: string, dataDir: string): Promise<RunningApi> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    KOMMUNA_TENANTS_DIR: tenantsDir,
    KOMMUNA_DATA_DIR: dataDir,
    // The service libraries' service.yaml files stay where they are in the repository.
    KOMMUNA_SERVICES_DIR: path.join(root, 'libs'),
  };
  let dropDatabase = async () => undefined as void;
  if (process.env.DATABASE_URL) {
    const ownerUrl = process.env.DATABASE_MIGRATION_URL ?? process.env.DATABASE_URL;
    const name = `kommuna_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: ownerUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
    const inDatabase = (url: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
    env.DATABASE_URL = inDatabase(process.env.DATABASE_URL);
    env.DATABASE_MIGRATION_URL = inDatabase(ownerUrl);
    dropDatabase = async () => {
      const dropper = new Client({ connectionString: ownerUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => dropper.end());
    };
  }

  let api: NodeProcess;
  try {
    api = await startNodeProcess({ script: 'apps/api/src/main.ts', env, readyText: 'Kommuna api ready' });
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const stop = async () => {
    await api.stop();
    await dropDatabase();
  };
  return { url: `http://127.0.0.1:${port}`, log: () => api.output(), stop };
}
