/** SQL building blocks for migrations of tenant-owned tables (docs/architecture.md#tenancy). */

/** The role the application connects as: neither owns the tables nor bypasses RLS. */
export const APP_ROLE = 'kommuna_app';
/** The role that owns the schema and runs migrations. */
export const OWNER_ROLE = 'kommuna_owner';

const identifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `"${name}"`;
};

/**
 * Row-level security for a tenant-owned table: enabled and forced (the owner is bound too),
 * rows visible and writable only inside their tenant's context. With `subjectColumn`, a citizen
 * sees their own rows from every municipality in their subject context, and a citizen who also
 * addresses a municipality (to submit to it, say) still sees and writes only their own rows there:
 * a subject context always narrows, never widens.
 */
export function tenantIsolationSql(table: string, options: { subjectColumn?: string } = {}): string[] {
  const t = identifier(table);
  const sameTenant = 'tenant_id = app_current_tenant_id()';
  const ownRow = options.subjectColumn ? `${identifier(options.subjectColumn)} = app_current_subject_id()` : undefined;
  const scoped = ownRow ? `${sameTenant} AND (app_current_subject_id() IS NULL OR ${ownRow})` : sameTenant;
  return [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON ${t} FOR ALL USING (${scoped}) WITH CHECK (${scoped})`,
    ...(ownRow ? [`CREATE POLICY subject_read ON ${t} FOR SELECT USING (${ownRow})`] : []),
  ];
}

/** Grants the application role what it may do with a table, and nothing more. */
export function grantToAppSql(
  table: string,
  privileges: Array<'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE'> = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
): string {
  return `GRANT ${privileges.join(', ')} ON ${identifier(table)} TO ${APP_ROLE}`;
}
