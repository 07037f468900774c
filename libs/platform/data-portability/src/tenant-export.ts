import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Database } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { quoteIdent, tenantTables } from './table-catalog';

export const EXPORT_FORMAT = 'kommuna-tenant-export';
export const EXPORT_VERSION = 1;

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  tenant: { id: string; slug: string; kommunkod: string };
  /** The migrations the data was written under: an import needs the same (or a newer) schema. */
  migrations: string[];
  tables: Array<{ name: string; rows: number; file: string }>;
  /** Every file of the export but the manifest, with its SHA-256. */
  files: Array<{ path: string; sha256: string; bytes: number }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGE = 500;

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * Writes everything a municipality owns into `directory`: its tenant record, every tenant-owned
 * table as JSON Lines (rows in key order, so the same data gives the same bytes), binary values
 * as attachment files named by their SHA-256, the parties its rows refer to, and a manifest with
 * a checksum per file. Reads run in the tenant's context, so row-level security decides what is
 * the tenant's: nothing of another municipality can end up in the export.
 */
export async function exportTenant(database: Database, tenantId: string, directory: string): Promise<ExportManifest> {
  if (!UUID.test(tenantId)) throw new Error('exportTenant: tenantId must be a uuid');
  fs.mkdirSync(path.join(directory, 'tables'), { recursive: true });
  fs.mkdirSync(path.join(directory, 'attachments'), { recursive: true });
  const files: ExportManifest['files'] = [];
  const write = (relative: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(directory, relative), content);
    files.push({ path: relative, sha256: sha256(content), bytes: Buffer.byteLength(content) });
  };

  const [tenant] = await database.platformTransaction((em) => em.query(`SELECT * FROM tenant WHERE id = $1`, [tenantId]));
  if (!tenant) throw new Error(`No tenant with id ${tenantId}`);
  write('tenant.json', `${JSON.stringify(tenant, null, 2)}\n`);
  const migrations: string[] = (await database.dataSource.query(`SELECT name FROM migrations ORDER BY id`)).map(
    (m: { name: string }) => m.name,
  );

  const partyIds = new Set<string>();
  const attachments = new Set<string>();
  const tables: ExportManifest['tables'] = [];
  await requestContext.run({ requestId: 'tenant-export', tenantId }, () =>
    database.transaction(async (em) => {
      for (const table of await tenantTables(em)) {
        const file = `tables/${table.name}.jsonl`;
        const out = fs.openSync(path.join(directory, file), 'w');
        const hash = createHash('sha256');
        let rows = 0;
        let bytes = 0;
        try {
          const order = table.primaryKey.map(quoteIdent).join(', ') || 'tenant_id';
          // A cursor keeps memory flat however large the table is.
          await em.query(
            `DECLARE tenant_export NO SCROLL CURSOR FOR SELECT * FROM ${quoteIdent(table.name)} WHERE tenant_id = '${tenantId}' ORDER BY ${order}`,
          );
          for (;;) {
            const page: Array<Record<string, unknown>> = await em.query(`FETCH ${PAGE} FROM tenant_export`);
            for (const row of page) {
              const record: Record<string, unknown> = {};
              for (const { name } of table.columns) {
                const value = row[name];
                if (value instanceof Uint8Array) {
                  const buffer = Buffer.from(value);
                  const digest = sha256(buffer);
                  if (!attachments.has(digest)) {
                    attachments.add(digest);
                    write(`attachments/${digest}`, buffer);
                  }
                  record[name] = { $attachment: digest };
                } else {
                  record[name] = value instanceof Date ? value.toISOString() : value;
                }
                if (name.endsWith('party_id') && typeof value === 'string') partyIds.add(value);
              }
              const line = `${JSON.stringify(record)}\n`;
              fs.writeSync(out, line);
              hash.update(line);
              bytes += Buffer.byteLength(line);
              rows++;
            }
            if (page.length < PAGE) break;
          }
          await em.query(`CLOSE tenant_export`);
        } finally {
          fs.closeSync(out);
        }
        files.push({ path: file, sha256: hash.digest('hex'), bytes });
        tables.push({ name: table.name, rows, file });
      }
    }),
  );

  const parties = await database.platformTransaction((em) =>
    em.query(`SELECT * FROM party WHERE id = ANY($1::uuid[]) ORDER BY id`, [[...partyIds]]),
  );
  write('parties.jsonl', parties.map((p: Record<string, unknown>) => `${JSON.stringify(p)}\n`).join(''));

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date().toISOString(),
    tenant: { id: tenant.id, slug: tenant.slug, kommunkod: tenant.kommunkod },
    migrations,
    tables,
    files,
  };
  fs.writeFileSync(path.join(directory, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
