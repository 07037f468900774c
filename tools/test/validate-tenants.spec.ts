import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVICE_IDS } from '@kommuna/platform-tenancy';

/**
 * `npm run tenants:validate` and start-up check a municipality's service settings with the same
 * code: each fault start-up refused once slipped past tenants:validate (issue 14), so here each is
 * put into a copy of tenants/ and every entry point must refuse it in the same words.
 */
const root = path.resolve(__dirname, '../..');
const servicesDir = path.join(root, 'libs');

interface Run {
  code: number | null;
  output: string;
}

/** Runs a TypeScript entry point as npm does (through @swc-node/register), to its end. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json'),
    KOMMUNA_SERVICES_DIR: servicesDir,
    ...env,
  };
  delete childEnv.NODE_OPTIONS;
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within 90 s:\n${output}`));
    }, 90_000);
    child.once('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

const validate = (tenantsDir: string) => run('tools/scripts/validate-tenants.ts', [tenantsDir], {});

const temporaryDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
afterAll(() => temporaryDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A copy of the shipped tenants/ folder with the given text replacements in its tenant files. */
function tenantsWith(edits: Array<{ slug: string; from: string; to: string }>): string {
  const dir = tempDir('kommuna-tenants-');
  fs.cpSync(path.join(root, 'tenants'), dir, { recursive: true });
  for (const edit of edits) {
    const file = path.join(dir, edit.slug, 'tenant.yaml');
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(edit.from)) throw new Error(`${file} no longer contains "${edit.from}": update this test`);
    fs.writeFileSync(file, text.replace(edit.from, edit.to));
  }
  return dir;
}

/** The settings report, from its first line on (each entry point puts its own words before it). */
const settingsReport = (output: string) => output.slice(output.indexOf('Tenant settings are invalid')).trim();

// The three faults of issue 14, each in the words of the service that refuses it.
const MISSPELT_AUTOMATED_DECISIONS = { slug: 'sundsvall', from: 'automatedDecisions:', to: 'automatedDecision:' };
const MISSING_TEMPLATE = { slug: 'ange', from: 'template: parkeringstillstand', to: 'template: parkeringstillstand-2' };
const INVALID_STATUS_LABEL = { slug: 'timra', from: 'in_progress: Under behandling', to: 'in_progress: Pågår' };

describe('npm run tenants:validate', () => {
  it('accepts the shipped tenants/ after running every service’s settings validation', async () => {
    const result = await validate(path.join(root, 'tenants'));
    // Every shared service the tenant schema knows ran its settings check.
    const checkedBy = result.output.match(/tenant files are valid: .*\(settings checked by (.*)\)/)?.[1];
    expect(checkedBy?.split(', ').sort()).toEqual([...SERVICE_IDS].sort());
    expect(result.code).toBe(0);
  }, 60_000);

  it('refuses a misspelt automatedDecisions, naming the file and the field', async () => {
    const result = await validate(tenantsWith([MISSPELT_AUTOMATED_DECISIONS]));
    expect(result.code).toBe(1);
    expect(settingsReport(result.output)).toBe(
      'Tenant settings are invalid for 1 service:\n  e-forms: tenants/sundsvall/tenant.yaml: services.e-forms.settings: Unrecognized key: "automatedDecision"',
    );
  }, 60_000);

  it('refuses the adoption of a template nobody shares, naming the file and the field', async () => {
    const result = await validate(tenantsWith([MISSING_TEMPLATE]));
    expect(result.code).toBe(1);
    expect(settingsReport(result.output)).toBe(
      'Tenant settings are invalid for 1 service:\n' +
        '  e-forms: tenants/ange/tenant.yaml: services.e-forms.settings.adoptTemplates.0.template: sundsvall shares no template "parkeringstillstand-2" ' +
        '(no form file in tenants/sundsvall/forms with that slug and shareAsTemplate: true)',
    );
  }, 60_000);

  it('refuses a status label that is not a citizen-facing status, naming the file and the field', async () => {
    const result = await validate(tenantsWith([INVALID_STATUS_LABEL]));
    expect(result.code).toBe(1);
    expect(settingsReport(result.output)).toMatch(
      /^Tenant settings are invalid for 1 service:\n {2}minasidor: tenants\/timra\/tenant\.yaml: services\.minasidor\.settings\.statusLabels\.in_progress: "Pågår" is not a citizen-facing status/,
    );
  }, 60_000);
});

describe('api start-up, worker start-up and tenants:validate', () => {
  it('run the same services’ settings validation and refuse a broken tenants/ in the same words', async () => {
    // One fault for each of the four services: an entry point that skipped one would miss its line.
    const tenantsDir = tenantsWith([
      MISSING_TEMPLATE,
      INVALID_STATUS_LABEL,
      { slug: 'ange', from: 'senderName: Ånge kommun', to: 'senderName: ""' },
      // e-forms shares its cost per capita: every member using it needs a population (catalogue).
      { slug: 'sundsvall', from: 'population: 99800\n', to: '' },
    ]);
    const validated = await validate(tenantsDir);
    // The worker checks before it opens its database: this one does not exist and is never asked.
    const worker = await run('apps/worker/src/main.ts', [], {
      NODE_ENV: 'test',
      KOMMUNA_TENANTS_DIR: tenantsDir,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kommuna_never_opened',
      DATABASE_MIGRATION_URL: undefined,
      KOMMUNA_WORKER_HEALTH_PORT: '0',
    });
    // The api on a fresh embedded database: it migrates and syncs the tenants, then refuses.
    const api = await run('apps/api/src/main.ts', [], {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      KOMMUNA_TENANTS_DIR: tenantsDir,
      KOMMUNA_DATA_DIR: tempDir('kommuna-data-'),
      DATABASE_URL: undefined,
      DATABASE_MIGRATION_URL: undefined,
    });

    const report = settingsReport(validated.output);
    expect(
      report
        .split('\n')
        .filter((line) => /^ {2}\S/.test(line))
        .map((line) => line.trim().split(':')[0]),
    ).toEqual(['digital-mail', 'e-forms', 'minasidor', 'catalogue']);
    expect(report).toContain('tenants/ange/tenant.yaml services.digital-mail.settings.senderName');
    expect(report).toContain(`sundsvall (${path.join(tenantsDir, 'sundsvall', 'tenant.yaml')}) has no population`);
    expect(validated.code).toBe(1);
    expect({ code: worker.code, report: settingsReport(worker.output) }).toEqual({ code: 1, report });
    expect(worker.output).toContain('Kommuna worker could not start');
    expect({ code: api.code, report: settingsReport(api.output) }).toEqual({ code: 1, report });
    expect(api.output).toContain('Kommuna api could not start');
  }, 180_000);
});
