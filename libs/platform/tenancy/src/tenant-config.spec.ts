import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTenantConfigs, TenantConfigError } from './tenant-config.loader';
import { tenantConfigJsonSchema } from './tenant-config.schema';
import { AA_TEXT_CONTRAST, contrastRatio } from './colour-contrast';

const repoTenantsDir = path.resolve(__dirname, '../../../../tenants');

const validYaml = (slug: string, kommunkod: string, orgnr: string) => `
slug: ${slug}
kommunkod: "${kommunkod}"
organisationsnummer: "${orgnr}"
names: { sv: Testkommun, en: Test municipality }
contact: { email: info@example.se }
auth: { organization: ${slug} }
services:
  e-forms: { stage: production }
`;

function tenantsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenants-'));
  for (const [slug, text] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, slug));
    fs.writeFileSync(path.join(dir, slug, 'tenant.yaml'), text);
  }
  return dir;
}

function problemsOf(dir: string) {
  try {
    loadTenantConfigs(dir);
  } catch (error) {
    if (error instanceof TenantConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the tenant files to be rejected');
}

describe('tenant configuration', () => {
  it('loads the shipped member municipalities', () => {
    const tenants = loadTenantConfigs(repoTenantsDir).map((t) => t.config);
    const byKod = Object.fromEntries(tenants.map((t) => [t.kommunkod, t.slug]));
    expect(byKod).toMatchObject({ '2281': 'sundsvall', '2260': 'ange', '2262': 'timra', '2280': 'harnosand' });
    const sundsvall = tenants.find((t) => t.slug === 'sundsvall')!;
    expect(sundsvall.auth.realm).toBe('kommuna');
    expect(Object.keys(sundsvall.services)).toContain('digital-mail');
  });

  it('keeps tenants/tenant.schema.json in step with the schema in code', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(repoTenantsDir, 'tenant.schema.json'), 'utf8'));
    expect(committed).toEqual(tenantConfigJsonSchema());
  });

  it('names the file, the field and what is wrong', () => {
    const dir = tenantsDir({
      sundsvall: validYaml('sundsvall', '2281', '212000-2411'),
      ange: validYaml('ange', '9999', '212000-2388'),
    });
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      expect.objectContaining({
        file: path.join(dir, 'ange', 'tenant.yaml'),
        field: 'kommunkod',
        message: expect.stringMatching(/290 municipality codes/),
      }),
      expect.objectContaining({
        file: path.join(dir, 'ange', 'tenant.yaml'),
        field: 'organisationsnummer',
        message: expect.stringMatching(/check digit/),
      }),
    ]);
  });

  it("reads the web's look and refuses a colour white text cannot be read on, and a logo that is not in the folder", () => {
    const withWeb = (slug: string, kommunkod: string, orgnr: string, web: string) => `${validYaml(slug, kommunkod, orgnr)}web: ${web}\n`;
    const dir = tenantsDir({
      sundsvall: withWeb('sundsvall', '2281', '212000-2411', '{ primaryColor: "#005595", logo: logo.svg }'),
      ange: withWeb('ange', '2260', '212000-2387', '{ primaryColor: "#00a0e0" }'),
      timra: withWeb('timra', '2262', '212000-2395', '{ logo: saknas.png }'),
      harnosand: withWeb('harnosand', '2280', '212000-2403', '{ primaryColor: blue }'),
    });
    fs.writeFileSync(path.join(dir, 'sundsvall', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(problemsOf(dir)).toEqual([
      {
        file: path.join(dir, 'ange', 'tenant.yaml'),
        field: 'web.primaryColor',
        message: expect.stringMatching(/^has a contrast of 2\.\d\d:1 against white; WCAG 2\.1 AA needs at least 4\.5:1/),
      },
      { file: path.join(dir, 'harnosand', 'tenant.yaml'), field: 'web.primaryColor', message: 'must be a colour written #rrggbb' },
      {
        file: path.join(dir, 'timra', 'tenant.yaml'),
        field: 'web.logo',
        message: `names saknas.png, which is not in ${path.join(dir, 'timra')}`,
      },
    ]);
    fs.rmSync(path.join(dir, 'ange'), { recursive: true });
    fs.rmSync(path.join(dir, 'timra'), { recursive: true });
    fs.rmSync(path.join(dir, 'harnosand'), { recursive: true });
    expect(loadTenantConfigs(dir)[0].config.web).toEqual({ primaryColor: '#005595', logo: 'logo.svg' });
  });

  it('measures contrast as WCAG 2.1 does', () => {
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#00457a', '#ffffff')).toBeGreaterThan(AA_TEXT_CONTRAST);
  });

  it('refuses to start when any one tenant is broken, even if the others are fine', () => {
    const dir = tenantsDir({
      sundsvall: validYaml('sundsvall', '2281', '212000-2411'),
      timra: 'slug: timra\nkommunkod: [unclosed',
    });
    expect(() => loadTenantConfigs(dir)).toThrow(TenantConfigError);
    expect(problemsOf(dir)[0]).toMatchObject({ file: path.join(dir, 'timra', 'tenant.yaml'), field: expect.stringMatching(/line/) });
  });

  it('rejects unknown fields, unknown services, a slug that is not its folder and duplicate claims', () => {
    const dir = tenantsDir({
      sundsvall: validYaml('sundsvall', '2281', '212000-2411') + 'colour: blue\n',
      timra: validYaml('timra', '2262', '212000-2395').replace('e-forms:', 'parking:'),
      ange: validYaml('angee', '2260', '212000-2387'),
      harnosand: validYaml('harnosand', '2281', '212000-2403'),
      solleftea: validYaml('solleftea', '2281', '212000-2429').replace('organization: solleftea', 'organization: harnosand'),
    });
    const problems = problemsOf(dir).map((p) => `${path.basename(path.dirname(p.file))}:${p.field}: ${p.message}`);
    expect(problems).toEqual([
      'ange:slug: is "angee" but the folder is "ange": they must match',
      'sundsvall:(root): Unrecognized key: "colour"',
      'timra:services: Unrecognized key: "parking"',
      expect.stringMatching(/^solleftea:kommunkod: "2281" is already used by .*harnosand/),
      expect.stringMatching(/^solleftea:auth.organization: "kommuna\/harnosand" is already used by .*harnosand/),
    ]);
  });

  it("reads the residents' e-legitimation level (auth.citizenAssurance: loa3 unless named) and refuses one that is not a level", () => {
    const good = tenantsDir({
      sundsvall: validYaml('sundsvall', '2281', '212000-2411'),
      timra: validYaml('timra', '2262', '212000-2395').replace(
        'auth: { organization: timra }',
        'auth: { organization: timra, citizenAssurance: loa4 }',
      ),
    });
    expect(Object.fromEntries(loadTenantConfigs(good).map((t) => [t.config.slug, t.config.auth.citizenAssurance]))).toEqual({
      sundsvall: 'loa3',
      timra: 'loa4',
    });
    const bad = tenantsDir({
      sundsvall: validYaml('sundsvall', '2281', '212000-2411').replace(
        'auth: { organization: sundsvall }',
        'auth: { organization: sundsvall, citizenAssurance: loa1 }',
      ),
      timra: validYaml('timra', '2262', '212000-2395').replace(
        'auth: { organization: timra }',
        'auth: { organization: timra, citizenAssurance: "http://id.elegnamnden.se/loa/1.0/loa3" }',
      ),
    });
    expect(problemsOf(bad).map((p) => `${path.basename(path.dirname(p.file))}:${p.field}`)).toEqual([
      'sundsvall:auth.citizenAssurance',
      'timra:auth.citizenAssurance',
    ]);
    expect(problemsOf(bad)[0].message).toMatch(/loa2.*loa3.*loa4/);
  });

  it('reads adoption dates and refuses ones out of order or that contradict the stage, naming the field', () => {
    const withServices = (slug: string, kommunkod: string, orgnr: string, services: string) =>
      validYaml(slug, kommunkod, orgnr).replace(
        'services:\n  e-forms: { stage: production }\n',
        `memberSince: "2024-01-01"\nservices:\n${services}`,
      );
    const good = tenantsDir({
      sundsvall: withServices(
        'sundsvall',
        '2281',
        '212000-2411',
        '  e-forms: { stage: production, pilotingFrom: "2024-03-01", productionFrom: "2024-09-01" }\n',
      ),
    });
    const [loaded] = loadTenantConfigs(good);
    expect(loaded.config).toMatchObject({
      memberSince: '2024-01-01',
      services: { 'e-forms': { pilotingFrom: '2024-03-01', productionFrom: '2024-09-01' } },
    });
    const bad = tenantsDir({
      sundsvall: withServices(
        'sundsvall',
        '2281',
        '212000-2411',
        '  e-forms: { stage: production, pilotingFrom: "2024-09-01", productionFrom: "2024-03-01" }\n  minasidor: { stage: leaving, productionFrom: "2024-03-01", leftOn: "2024-02-01" }\n',
      ),
      ange: withServices(
        'ange',
        '2260',
        '212000-2387',
        '  e-forms: { stage: planned, productionFrom: "2026-01-01" }\n  minasidor: { stage: piloting, pilotingFrom: "2025-13-01" }\n',
      ),
    });
    expect(problemsOf(bad).map((p) => `${path.basename(path.dirname(p.file))}:${p.field}: ${p.message}`)).toEqual([
      'ange:services.e-forms.productionFrom: a planned service is not in use yet: give pilotingFrom at most',
      'ange:services.minasidor.pilotingFrom: must be a date YYYY-MM-DD',
      'sundsvall:services.e-forms.productionFrom: is before pilotingFrom',
      'sundsvall:services.minasidor.leftOn: must be after the service was taken into use (2024-03-01)',
    ]);
  });
});
