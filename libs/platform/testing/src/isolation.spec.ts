import { requestContext, TenantContextMissingError } from '@kommuna/platform-tenancy';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { createTestTenants } from './factories';
import { tenantTableProblems, tenantTableSecurity } from './row-level-security';
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
    const forged = await inTenant(a, () => db().transaction((em) => em.query(`SELECT * FROM outbox_event WHERE tenant_id = $1`, [b.id])));
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
    await expect(inTenant(a, () => db().transaction((em) => em.query(`UPDATE outbox_event SET tenant_id = $1`, [b.id])))).rejects.toThrow(
      /row-level security/,
    );
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
    const [role] = await db().dataSource.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    await expect(db().dataSource.query(`ALTER TABLE outbox_event DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(/owner/);
  });

  it('forces row-level security with a tenant policy on every table that has a tenant_id, none owned by the app role', async () => {
    const tables = await tenantTableSecurity(db());
    expect(tables.map((t) => t.table)).toContain('outbox_event');
    expect(Object.fromEntries(tables.map((t) => [t.table, tenantTableProblems(t)]))).toEqual(
      Object.fromEntries(tables.map((t) => [t.table, []])),
    );
  });
});

// Migrations that build tenant tables the wrong way: the catalogue check must name each fault.
class CarelessTablesFixture1764057600002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE careless_open (tenant_id uuid NOT NULL, body text)`);
    await queryRunner.query(`ALTER TABLE careless_open ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY everyone ON careless_open FOR SELECT USING (true)`);
    await queryRunner.query(`CREATE TABLE careless_plain (tenant_id uuid NOT NULL, body text)`);
    await queryRunner.query(`GRANT SELECT ON careless_open, careless_plain TO ${APP_ROLE}`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE careless_open, careless_plain`);
  }
}

describe('the catalogue check of tenant tables', () => {
  const db = useTestDatabase({
    entities: PLATFORM_DATABASE_SCHEMA.entities,
    migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, CarelessTablesFixture1764057600002],
  });

  it('names each fault of a tenant table built without forced row-level security and its policy', async () => {
    const tables = new Map((await tenantTableSecurity(db())).map((t) => [t.table, tenantTableProblems(t)]));
    expect(tables.get('careless_open')).toEqual([
      'row-level security is not forced',
      'has 0 tenant policies for all commands (USING and WITH CHECK on the tenant context), expected 1',
      'the app role falls under policies that ignore the tenant and subject: everyone',
    ]);
    expect(tables.get('careless_plain')).toEqual([
      'row-level security is not enabled',
      'row-level security is not forced',
      'has 0 tenant policies for all commands (USING and WITH CHECK on the tenant context), expected 1',
    ]);
    expect(tables.get('outbox_event')).toEqual([]);
    expect(
      tenantTableProblems({ table: 'x', enabled: true, forced: true, tenantPolicies: 1, openPoliciesForApp: [], ownedByApp: true }),
    ).toEqual([`is owned by ${APP_ROLE}`]);
  });
});
