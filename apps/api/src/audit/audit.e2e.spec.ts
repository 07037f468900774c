import { requestContext } from '@kommuna/platform-tenancy';
import { startTestApi, TestApi } from '../testing/test-api';

describe('audit trail through the api', () => {
  let api: TestApi;
  /** What start-up itself audited in Sundsvall (the shipped rules it installs, tenants/sundsvall/rules/). */
  let startupEntries: number;
  beforeAll(async () => {
    api = await startTestApi();
    const sundsvall = api.runtime.tenants.get('sundsvall');
    const [{ n }] = await requestContext.run({ requestId: 'count', tenantId: sundsvall.id }, () =>
      api.runtime.database.transaction((em) => em.query(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [sundsvall.id])),
    );
    startupEntries = n;
    await requestContext.run({ requestId: 'seed', tenantId: sundsvall.id }, () =>
      api.runtime.database.transaction(async (em) => {
        await api.runtime.audit.record(em, { actor: 'staff:s1', action: 'case.read', targetType: 'case', targetId: 'c-1' });
        await api.runtime.audit.record(em, {
          actor: 'system:e-forms',
          action: 'decision.automated',
          targetType: 'submission',
          targetId: 's-1',
          details: { outcome: 'approval' },
        });
      }),
    );
  });
  afterAll(() => api?.close());

  const admin = (organization: string) =>
    `Bearer ${api.realm.token({ sub: `admin-${organization}`, realm_access: { roles: ['tenant_admin'] }, organization: [organization] })}`;
  const query = `{ auditLog(first: 10) { seq actor action targetId details } verifyAuditLog { intact entries firstBrokenSeq } }`;

  it('shows a tenant admin their municipality’s trail, verified', async () => {
    const { status, body } = await api.graphql(query, { authorization: admin('sundsvall'), 'x-kommuna-tenant': 'sundsvall' });
    expect(status).toBe(200);
    // Newest first: the two written here come after whatever start-up audited.
    expect(body.data.auditLog.slice(0, 2)).toEqual([
      { seq: startupEntries + 2, actor: 'system:e-forms', action: 'decision.automated', targetId: 's-1', details: { outcome: 'approval' } },
      { seq: startupEntries + 1, actor: 'staff:s1', action: 'case.read', targetId: 'c-1', details: {} },
    ]);
    expect(body.data.verifyAuditLog).toEqual({ intact: true, entries: startupEntries + 2, firstBrokenSeq: null });
  });

  it('shows another municipality’s admin nothing of it, and refuses case workers', async () => {
    const other = await api.graphql(query, { authorization: admin('ange'), 'x-kommuna-tenant': 'ange' });
    expect(other.body.data.auditLog).toEqual([]);
    const crossing = await api.graphql(query, { authorization: admin('ange'), 'x-kommuna-tenant': 'sundsvall' });
    expect(crossing.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const worker = api.realm.token({ sub: 'w', realm_access: { roles: ['case_worker'] }, organization: ['sundsvall'], unit: 'skola' });
    const refused = await api.graphql(query, { authorization: `Bearer ${worker}`, 'x-kommuna-tenant': 'sundsvall' });
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
