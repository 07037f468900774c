import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
import { useTestDatabase } from '@kommuna/platform-testing';
import { EFormsError } from './errors';
import { loadEFormsContent, readFormFiles } from './startup-content';
import { E_FORMS_TEST_SCHEMA, REPO_ROOT } from './test-support';

/** A copy of the shipped tenants/ folder to break things in. */
function tenantsCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-tenants-'));
  fs.cpSync(path.join(REPO_ROOT, 'tenants'), dir, { recursive: true });
  return dir;
}

describe('e-forms start-up content', () => {
  const db = useTestDatabase(E_FORMS_TEST_SCHEMA);
  const tenantsDir = path.join(REPO_ROOT, 'tenants');
  let directory: TenantDirectory;
  beforeAll(async () => {
    directory = new TenantDirectory(db());
    await directory.sync(loadTenantConfigs(tenantsDir).map((l) => l.config));
  });

  const formsOf = (slug: string) =>
    requestContext.run({ requestId: 't', tenantId: directory.get(slug).id }, () =>
      db().transaction((em) =>
        em.query(
          `SELECT f.slug, v.major, v.minor, v.status, f.template_slug FROM eforms_form f JOIN eforms_form_version v ON v.tenant_id = f.tenant_id AND v.form_id = f.id ORDER BY f.slug`,
        ),
      ),
    );

  it('loads the shipped forms, templates and adoptions once; a restart changes nothing', async () => {
    const first = await loadEFormsContent({ database: db(), tenants: directory, tenantsDir });
    expect(first).toEqual({ formsCreated: 3, versionsPublished: 3, templatesPublished: 1, adopted: 1 });
    const second = await loadEFormsContent({ database: db(), tenants: directory, tenantsDir });
    expect(second).toEqual({ formsCreated: 0, versionsPublished: 0, templatesPublished: 1, adopted: 0 });
    expect(await formsOf('sundsvall')).toEqual([
      { slug: 'bygglov-forfragan', major: 1, minor: 0, status: 'published', template_slug: null },
      { slug: 'parkeringstillstand', major: 1, minor: 0, status: 'published', template_slug: null },
      { slug: 'skolval', major: 1, minor: 0, status: 'published', template_slug: null },
    ]);
    expect(await formsOf('ange')).toEqual([
      { slug: 'parkeringstillstand', major: 1, minor: 0, status: 'published', template_slug: 'parkeringstillstand' },
    ]);
    // The adopted form numbers Ånge's errands with Ånge's prefix (tenant.yaml), not Sundsvall's PTS.
    const prefixes = await requestContext.run({ requestId: 't', tenantId: directory.get('ange').id }, () =>
      db().transaction((em) => em.query(`SELECT definition->>'errandNumberPrefix' AS prefix FROM eforms_form_version`)),
    );
    expect(prefixes).toEqual([{ prefix: 'ANG' }]);
    expect((await db().platformTransaction((em) => em.query(`SELECT count(*)::int AS n FROM eforms_template`)))[0].n).toBe(1);
  });

  it('stops start-up on a broken form file, naming the file and the field, before writing anything', () => {
    const dir = tenantsCopy();
    const file = path.join(dir, 'sundsvall', 'forms', 'skolval.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('errandNumberPrefix: SKV', 'errandNumberPrefix: skv'));
    expect(() => readFormFiles(dir, directory.all())).toThrow(
      'tenants/sundsvall/forms/skolval.yaml: definition.errandNumberPrefix: must be 2-6 capital letters A-Z',
    );
    fs.writeFileSync(file, 'slug: [unclosed');
    expect(() => readFormFiles(dir, directory.all())).toThrow(/tenants\/sundsvall\/forms\/skolval.yaml: not valid YAML/);
  });

  it('stops start-up on an adoption by a municipality without an errand number prefix of its own', () => {
    const dir = tenantsCopy();
    const file = path.join(dir, 'ange', 'tenant.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^ {6}errandNumberPrefix: ANG\n/m, ''));
    const ange = loadTenantConfigs(dir).find((t) => t.config.slug === 'ange')!.config;
    const tenants = directory.all().map((t) => (t.slug === 'ange' ? { ...t, config: ange } : t));
    expect(() => readFormFiles(dir, tenants)).toThrow(
      "tenants/ange/tenant.yaml: services.e-forms.settings.errandNumberPrefix: is needed to adopt templates: an adopted form numbers its errands with the municipality's own prefix, not the publisher's",
    );
  });

  it('refuses a published version whose file changed without a new version number', async () => {
    const dir = tenantsCopy();
    const file = path.join(dir, 'sundsvall', 'forms', 'skolval.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Välj skola', 'Välj en skola'));
    const error = await loadEFormsContent({ database: db(), tenants: directory, tenantsDir: dir }).catch((e) => e);
    expect(error).toBeInstanceOf(EFormsError);
    expect(error.code).toBe('E_FORMS_CONTENT_INVALID');
    expect(error.message).toMatch(/skolval.yaml: version 1.0 of "skolval" is already published with other content/);
    // With a new version number it is published beside the old one.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('version: "1.0"', 'version: "1.1"'));
    expect((await loadEFormsContent({ database: db(), tenants: directory, tenantsDir: dir })).versionsPublished).toBe(1);
  });
});
