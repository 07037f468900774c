import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Database } from '@kommuna/platform-persistence';
import { quoteIdent, tenantTables } from './table-catalog';
import { EXPORT_FORMAT, ExportManifest } from './tenant-export';

export class TenantImportError extends Error {
  readonly code = 'TENANT_IMPORT_REFUSED';
}

const BATCH = 200;

/**
 * Loads an export written by exportTenant into this installation, all or nothing: every file's
 * checksum is verified first, the municipality must not exist here yet, the schema must know
 * every migration the data was written under, and then the tenant, its parties and every table
 * are inserted in one transaction in foreign-key order.
 */
export async function importTenant(database: Database, directory: string): Promise<ExportManifest> {
  const manifestPath = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new TenantImportError(`${directory} has no manifest.json: not a Kommuna tenant export`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as ExportManifest;
  if (manifest.format !== EXPORT_FORMAT) throw new TenantImportError(`manifest.json: format is "${manifest.format}", expected "${EXPORT_FORMAT}"`);
  for (const file of manifest.files) {
    const full = path.join(directory, file.path);
    if (!path.resolve(full).startsWith(path.resolve(directory) + path.sep)) throw new TenantImportError(`manifest.json: ${file.path} points outside the export`);
    if (!fs.existsSync(full)) throw new TenantImportError(`${file.path} is missing`);
    const digest = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    if (digest !== file.sha256) throw new TenantImportError(`${file.path} does not match its checksum: the export is damaged or was changed`);
  }
  const known = new Set<string>((await database.dataSource.query(`SELECT name FROM migrations`)).map((m: { name: string }) => m.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length) throw new TenantImportError(`The export needs migrations this installation lacks: ${unknown.join(', ')}`);

  const tenant = JSON.parse(fs.readFileSync(path.join(directory, 'tenant.json'), 'utf8'));
  const parties = fs
    .readFileSync(path.join(directory, 'parties.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

  // One transaction for everything: the tenant row first (platform table), then its data in its
  // own context so row-level security checks every row on the way in.
  await database.dataSource.transaction(async (em) => {
    const existing = await em.query(`SELECT slug FROM tenant WHERE id = $1 OR slug = $2 OR kommunkod = $3`, [tenant.id, tenant.slug, tenant.kommunkod]);
    if (existing.length) throw new TenantImportError(`Municipality ${tenant.slug} already exists in this installation: import into an installation without it`);
    const tenantColumns = Object.keys(tenant);
    await em.query(
      `INSERT INTO tenant (${tenantColumns.map(quoteIdent).join(', ')}) VALUES (${tenantColumns.map((_, i) => `$${i + 1}`).join(', ')})`,
      tenantColumns.map((c) => (c === 'config' ? JSON.stringify(tenant[c]) : tenant[c])),
    );
    for (const party of parties) {
      const [row] = await em.query(
        `INSERT INTO party (id, kind, identity_number, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (identity_number) DO NOTHING RETURNING id`,
        [party.id, party.kind, party.identity_number, party.created_at],
      );
      if (!row) {
        const [same] = await em.query(`SELECT id FROM party WHERE identity_number = $1`, [party.identity_number]);
        // The same person may already be known here under another id: their rows would point nowhere.
        if (same.id !== party.id) throw new TenantImportError('A person in the export is known here under another party id; import into an empty installation');
      }
    }
    await em.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.id]);
    const tables = new Map((await tenantTables(em)).map((t) => [t.name, t]));
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    for (const table of tables.values()) {
      const entry = byName.get(table.name);
      if (!entry) continue; // a table newer than the export: nothing of it to import
      const types = new Map(table.columns.map((c) => [c.name, c.type]));
      const lines = readline.createInterface({ input: fs.createReadStream(path.join(directory, entry.file)), crlfDelay: Infinity });
      let batch: Array<Record<string, unknown>> = [];
      const flush = async () => {
        if (!batch.length) return;
        const columns = Object.keys(batch[0]);
        for (const column of columns) if (!types.has(column)) throw new TenantImportError(`${entry.file}: column ${column} does not exist here`);
        const values: unknown[] = [];
        const tuples = batch.map((row) => `(${columns.map((c) => {
          values.push(decode(row[c], types.get(c)!, directory));
          return `$${values.length}`;
        }).join(', ')})`);
        await em.query(`INSERT INTO ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`, values);
        batch = [];
      };
      for await (const line of lines) {
        if (!line) continue;
        const row = JSON.parse(line);
        if (row.tenant_id !== tenant.id) throw new TenantImportError(`${entry.file}: a row belongs to another municipality`);
        batch.push(row);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
  });
  return manifest;
}

function decode(value: unknown, type: string, directory: string): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'bytea') {
    const digest = (value as { $attachment?: string }).$attachment;
    if (!digest || !/^[0-9a-f]{64}$/.test(digest)) throw new TenantImportError('a binary value does not name its attachment');
    return fs.readFileSync(path.join(directory, 'attachments', digest));
  }
  if (type === 'json' || type === 'jsonb') return JSON.stringify(value);
  return value;
}
