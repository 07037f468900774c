import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTenantConfigs, LoadedTenantConfig, SERVICE_IDS, TenantConfigSchema } from '@kommuna/platform-tenancy';
import { parseChangelog } from './changelog';
import {
  loadServiceCatalogue,
  parseServiceDescriptor,
  ServiceDescriptorError,
  ServiceDescriptorProblem,
} from './service-descriptor.loader';

const repo = path.resolve(__dirname, '../../../..');
const shippedTenants = () => loadTenantConfigs(path.join(repo, 'tenants'));

/** A copy of every shipped service library's descriptor and package file, to break one. */
function librariesCopy(edit: Record<string, (text: string) => string> = {}, extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'services-'));
  for (const id of SERVICE_IDS) {
    fs.mkdirSync(path.join(dir, id));
    const text = fs.readFileSync(path.join(repo, 'libs', id, 'service.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, id, 'service.yaml'), (edit[id] ?? ((t) => t))(text));
    fs.copyFileSync(path.join(repo, 'libs', id, 'package.json'), path.join(dir, id, 'package.json'));
  }
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function problemsOf(dir: string, tenants: LoadedTenantConfig[] = shippedTenants()): ServiceDescriptorProblem[] {
  try {
    loadServiceCatalogue(dir, tenants);
  } catch (error) {
    if (error instanceof ServiceDescriptorError) return error.problems;
    throw error;
  }
  throw new Error('expected the descriptors to be rejected');
}

describe('service descriptors (service.yaml)', () => {
  it('loads every shipped service with the version from its package.json', () => {
    const entries = loadServiceCatalogue(path.join(repo, 'libs'), shippedTenants());
    expect(entries.map((e) => e.id).sort()).toEqual([...SERVICE_IDS].sort());
    for (const entry of entries) {
      const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'libs', entry.id, 'package.json'), 'utf8'));
      expect(entry).toMatchObject({ version: pkg.version, packageName: pkg.name });
    }
    expect(entries.find((e) => e.id === 'e-forms')!.descriptor.cost.allocationKey).toBe('per_capita');
  });

  it('names the file and the field of every problem', () => {
    const dir = librariesCopy({
      'e-forms': (t) =>
        t
          .replace('developmentStatus: beta', 'developmentStatus: mature')
          .replace('perUnit: { low: 8, high: 12, unit: minutes }', 'perUnit: { low: 12, high: 8, unit: minutes }'),
      'digital-mail': (t) => t.replace('  usageMetric: letters_digital\n', ''),
      minasidor: (t) => t.replace('    sekPerHour: 480\n', ''),
      catalogue: (t) => t.replace('email: plattform@kommuna.se', 'email: not-an-address'),
    });
    const problems = problemsOf(dir).map((p) => `${path.relative(dir, p.file)}: ${p.field}: ${p.message}`);
    expect(problems).toEqual([
      expect.stringMatching(/^digital-mail\/service.yaml: cost.usageMetric: is required for the per_use allocation key$/),
      expect.stringMatching(/^e-forms\/service.yaml: developmentStatus: /),
      'e-forms/service.yaml: benefits.0.perUnit.high: high must not be below low',
      'minasidor/service.yaml: benefits.0.sekPerHour: is required when the unit is minutes (time is valued in SEK per hour)',
      expect.stringMatching(/^catalogue\/service.yaml: owner.email: /),
    ]);
  });

  it('refuses benefits and per-use keys on metrics the platform does not meter', () => {
    const dir = librariesCopy({
      'e-forms': (t) => t.replace('metric: submissions', 'metric: phone_calls'),
      'digital-mail': (t) => t.replace('usageMetric: letters_digital', 'usageMetric: stamps'),
    });
    expect(problemsOf(dir).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'cost.usageMetric: "stamps" is not metered for digital-mail (metered: letters_digital, letters_paper)',
      'benefits.0.metric: "phone_calls" is not metered for e-forms (metered: submissions, automated_decisions)',
    ]);
  });

  it('refuses a per-capita key while a municipality using the service has no population, naming it', () => {
    const tenants = shippedTenants().map((t) =>
      t.config.slug === 'timra' ? { file: t.file, config: TenantConfigSchema.parse({ ...t.config, population: undefined }) } : t,
    );
    const problems = problemsOf(path.join(repo, 'libs'), tenants);
    expect(problems).toEqual([
      {
        file: path.join(repo, 'libs/e-forms/service.yaml'),
        field: 'cost.allocationKey',
        message: `per_capita needs the population of every municipality using e-forms: timra (${path.join(repo, 'tenants/timra/tenant.yaml')}) has no population`,
      },
    ]);
  });

  it('reports YAML syntax errors by line, a missing file, and an id that is not its library', () => {
    const dir = librariesCopy({
      minasidor: () => 'id: minasidor\nname: [unclosed\n',
      catalogue: (t) => t.replace('id: catalogue', 'id: katalog'),
    });
    fs.rmSync(path.join(dir, 'e-forms', 'service.yaml'));
    expect(problemsOf(dir).map((p) => `${path.relative(dir, p.file)}: ${p.field}`)).toEqual([
      'e-forms/service.yaml: (file)',
      expect.stringMatching(/^minasidor\/service.yaml: line \d+$/),
      'catalogue/service.yaml: id',
    ]);
  });

  it('rejects unknown fields rather than ignoring them', () => {
    const result = parseServiceDescriptor(
      'x.yaml',
      fs.readFileSync(path.join(repo, 'libs/e-forms/service.yaml'), 'utf8') + 'colour: blue\n',
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]).toMatchObject({ field: '(root)', message: expect.stringMatching(/colour/) });
  });

  it("reads the version's changelog from CHANGELOG.md as changesets writes it, and none when it is missing", () => {
    const dir = librariesCopy();
    fs.writeFileSync(
      path.join(dir, 'minasidor', 'CHANGELOG.md'),
      '# @kommuna/minasidor\n\n## 0.2.0\n\n### Minor Changes\n\n- 1a2b3c4: Company mode for representatives\n  of organisations\n\n### Patch Changes\n\n- Fixed status labels\n\n## 0.1.1\n\n### Patch Changes\n\n- abcdef0: First fix\n',
    );
    const entries = loadServiceCatalogue(dir, shippedTenants());
    expect(entries.find((e) => e.id === 'minasidor')!.changelog).toEqual([
      {
        version: '0.2.0',
        changes: [
          { kind: 'minor', text: 'Company mode for representatives of organisations' },
          { kind: 'patch', text: 'Fixed status labels' },
        ],
      },
      { version: '0.1.1', changes: [{ kind: 'patch', text: 'First fix' }] },
    ]);
    expect(entries.find((e) => e.id === 'e-forms')!.changelog).toEqual([]);
    expect(parseChangelog(undefined)).toEqual([]);
  });
});
