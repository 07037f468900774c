import { tenantTableProblems, tenantTableSecurity, useTestDatabase } from '@kommuna/platform-testing';
import { APP_DATABASE_SCHEMA } from '../database-schema';

// Every service's tenant tables, read from the database catalogue after all of the api's
// migrations have run (on PGlite, and on PostgreSQL with DATABASE_URL): forced row-level security,
// one tenant policy for every command, no policy that lets the app role past the tenant, and not
// owned by the app role. A new table with a tenant_id is checked the day its migration lands.
describe('row-level security of every tenant table of every service', () => {
  const db = useTestDatabase(APP_DATABASE_SCHEMA);

  it('is enabled, forced and bound to the tenant on every table with a tenant_id', async () => {
    const tables = await tenantTableSecurity(db());
    // Each service's tables are among them: the query reads the composed schema, not one library's.
    for (const prefix of ['outbox_', 'audit_', 'eforms_', 'minasidor_', 'mail_', 'catalogue_']) {
      expect(tables.some((t) => t.table.startsWith(prefix))).toBe(true);
    }
    const problems = Object.fromEntries(tables.map((t) => [t.table, tenantTableProblems(t)]));
    expect(problems).toEqual(Object.fromEntries(tables.map((t) => [t.table, []])));
  });
});
