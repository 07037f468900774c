import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractTar } from '@kommuna/platform-data-portability';
import { REPO_ROOT, startTestApi, TestApi } from '../testing/test-api';

/** The shipped tenants, with Timrå suspended (offboarding) and Härnösand closed. */
function offboardingTenants(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-tenants-'));
  fs.cpSync(path.join(REPO_ROOT, 'tenants'), dir, { recursive: true });
  for (const [slug, lifecycle] of [
    ['timra', 'suspended'],
    ['harnosand', 'closed'],
  ]) {
    fs.appendFileSync(path.join(dir, slug, 'tenant.yaml'), `lifecycle: ${lifecycle}\n`);
  }
  return dir;
}

describe('offboarding a municipality', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ tenantsDir: offboardingTenants() });
  });
  afterAll(() => api?.close());

  const admin = (organization: string) =>
    `Bearer ${api.realm.token({ sub: `admin-${organization}`, realm_access: { roles: ['tenant_admin'] }, organization: [organization] })}`;
  const download = (slug: string, authorization = admin(slug)) =>
    api.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'GET', url: '/admin/export.tar', headers: { authorization, 'x-kommuna-tenant': slug } });

  it('lets a suspended municipality’s admin download all its data, and records it in the audit trail', async () => {
    const response = await download('timra');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-tar');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="kommuna-timra-\d{4}-\d{2}-\d{2}\.tar"$/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-download-'));
    await extractTar(response.rawPayload, dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.tenant.slug).toBe('timra');
    expect(manifest.tables.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['outbox_event', 'audit_log']));
    for (const file of manifest.files) expect(fs.existsSync(path.join(dir, file.path))).toBe(true);

    const { body } = await api.graphql(`{ auditLog { action actor targetId } }`, {
      authorization: admin('timra'),
      'x-kommuna-tenant': 'timra',
    });
    expect(body.data.auditLog).toEqual([{ action: 'tenant.exported', actor: 'staff:admin-timra', targetId: 'timra' }]);
  });

  it('gives the export to no one but that municipality’s admin', async () => {
    expect((await download('timra', admin('sundsvall'))).statusCode).toBe(403);
    const citizen = api.realm.token({ sub: 'c', realm_access: { roles: ['citizen'] }, personnummer: '199001019802' });
    expect((await download('timra', `Bearer ${citizen}`)).statusCode).toBe(403);
    expect(
      (
        await api.app
          .getHttpAdapter()
          .getInstance()
          .inject({ method: 'GET', url: '/admin/export.tar', headers: { 'x-kommuna-tenant': 'timra' } })
      ).statusCode,
    ).toBe(401);
  });

  it('answers a closed municipality with 410 Gone', async () => {
    const { status, body } = await api.graphql(`{ me { subject } }`, {
      authorization: admin('harnosand'),
      'x-kommuna-tenant': 'harnosand',
    });
    expect(status).toBe(410);
    expect(body.errors[0].extensions.code).toBe('TENANT_CLOSED');
  });
});
