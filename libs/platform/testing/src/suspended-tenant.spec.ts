import { PLATFORM_DATABASE_SCHEMA, TenantSuspendedError } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants, useTestDatabase } from './index';

describe('a suspended municipality', () => {
  const db = useTestDatabase(PLATFORM_DATABASE_SCHEMA);

  it('reads but refuses every write, in PostgreSQL itself', async () => {
    const [tenant] = await createTestTenants(db(), { slug: 'leaving' });
    const write = (readOnly: boolean) =>
      requestContext.run({ requestId: 'r', tenantId: tenant.id, readOnly }, () =>
        db().transaction((em) =>
          em.query(`INSERT INTO outbox_event (tenant_id, type, source, data) VALUES ($1, 'x', '/t', '{}')`, [tenant.id]),
        ),
      );
    await write(false);
    await expect(write(true)).rejects.toBeInstanceOf(TenantSuspendedError);
    const rows = await requestContext.run({ requestId: 'r', tenantId: tenant.id, readOnly: true }, () =>
      db().transaction((em) => em.query(`SELECT count(*)::int AS n FROM outbox_event`)),
    );
    expect(rows).toEqual([{ n: 1 }]);
  });
});
