import { APP_ROLE, Database } from '@kommuna/platform-persistence';

/** What the database catalogue says about one table that has a tenant_id column. */
export interface TenantTableSecurity {
  table: string;
  /** relrowsecurity: row-level security is on. */
  enabled: boolean;
  /** relforcerowsecurity: it binds the table's owner too (security-definer functions included). */
  forced: boolean;
  /** Policies for every command with both USING and WITH CHECK that name the tenant context. */
  tenantPolicies: number;
  /** Policies the app role falls under (its own or PUBLIC's) whose USING ignores the tenant context. */
  openPoliciesForApp: string[];
  /** Whether the app role owns the table (an owner may switch row-level security off). */
  ownedByApp: boolean;
}

/**
 * Every table in the public schema with a tenant_id column, as the migrated database's catalogue
 * (pg_class, pg_namespace, pg_policy) describes it, in name order. Read from the catalogue rather
 * than a list in a test, so a service's new tenant table is checked the day its migration lands.
 */
export async function tenantTableSecurity(database: Database): Promise<TenantTableSecurity[]> {
  const rows: Array<TenantTableSecurity & { openPoliciesForApp: string[] | null }> = await database.dataSource.query(
    `SELECT c.relname AS "table", c.relrowsecurity AS "enabled", c.relforcerowsecurity AS "forced",
            (SELECT count(*) FROM pg_policy p
              WHERE p.polrelid = c.oid AND p.polcmd = '*' AND p.polqual IS NOT NULL AND p.polwithcheck IS NOT NULL
                AND pg_get_expr(p.polqual, p.polrelid) LIKE '%app_current_tenant_id()%'
                AND pg_get_expr(p.polwithcheck, p.polrelid) LIKE '%app_current_tenant_id()%')::int AS "tenantPolicies",
            (SELECT array_agg(p.polname::text ORDER BY p.polname) FROM pg_policy p
              WHERE p.polrelid = c.oid
                AND (0 = ANY (p.polroles) OR (SELECT oid FROM pg_roles WHERE rolname = $1) = ANY (p.polroles))
                AND p.polqual IS NOT NULL
                AND pg_get_expr(p.polqual, p.polrelid) NOT LIKE '%app_current_tenant_id()%'
                AND pg_get_expr(p.polqual, p.polrelid) NOT LIKE '%app_current_subject_id()%') AS "openPoliciesForApp",
            pg_get_userbyid(c.relowner) = $1 AS "ownedByApp"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
      ORDER BY c.relname`,
    [APP_ROLE],
  );
  return rows.map((row) => ({ ...row, openPoliciesForApp: row.openPoliciesForApp ?? [] }));
}

/** The problems tenantTableSecurity finds in one table, in words (empty when the table is sound). */
export function tenantTableProblems(table: TenantTableSecurity): string[] {
  const problems: string[] = [];
  if (!table.enabled) problems.push('row-level security is not enabled');
  if (!table.forced) problems.push('row-level security is not forced');
  if (table.tenantPolicies !== 1)
    problems.push(`has ${table.tenantPolicies} tenant policies for all commands (USING and WITH CHECK on the tenant context), expected 1`);
  if (table.openPoliciesForApp.length > 0)
    problems.push(`the app role falls under policies that ignore the tenant and subject: ${table.openPoliciesForApp.join(', ')}`);
  if (table.ownedByApp) problems.push(`is owned by ${APP_ROLE}`);
  return problems;
}
