import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { Database } from '@kommuna/platform-persistence';
import { quoteIdent, tenantTables } from './table-catalog';
import { extractTar } from './tar';
import { EXPORT_FORMAT, EXPORT_VERSION, ExportManifest } from './tenant-export';
import { KommunaError } from '@kommuna/shared-service-contracts';

export class TenantImportError extends KommunaError {
  readonly code = 'TENANT_IMPORT_REFUSED';
  readonly status = 400;
}

const BATCH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The only files an export holds: anything else in a manifest is refused before it is opened. */
const EXPORT_FILE = /^(tenant\.json|parties\.jsonl|tables\/[a-z_][a-z0-9_]*\.jsonl|attachments\/[0-9a-f]{64})$/;

const ManifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  tenant: z.object({ id: z.string().regex(UUID), slug: z.string().min(1), kommunkod: z.string().min(1) }),
  migrations: z.array(z.string()),
  tables: z.array(z.object({ name: z.string().regex(TABLE_NAME), rows: z.number().int().min(0), file: z.string() })),
  files: z.array(
    z.object({
      path: z.string().regex(EXPORT_FILE, 'is not a file an export holds'),
      sha256: z.string().regex(SHA256),
      bytes: z.number().int().min(0),
    }),
  ),
});

/** JSON from the archive; a parse error names the file and line, never the bytes it found there. */
function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new TenantImportError(`${where} is not valid JSON`);
  }
}

/**
 * Reads and checks the manifest, then every file it names: each must be a regular file of the
 * export's own layout, of the stated size and SHA-256, and each table's file must be the one the
 * manifest lists. Nothing is opened that has not passed these checks.
 */
async function verifiedManifest(directory: string): Promise<ExportManifest> {
  const manifestPath = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestPath)) throw new TenantImportError(`${directory} has no manifest.json: not a Kommuna tenant export`);
  const parsed = ManifestSchema.safeParse(parseJson(fs.readFileSync(manifestPath, 'utf8'), 'manifest.json'));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new TenantImportError(`manifest.json is not a Kommuna tenant export manifest (${problems})`);
  }
  const manifest = parsed.data as ExportManifest;
  const listed = new Set<string>();
  for (const file of manifest.files) {
    if (listed.has(file.path)) throw new TenantImportError(`manifest.json lists ${file.path} twice`);
    listed.add(file.path);
    const full = path.join(directory, file.path);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!stat) throw new TenantImportError(`${file.path} is missing`);
    if (!stat.isFile()) throw new TenantImportError(`${file.path} is not a regular file`);
    if (stat.size !== file.bytes)
      throw new TenantImportError(`${file.path} does not match its checksum: the export is damaged or was changed`);
    const hash = createHash('sha256');
    await pipeline(fs.createReadStream(full), hash);
    const digest = hash.digest('hex');
    if (digest !== file.sha256)
      throw new TenantImportError(`${file.path} does not match its checksum: the export is damaged or was changed`);
    if (file.path.startsWith('attachments/') && file.path !== `attachments/${digest}`)
      throw new TenantImportError(`${file.path} is not named by its checksum`);
  }
  for (const required of ['tenant.json', 'parties.jsonl']) {
    if (!listed.has(required)) throw new TenantImportError(`manifest.json does not list ${required}`);
  }
  const tables = new Set<string>();
  for (const table of manifest.tables) {
    if (tables.has(table.name)) throw new TenantImportError(`manifest.json lists table ${table.name} twice`);
    tables.add(table.name);
    if (table.file !== `tables/${table.name}.jsonl` || !listed.has(table.file)) {
      throw new TenantImportError(
        `manifest.json: table ${table.name} must be read from tables/${table.name}.jsonl, listed with its checksum`,
      );
    }
  }
  return manifest;
}

/**
 * Loads an export written by exportTenant into this installation, all or nothing: the manifest
 * and every file's checksum are verified first, tenant.json must be the municipality the manifest
 * names and must not exist here yet, the schema must know every migration the data was written
 * under, every row must belong to the municipality and may refer only to parties the export
 * brings; then the tenant, its parties and every table are inserted in one transaction in
 * foreign-key order.
 */
export async function importTenant(database: Database, directory: string): Promise<ExportManifest> {
  const manifest = await verifiedManifest(directory);
  const known = new Set<string>((await database.dataSource.query(`SELECT name FROM migrations`)).map((m: { name: string }) => m.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length) throw new TenantImportError(`The export needs migrations this installation lacks: ${unknown.join(', ')}`);

  const tenant = parseJson(fs.readFileSync(path.join(directory, 'tenant.json'), 'utf8'), 'tenant.json') as Record<string, unknown>;
  if (!tenant || typeof tenant !== 'object' || Array.isArray(tenant))
    throw new TenantImportError('tenant.json does not hold a municipality');
  for (const field of ['id', 'slug', 'kommunkod'] as const) {
    if (tenant[field] !== manifest.tenant[field])
      throw new TenantImportError(`tenant.json is not the municipality manifest.json names (${field} differs)`);
  }
  const parties = fs
    .readFileSync(path.join(directory, 'parties.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      const party = parseJson(line, `parties.jsonl line ${i + 1}`) as Record<string, unknown>;
      if (typeof party?.id !== 'string' || !UUID.test(party.id) || typeof party.identity_number !== 'string') {
        throw new TenantImportError(`parties.jsonl line ${i + 1} is not a party`);
      }
      return party;
    });
  // The parties the export brings: a row may name only these, so an archive cannot address its
  // cases and messages to a resident it does not carry (who would then see them in Mina sidor).
  const brought = new Set(parties.map((p) => p.id as string));

  // One transaction for everything: the tenant row first (platform table), then its data in its
  // own context so row-level security checks every row on the way in.
  await database.dataSource.transaction(async (em) => {
    const existing = await em.query(`SELECT slug FROM tenant WHERE id = $1 OR slug = $2 OR kommunkod = $3`, [
      tenant.id,
      tenant.slug,
      tenant.kommunkod,
    ]);
    if (existing.length)
      throw new TenantImportError(
        `Municipality ${manifest.tenant.slug} already exists in this installation: import into an installation without it`,
      );
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
        if (same.id !== party.id)
          throw new TenantImportError('A person in the export is known here under another party id; import into an empty installation');
      }
    }
    await em.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.id]);
    const tables = new Map((await tenantTables(em)).map((t) => [t.name, t]));
    const missing = manifest.tables.filter((t) => !tables.has(t.name)).map((t) => t.name);
    if (missing.length) throw new TenantImportError(`The export holds tables this installation does not have: ${missing.join(', ')}`);
    const attachments = new Set(manifest.files.filter((f) => f.path.startsWith('attachments/')).map((f) => f.sha256));
    const byName = new Map(manifest.tables.map((t) => [t.name, t]));
    for (const table of tables.values()) {
      const entry = byName.get(table.name);
      if (!entry) continue; // a table newer than the export: nothing of it to import
      const types = new Map(table.columns.map((c) => [c.name, c.type]));
      const lines = readline.createInterface({ input: fs.createReadStream(path.join(directory, entry.file)), crlfDelay: Infinity });
      let batch: Array<Record<string, unknown>> = [];
      let lineNumber = 0;
      let rows = 0;
      const flush = async () => {
        if (!batch.length) return;
        const columns = Object.keys(batch[0]);
        for (const column of columns)
          if (!types.has(column)) throw new TenantImportError(`${entry.file}: column ${column} does not exist here`);
        const values: unknown[] = [];
        const tuples = batch.map(
          (row) =>
            `(${columns
              .map((c) => {
                values.push(decode(row[c], types.get(c)!, directory, attachments));
                return `$${values.length}`;
              })
              .join(', ')})`,
        );
        await em.query(`INSERT INTO ${quoteIdent(table.name)} (${columns.map(quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`, values);
        batch = [];
      };
      for await (const line of lines) {
        lineNumber++;
        if (!line) continue;
        const where = `${entry.file} line ${lineNumber}`;
        const row = parseJson(line, where) as Record<string, unknown>;
        if (!row || typeof row !== 'object' || Array.isArray(row)) throw new TenantImportError(`${where} is not a row`);
        if (row.tenant_id !== tenant.id) throw new TenantImportError(`${where}: the row belongs to another municipality`);
        for (const [column, value] of Object.entries(row)) {
          // The export's convention (tenant-export.ts): a *party_id column refers to a party.
          if (column.endsWith('party_id') && value !== null && !brought.has(value as string)) {
            throw new TenantImportError(`${where}: ${column} names a party the export does not bring`);
          }
        }
        batch.push(row);
        rows++;
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (rows !== entry.rows) throw new TenantImportError(`${entry.file} holds ${rows} rows, the manifest says ${entry.rows}`);
    }
  });
  return manifest;
}

/**
 * Imports a tar archive of an export (as GET /admin/export.tar gives it): unpacked into a fresh
 * folder under `tempDir`, imported, and the folder removed again whether the import worked or not.
 */
export async function importTenantArchive(
  database: Database,
  archive: string | Readable,
  options: { tempDir?: string } = {},
): Promise<ExportManifest> {
  const directory = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'kommuna-import-'));
  try {
    await extractTar(typeof archive === 'string' ? fs.createReadStream(archive) : archive, directory);
    return await importTenant(database, directory);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

function decode(value: unknown, type: string, directory: string, attachments: Set<string>): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'bytea') {
    const digest = (value as { $attachment?: string }).$attachment;
    if (!digest || !attachments.has(digest)) throw new TenantImportError('a binary value does not name an attachment of the export');
    return fs.readFileSync(path.join(directory, 'attachments', digest));
  }
  if (type === 'json' || type === 'jsonb') return JSON.stringify(value);
  return value;
}
