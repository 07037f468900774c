import type { EntityManager } from 'typeorm';

/** A tenant-owned table as the export sees it: its columns, key and what it depends on. */
export interface TenantTable {
  name: string;
  columns: Array<{ name: string; type: string }>;
  primaryKey: string[];
  dependsOn: string[];
}

/**
 * Every table with a tenant_id column, in an order where each table comes after the tables its
 * foreign keys point to, read from the catalogue so a new service's tables are exported without
 * anyone listing them.
 */
export async function tenantTables(em: EntityManager): Promise<TenantTable[]> {
  const columns: Array<{ table_name: string; column_name: string; data_type: string }> = await em.query(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND c.table_name IN (SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id')
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const keys: Array<{ table_name: string; column_name: string }> = await em.query(
    `SELECT cl.relname AS table_name, a.attname AS column_name
       FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
      WHERE i.indisprimary AND n.nspname = 'public' ORDER BY cl.relname, k.ord`,
  );
  const references: Array<{ table_name: string; referenced: string }> = await em.query(
    `SELECT c.conrelid::regclass::text AS table_name, c.confrelid::regclass::text AS referenced
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const unquote = (name: string) => name.replace(/^"|"$/g, '');
  const tables = new Map<string, TenantTable>();
  for (const column of columns) {
    const table = tables.get(column.table_name) ?? { name: column.table_name, columns: [], primaryKey: [], dependsOn: [] };
    table.columns.push({ name: column.column_name, type: column.data_type });
    tables.set(column.table_name, table);
  }
  for (const key of keys) tables.get(key.table_name)?.primaryKey.push(key.column_name);
  for (const reference of references) {
    const table = tables.get(unquote(reference.table_name));
    const target = unquote(reference.referenced);
    if (table && tables.has(target) && target !== table.name) table.dependsOn.push(target);
  }
  // Topological order; a table whose dependencies never resolve (a cycle) is an error to fix in the schema.
  const ordered: TenantTable[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.size) {
    const next = [...tables.values()].filter((t) => !placed.has(t.name) && t.dependsOn.every((d) => placed.has(d)));
    if (next.length === 0)
      throw new Error(`Foreign keys form a cycle among: ${[...tables.keys()].filter((n) => !placed.has(n)).join(', ')}`);
    for (const table of next.sort((a, b) => a.name.localeCompare(b.name))) {
      ordered.push(table);
      placed.add(table.name);
    }
  }
  return ordered;
}

export const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected identifier: ${name}`);
  return `"${name}"`;
};
