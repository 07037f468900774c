import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseDocument } from 'yaml';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { DatabaseSchema, PartyRegister, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext, TenantConfig } from '@kommuna/platform-tenancy';
import { testPersonnummer, useTestDatabase } from '@kommuna/platform-testing';
import { sharesCosts } from '@kommuna/catalogue';
import { CitizenFormsService, E_FORMS_DATABASE_SCHEMA, loadEFormsContent } from '@kommuna/e-forms';
import { k8sTenantCopy, K8S_KUSTOMIZATION, syncTenantCopies } from '../scripts/k8s-tenants';
import { REALM_EXPORT_FILE, tenantGenerator, TenantGeneratorOptions } from '../generators/tenant/generator';
import { CHECKED_TREE_ENV, memberTenants, REPO_ROOT } from './members';

// A fifth municipality joins through the generator, in a temporary copy of what onboarding touches
// (tenants/ and infra/), and everything the tools suite checks about the members must still hold
// there: the suites that read the members (those importing ./members) run again in a child jest
// pointed at the copy. The other tools suites read nothing onboarding writes (checked below).
// Then the new member adopts a shared form and its first errand carries its own prefix.

/** Kramfors, the fifth member; and Härjedalen, with its own Keycloak, so the shared realm's rule is checked too. */
const KRAMFORS: TenantGeneratorOptions = { kommunkod: 2282, organisationsnummer: '212000-2445', population: 18400 };
const HARJEDALEN: TenantGeneratorOptions = {
  kommunkod: 2361,
  organisationsnummer: '212000-2452',
  population: 10200,
  issuer: 'https://login.harjedalen.se/realms/personal',
};
const THIS_SUITE = path.basename(__filename);

/** Runs the generator as `nx g` does, on the folder: reads what is there, writes back what it changed. */
async function onboard(workspace: string, options: TenantGeneratorOptions): Promise<TenantConfig> {
  const tree = createTreeWithEmptyWorkspace();
  const seed = (relative: string): void => {
    const full = path.join(workspace, relative);
    if (fs.statSync(full).isDirectory()) fs.readdirSync(full).forEach((name) => seed(path.join(relative, name)));
    else tree.write(relative, fs.readFileSync(full));
  };
  seed('tenants');
  seed('infra');
  const before = new Map(tree.listChanges().map((c) => [c.path, c.content?.toString()]));
  const { config } = await tenantGenerator(tree, options);
  for (const change of tree.listChanges()) {
    if (before.get(change.path) === change.content?.toString()) continue;
    const target = path.join(workspace, change.path);
    if (change.type === 'DELETE') fs.rmSync(target, { force: true });
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, change.content ?? '');
    }
  }
  return config;
}

/** What the municipality's admin does next: adopt Sundsvall's shared parking permit form at start-up. */
function adoptParkingPermit(workspace: string, slug: string): void {
  const file = path.join(workspace, 'tenants', slug, 'tenant.yaml');
  const document = parseDocument(fs.readFileSync(file, 'utf8'));
  document.setIn(
    ['services', 'e-forms', 'settings', 'adoptTemplates'],
    [{ from: 'sundsvall', template: 'parkeringstillstand', unit: 'socialtjanst' }],
  );
  fs.writeFileSync(file, document.toString({ lineWidth: 0 }));
}

/** The tools suites that read the members, i.e. import ./members (this one aside). */
function suitesReadingMembers(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.spec.ts') && name !== THIS_SUITE)
    .filter((name) => /from '\.\/members'/.test(fs.readFileSync(path.join(__dirname, name), 'utf8')))
    .sort();
}

function runJest(files: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, FORCE_COLOR: '0' };
    delete childEnv.JEST_WORKER_ID;
    const child = spawn(
      process.execPath,
      [
        require.resolve('jest/bin/jest'),
        '-c',
        'tools/jest.config.js',
        '--runInBand',
        '--ci',
        ...files.map((f) => path.join('tools/test', f)),
      ],
      { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, output }));
  });
}

const SCHEMA: DatabaseSchema = {
  entities: [
    ...(PLATFORM_DATABASE_SCHEMA.entities as []),
    ...(AUDIT_DATABASE_SCHEMA.entities as []),
    ...(E_FORMS_DATABASE_SCHEMA.entities as []),
  ],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations, ...E_FORMS_DATABASE_SCHEMA.migrations],
};

describe('onboarding a fifth municipality keeps main green', () => {
  const db = useTestDatabase(SCHEMA);
  const before = memberTenants(path.join(REPO_ROOT, 'tenants'));
  let workspace: string;
  let kramfors: TenantConfig;
  let harjedalen: TenantConfig;

  beforeAll(async () => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-onboarding-'));
    fs.cpSync(path.join(REPO_ROOT, 'tenants'), path.join(workspace, 'tenants'), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, 'infra'), path.join(workspace, 'infra'), { recursive: true });
    kramfors = await onboard(workspace, KRAMFORS);
    adoptParkingPermit(workspace, kramfors.slug);
    // After a hand edit of a tenant file the admin copies it into the Kubernetes base again.
    syncTenantCopies(workspace);
    harjedalen = await onboard(workspace, HARJEDALEN);
  });

  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('onboards Kramfors beside the members, with its own errand prefix, using no service yet', () => {
    const after = memberTenants(path.join(workspace, 'tenants'));
    expect(after.map((t) => t.slug)).toEqual([...before.map((t) => t.slug), 'harjedalen', 'kramfors'].sort());
    expect(kramfors).toMatchObject({ slug: 'kramfors', kommunkod: '2282', auth: { realm: 'kommuna', organization: 'kramfors' } });
    expect(kramfors.services['e-forms']?.settings).toMatchObject({ errandNumberPrefix: 'KRA' });
    // No two members share a prefix (Härjedalen's HAR is Härnösand's, so it gets another).
    const prefixes = after.map((t) => t.services['e-forms']?.settings.errandNumberPrefix).filter((p) => p !== undefined);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    // Planned: not in use, and paying no share, until the steering group decides.
    const stages = Object.values(kramfors.services).flatMap((entry) => (entry ? [entry.stage] : []));
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.every((stage) => stage === 'planned' && !sharesCosts(stage))).toBe(true);
    // Residents need the default e-legitimation level (loa3) until the municipality decides another.
    expect(harjedalen.auth).toEqual({ realm: 'personal', organization: 'harjedalen', issuer: HARJEDALEN.issuer, citizenAssurance: 'loa3' });
    // The generator rewrote the realm export and the Kubernetes tenant list in the copy, not in the repository.
    for (const file of [REALM_EXPORT_FILE, K8S_KUSTOMIZATION]) {
      expect(fs.readFileSync(path.join(workspace, file), 'utf8')).not.toBe(fs.readFileSync(path.join(REPO_ROOT, file), 'utf8'));
    }
    expect(fs.existsSync(path.join(REPO_ROOT, 'tenants/kramfors'))).toBe(false);
    expect(fs.existsSync(path.join(REPO_ROOT, k8sTenantCopy('kramfors')))).toBe(false);
    expect(fs.readFileSync(path.join(workspace, k8sTenantCopy('harjedalen')), 'utf8')).toBe(
      fs.readFileSync(path.join(workspace, 'tenants/harjedalen/tenant.yaml'), 'utf8'),
    );
  });

  it('leaves the other tools suites nothing to read that onboarding writes', () => {
    const reading = suitesReadingMembers();
    expect(reading).toEqual(expect.arrayContaining(['infra.spec.ts', 'keycloak-realm.spec.ts', 'tenant-generator.spec.ts']));
    // A suite that loads the members or the files the generator writes must do it through ./members.
    const others = fs.readdirSync(__dirname).filter((name) => name.endsWith('.spec.ts') && name !== THIS_SUITE && !reading.includes(name));
    for (const name of others) {
      const source = fs.readFileSync(path.join(__dirname, name), 'utf8');
      expect({
        suite: name,
        reads: /loadTenantConfigs|kommuna-realm\.json|REALM_EXPORT_FILE|K8S_KUSTOMIZATION|kustomization\.yaml|policyProblems/.test(source),
      }).toEqual({ suite: name, reads: false });
    }
  });

  it('keeps every tools suite that reads the members green on the copy', async () => {
    const suites = suitesReadingMembers();
    const run = await runJest(suites, { [CHECKED_TREE_ENV]: workspace });
    expect({ status: run.status, output: run.output }).toEqual({ status: 0, output: expect.any(String) });
    for (const suite of suites) expect(run.output).toMatch(new RegExp(`^PASS .*tools/test/${suite.replace('.', '\\.')}`, 'm'));
    expect(run.output).toMatch(new RegExp(`^Test Suites: ${suites.length} passed, ${suites.length} total$`, 'm'));
  }, 300_000);

  it("numbers the new member's first errand on an adopted form with its own prefix", async () => {
    const configs = memberTenants(path.join(workspace, 'tenants'));
    const directory = new TenantDirectory(db());
    await directory.sync(configs);
    // Start-up: Sundsvall's forms and templates, then every adoption named in the tenant files.
    const loaded = await loadEFormsContent({ database: db(), tenants: directory, tenantsDir: path.join(workspace, 'tenants') });
    expect(loaded.adopted).toBeGreaterThanOrEqual(2); // Ånge's and Kramfors's

    const now = new Date('2026-03-02T09:00:00Z');
    const citizen = new CitizenFormsService(db(), directory, { now: () => now });
    const party = await new PartyRegister(db()).partyIdFor('person', testPersonnummer(7));
    const submit = (tenant: Tenant) =>
      requestContext.run({ requestId: 'onboarding', tenantId: tenant.id, tenantSlug: tenant.slug, subjectId: party }, () =>
        citizen.submit({
          formSlug: 'parkeringstillstand',
          data: {
            roll: 'forare',
            telefon: '0612-800 00',
            funktionsnedsattning: 'Svår artros i båda knäna.',
            varaktighetManader: 24,
            gangstrackaMeter: 50,
            harLakarintyg: false,
          },
          idempotencyKey: `onboarding-${tenant.slug}`,
        }),
      );
    const first = await submit(directory.get('kramfors'));
    expect(first).toMatchObject({ errandNumber: 'KRA-2026-000001', tenant: { slug: 'kramfors' } });
    // Sundsvall, the form's publisher, numbers its own errands with the form's prefix: no number is shared.
    const publisher = await submit(directory.get('sundsvall'));
    expect(publisher.errandNumber).toBe('PTS-2026-000001');
    expect(publisher.errandNumber).not.toBe(first.errandNumber);
  });
});
