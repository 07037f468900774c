import { requestContext, TenantContextMissingError } from '@kommuna/platform-tenancy';
import { PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { createTestTenants } from './factories';
import { useTestDatabase } from './test-database';

// Adversarial tenant isolation: raw SQL inside a context, forged tenant ids, no context at all.
describe('tenant isolation (row-level security)', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);
  let a: Tenant;
  let b: Tenant;

  const insertEvent = (tenantId: string, type: string) =>
    db().transaction((em) =>
      em.query(`INSERT INTO outbox_event (tenant_id, type, source, data) VALUES ($1, $2, '/test', '{}')`, [tenantId, type]),
    );
  const inTenant = <T>(tenant: Tenant, work: () => Promise<T>) => requestContext.run({ tenantId: tenant.id }, work);

  beforeAll(async () => {
    [a, b] = await createTestTenants(db(), { slug: 'alpha' }, { slug: 'beta' });
    await inTenant(a, () => insertEvent(a.id, 'se.kommuna.test.a'));
    await inTenant(b, () => insertEvent(b.id, 'se.kommuna.test.b'));
  });

  it("shows raw SQL inside tenant A's context none of B's rows, even when asked for them by id", async () => {
    const rows = await inTenant(a, () => db().transaction((em) => em.query(`SELECT tenant_id, type FROM outbox_event`)));
    expect(rows).toEqual([{ tenant_id: a.id, type: 'se.kommuna.test.a' }]);
    const forged = await inTenant(a, () =>
      db().transaction((em) => em.query(`SELECT * FROM outbox_event WHERE tenant_id = $1`, [b.id])),
    );
    expect(forged).toEqual([]);
  });

  it("refuses an insert with B's tenant_id inside A's context and writes nothing", async () => {
    await expect(inTenant(a, () => insertEvent(b.id, 'se.kommuna.test.forged'))).rejects.toThrow(/row-level security/);
    const bRows = await inTenant(b, () => db().transaction((em) => em.query(`SELECT type FROM outbox_event`)));
    expect(bRows).toEqual([{ type: 'se.kommuna.test.b' }]);
  });

  it("neither updates nor deletes B's rows from A's context", async () => {
    const [, updated] = await inTenant(a, () =>
      db().transaction((em) => em.query(`UPDATE outbox_event SET type = 'hijacked' WHERE tenant_id = $1`, [b.id])),
    );
    expect(updated).toBe(0);
    await expect(
      inTenant(a, () => db().transaction((em) => em.query(`UPDATE outbox_event SET tenant_id = $1`, [b.id]))),
    ).rejects.toThrow(/row-level security/);
  });

  it('shows nothing outside any context, and the unit of work refuses to start without one', async () => {
    expect(await db().dataSource.query(`SELECT * FROM outbox_event`)).toEqual([]);
    expect(await db().platformTransaction((em) => em.query(`SELECT * FROM outbox_event`))).toEqual([]);
    await expect(db().transaction(async () => 'never')).rejects.toThrow(TenantContextMissingError);
  });

  it('keeps concurrent transactions of different tenants apart', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const tenant = i % 2 === 0 ? a : b;
        return inTenant(tenant, () =>
          db().transaction(async (em) => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            const rows: Array<{ tenant_id: string }> = await em.query(`SELECT tenant_id FROM outbox_event`);
            return rows.every((row) => row.tenant_id === tenant.id) && rows.length > 0;
          }),
        );
      }),
    );
    expect(counts.every(Boolean)).toBe(true);
  });

  it('runs as a role that row-level security binds', async () => {
    const [role] = await db().dataSource.query(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    await expect(db().dataSource.query(`ALTER TABLE outbox_event DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/owner/);
  });

  it('forces row-level security with USING and WITH CHECK on every table that has a tenant_id', async () => {
    const tables: Array<{ table: string; enabled: boolean; forced: boolean; policies: number }> = await db().dataSource.query(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname AND p.cmd = 'ALL'
                AND p.qual IS NOT NULL AND p.with_check IS NOT NULL)::int AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`);
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table).toEqual({ table: table.table, enabled: true, forced: true, policies: 1 });
  });
});
