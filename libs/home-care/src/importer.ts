import { createHash, Hash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { HomeCareImportError, ImportProblem, MAX_LISTED_PROBLEMS } from './errors';
import { IMPORT_KIND_PLANS, ImportKindPlan } from './import-kinds';
import { chunked, describeIssues, IMPORT_FORMATS, IMPORT_KINDS, ImportFormat, ImportKind, readRecords, ROW_SCHEMAS } from './import-rows';
import { currentTenant, HomeCareActor, HomeCareGate } from './access';
import type { VendorExportAdapter } from './adapters/vendor-adapter';
import { createStaging, NodePgClient, nodePgClientOf, STAGING_TABLE } from './staging';
import { csvHeaderProblem, CsvHead, readCsvHead } from './csv-head';
import { copyVisitRows, visitReferences } from './visit-copy';
import { pendingFileHash } from './migrations/1768000000300-home-care-visit-file-copy';

export interface ImportFileInput {
  kind: ImportKind;
  format: ImportFormat;
  /** The file's name as sent: it names the file in every problem and in the check's inputs. */
  fileName: string;
  /**
   * The file: a stream of its bytes (an upload, a file on disk: read as it arrives, never held
   * whole), or for small files a string or Buffer.
   */
  content: Readable | string | Buffer;
  /** A vendor's export, read by its adapter instead of the open format (`format` is then not used; `kind` must be the adapter's). */
  adapter?: VendorExportAdapter;
  /**
   * The month the file belongs to (YYYY-MM). Visits, planned visits and invoices outside it are
   * refused by line; a visits file replaces the visits file of the same month in force.
   */
  month?: string;
}

export interface ImportResult {
  importId: string;
  kind: ImportKind;
  rows: number;
  /** True when this very file was imported before: nothing changed. */
  alreadyImported: boolean;
}

/** Serialises imports and checks of one municipality: a check never reads half an import. */
export const homeCareLock = (em: EntityManager, tenantId: string) =>
  em.query(`SELECT pg_advisory_xact_lock(hashtextextended('home_care:' || $1, 0))`, [tenantId]);

const UNIQUE_VIOLATION = '23505';

/** The parameters a statement refers to: $1 the municipality, $2 the import. */
const paramsOf = (sql: string, tenantId: string, importId: string) =>
  /\$2\b/.test(sql) ? [tenantId, importId] : /\$1\b/.test(sql) ? [tenantId] : [];

/**
 * Imports one file into the current municipality: whole or not at all, in one transaction. The
 * file streams through the parser; each row is checked against its schema (the problems that need
 * no other row) and staged in a temporary table, through COPY on a PostgreSQL server
 * (staging.ts). The checks that need the whole file or what is stored (unknown provider or
 * resident, a stop before its start, a missing rate, overlapping decisions, an id imported before
 * or twice) then run over the staged rows as a set, in SQL, each naming its rows' lines; a file
 * with no problem is moved into its tables by INSERT … SELECT. Any problem rolls all of it back.
 * The same file again (by its SHA-256, taken as it streams) is a no-op.
 */
export class HomeCareImporter {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly gate: HomeCareGate,
  ) {}

  async importFile(actor: HomeCareActor, input: ImportFileInput): Promise<ImportResult> {
    const source = typeof input.content === 'string' || Buffer.isBuffer(input.content) ? chunked(input.content) : input.content;
    try {
      return await this.importStream(actor, input, source);
    } finally {
      // Refused early, or failed midway: stop reading the upload.
      if (!source.readableEnded) source.destroy();
    }
  }

  private async importStream(actor: HomeCareActor, input: ImportFileInput, source: Readable): Promise<ImportResult> {
    const tenant = currentTenant(this.tenants);
    this.gate.assertMayImport(actor, tenant);
    if (!(IMPORT_KINDS as readonly string[]).includes(input.kind))
      throw new HomeCareImportError([{ file: input.fileName, line: 0, reason: `kind must be one of ${IMPORT_KINDS.join(', ')}` }]);
    if (!(IMPORT_FORMATS as readonly string[]).includes(input.format))
      throw new HomeCareImportError([{ file: input.fileName, line: 0, reason: `format must be one of ${IMPORT_FORMATS.join(', ')}` }]);
    if (input.adapter && input.adapter.kind !== input.kind)
      throw new HomeCareImportError([
        { file: input.fileName, line: 0, reason: `adapter ${input.adapter.id} reads ${input.adapter.kind}, not ${input.kind}` },
      ]);
    const fileName = input.fileName.trim().slice(0, 200) || 'unnamed';
    if (input.month !== undefined && !/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(input.month))
      throw new HomeCareImportError([{ file: fileName, line: 0, reason: 'month must be a month as YYYY-MM (e.g. 2025-03)' }]);
    const month = input.month === undefined ? null : `${input.month}-01`;
    const plan = IMPORT_KIND_PLANS[input.kind] as ImportKindPlan<ImportKind>;
    const schema = ROW_SCHEMAS[input.kind];
    const hash = createHash('sha256');
    const hashed = Readable.from(
      (async function* () {
        for await (const chunk of source) {
          hash.update(chunk as Buffer | string);
          yield chunk;
        }
      })(),
    );
    // A CSV file's header is checked before anything else: a missing or unknown column named once, not on every row.
    const head: CsvHead | undefined = input.format === 'csv' && !input.adapter ? await readCsvHead(hashed) : undefined;
    const headerProblem = head && csvHeaderProblem(input.kind, head.columns);
    if (headerProblem) throw new HomeCareImportError([{ file: fileName, line: 1, reason: headerProblem }]);
    return this.database.transaction(async (em) => {
      await homeCareLock(em, tenant.id);
      // The checks over a million staged rows cost enough to be JIT-compiled, which takes seconds and saves less.
      await em.query(`SET LOCAL jit = off`);
      const problems = new Problems(fileName);
      let rows = 0;
      // On a PostgreSQL server a visits CSV is copied, typed, straight into its file's own table (visit-copy.ts).
      const client = head && input.kind === 'visits' ? await nodePgClientOf(em) : undefined;
      if (head && client)
        return this.importVisitsByCopy(em, actor, tenant, { fileName, month, monthText: input.month }, head, client, hash);
      const staging = await createStaging(em, plan.columns);
      try {
        for await (const raw of input.adapter ? input.adapter.records(hashed) : readRecords(head?.content ?? hashed, input.format)) {
          if ('unreadable' in raw) {
            problems.add(raw.line, raw.unreadable);
            continue;
          }
          const parsed = schema.safeParse(raw.record);
          if (!parsed.success) {
            problems.add(raw.line, describeIssues(parsed.error));
            continue;
          }
          const row = parsed.data as never;
          if (parsed.data.municipality !== tenant.kommunkod) {
            problems.add(raw.line, `municipality ${parsed.data.municipality} is not ${tenant.names.sv} (${tenant.kommunkod})`);
            continue;
          }
          const own = plan.rowProblems?.(row) ?? [];
          for (const reason of own) problems.add(raw.line, reason);
          if (own.length > 0) continue;
          rows++;
          // Rows after a bad one are staged too, so the checks name their problems in the same answer.
          await staging.add([raw.line, ...plan.values(row)]);
        }
        await staging.finish();
      } catch (error) {
        await staging.abort(error as Error);
        throw error;
      }
      const sha256 = hash.digest('hex');
      const [existing] = await em.query(
        `SELECT id, rows FROM home_care_import WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3 AND replaced_by IS NULL AND dropped_at IS NULL`,
        [tenant.id, input.kind, sha256],
      );
      if (existing) return { importId: existing.id, kind: input.kind, rows: existing.rows, alreadyImported: true };
      if (rows === 0 && problems.none()) problems.add(1, 'the file has no rows');
      // The set-based checks plan on what was staged, not on an empty table's guess.
      await em.query(`ANALYZE ${STAGING_TABLE}`);
      const importId = randomUUID();
      const replaced = month && input.kind === 'visits' ? await this.replaceMonthFile(em, tenant.id, month, importId) : [];
      const monthCheck = month ? plan.outsideMonth?.(month) : undefined;
      await this.addChecked(em, monthCheck ? [...plan.checks, monthCheck] : plan.checks, tenant.id, importId, problems);
      if (!problems.none()) {
        if (plan.duplicates) await this.addChecked(em, [plan.duplicates], tenant.id, importId, problems);
        throw problems.error();
      }
      await em.query(
        `INSERT INTO home_care_import (tenant_id, id, kind, file_name, sha256, rows, imported_by, month) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [tenant.id, importId, input.kind, fileName, sha256, rows, this.gate.actorName(actor), month],
      );
      const move = typeof plan.move === 'function' ? plan.move(importId) : plan.move;
      await this.moveOrNameDuplicates(em, move, plan.duplicates, tenant.id, importId, problems);
      return this.accepted(em, actor, { importId, kind: input.kind, fileName, rows, sha256, month: input.month ?? null, replaced });
    });
  }

  /**
   * A visits CSV on a PostgreSQL server (ADR 0022, sixth step): the import's record and its file's
   * table first (the owner's function needs the record; the file's hash is known only at the end),
   * then the rows checked in the process and COPYed, typed, into that table (visit-copy.ts); what
   * needs the stored visits in SQL; then the table is attached. The same file again, or a refused
   * one, leaves nothing: its record and table are rolled back.
   */
  private async importVisitsByCopy(
    em: EntityManager,
    actor: HomeCareActor,
    tenant: { id: string; kommunkod: string; names: { sv: string } },
    file: { fileName: string; month: string | null; monthText: string | undefined },
    head: CsvHead,
    client: NodePgClient,
    hash: Hash,
  ): Promise<ImportResult> {
    const { fileName, month } = file;
    const problems = new Problems(fileName);
    const importId = randomUUID();
    const refs = await visitReferences(
      em,
      tenant.id,
      { kommunkod: tenant.kommunkod, name: `${tenant.names.sv} (${tenant.kommunkod})` },
      month,
    );
    await em.query(`SAVEPOINT home_care_file`);
    await em.query(
      `INSERT INTO home_care_import (tenant_id, id, kind, file_name, sha256, rows, imported_by, month) VALUES ($1, $2, 'visits', $3, $4, 0, $5, $6)`,
      [tenant.id, importId, fileName, pendingFileHash(importId), this.gate.actorName(actor), month],
    );
    const [{ table }]: Array<{ table: string }> = await em.query(`SELECT home_care_visit_file_table($1::uuid, $2::uuid) AS table`, [
      tenant.id,
      importId,
    ]);
    const quoted = `"${table.replaceAll('"', '""')}"`;
    const { written: rows, readable } = await copyVisitRows(client, quoted, head, refs, problems);
    if (!readable) throw problems.error();
    const sha256 = hash.digest('hex');
    const [existing] = await em.query(
      `SELECT id, rows FROM home_care_import WHERE tenant_id = $1 AND kind = 'visits' AND sha256 = $2 AND replaced_by IS NULL AND dropped_at IS NULL`,
      [tenant.id, sha256],
    );
    if (existing) {
      await em.query(`ROLLBACK TO SAVEPOINT home_care_file`);
      return { importId: existing.id, kind: 'visits', rows: existing.rows, alreadyImported: true };
    }
    if (rows === 0 && problems.none()) problems.add(1, 'the file has no rows');
    await em.query(`SELECT home_care_visit_file_read($1::uuid, $2::uuid, $3, $4)`, [tenant.id, importId, sha256, rows]);
    const replaced = month ? await this.replaceMonthFile(em, tenant.id, month, importId) : [];
    // Each file has its own table: an id of an earlier file is found here, under the municipality's lock, not by one index.
    const [{ others }] = await em.query(
      `SELECT EXISTS (SELECT 1 FROM home_care_import WHERE tenant_id = $1 AND kind = 'visits' AND id <> $2 AND replaced_by IS NULL AND dropped_at IS NULL) AS others`,
      [tenant.id, importId],
    );
    const repeated = `'visit ' || f.external_id || ' was imported before or is twice in the file'`;
    if (others)
      await this.addChecked(
        em,
        [
          `SELECT f.source_line AS line, ${repeated} AS reason FROM ${quoted} f
           WHERE EXISTS (SELECT 1 FROM home_care_visit v WHERE v.tenant_id = $1 AND v.external_id = f.external_id)`,
        ],
        tenant.id,
        '',
        problems,
      );
    // An id twice in the file: refused by the file's unique index as it is attached, only then named.
    const duplicates = `SELECT line, ${repeated} AS reason FROM (
        SELECT source_line AS line, external_id, row_number() OVER (PARTITION BY external_id ORDER BY source_line) AS copy FROM ${quoted}) f
       WHERE copy > 1`;
    if (!problems.none()) {
      await this.addChecked(em, [duplicates], tenant.id, importId, problems);
      throw problems.error();
    }
    await this.moveOrNameDuplicates(em, [`SELECT home_care_visit_attach($1::uuid, $2::uuid)`], duplicates, tenant.id, importId, problems);
    return this.accepted(em, actor, { importId, kind: 'visits', fileName, rows, sha256, month: file.monthText ?? null, replaced });
  }

  /**
   * The month's visits file in force leaves the municipality's visits first (detached, dropped later by the
   * retention task), so its ids are not "imported before"; a refused file rolls this back with the rest.
   */
  private async replaceMonthFile(em: EntityManager, tenantId: string, month: string, importId: string): Promise<string[]> {
    const earlier: Array<{ id: string }> = await em.query(
      `SELECT id FROM home_care_import WHERE tenant_id = $1 AND kind = 'visits' AND month = $2 AND replaced_by IS NULL AND dropped_at IS NULL AND id <> $3`,
      [tenantId, month, importId],
    );
    for (const { id } of earlier) await em.query(`SELECT home_care_visit_replace($1::uuid, $2::uuid, $3::uuid)`, [tenantId, id, importId]);
    return earlier.map((e) => e.id);
  }

  /**
   * Moves the rows into their tables. A repeated id (within the file or stored before) is caught by
   * the unique index as the rows move, so a good file pays no separate search for them: only then
   * are their lines named (the move undone first).
   */
  private async moveOrNameDuplicates(
    em: EntityManager,
    move: readonly string[],
    duplicates: string | null,
    tenantId: string,
    importId: string,
    problems: Problems,
  ): Promise<void> {
    await em.query(`SAVEPOINT home_care_move`);
    try {
      for (const sql of move) await em.query(sql, paramsOf(sql, tenantId, importId));
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION || !duplicates) throw error;
      await em.query(`ROLLBACK TO SAVEPOINT home_care_move`);
      await this.addChecked(em, [duplicates], tenantId, importId, problems);
      if (problems.none()) throw error;
      throw problems.error();
    }
  }

  /** An accepted file: its kind's tables analysed (the check often runs right after an import) and the import audited. */
  private async accepted(
    em: EntityManager,
    actor: HomeCareActor,
    done: { importId: string; kind: ImportKind; fileName: string; rows: number; sha256: string; month: string | null; replaced: string[] },
  ): Promise<ImportResult> {
    const { importId, kind, fileName, rows, sha256, month, replaced } = done;
    await em.query(`SELECT home_care_analyze($1)`, [kind]);
    await appendAuditEntry(em, {
      actor: this.gate.actorName(actor),
      action: 'home-care.file.imported',
      targetType: 'home_care_import',
      targetId: importId,
      details: { kind, fileName, rows, sha256, month, replaced },
    });
    return { importId, kind, rows, alreadyImported: false };
  }

  /** Runs checks over the staged rows as one statement: the first problems by line, and how many there are. */
  private async addChecked(em: EntityManager, checks: readonly string[], tenantId: string, importId: string, problems: Problems) {
    const sql = `SELECT line, reason, count(*) OVER ()::int AS total FROM (
      ${checks.map((check, i) => `SELECT c.line, c.reason, ${i} AS ord FROM (${check}) c`).join('\n UNION ALL ')}) p
      ORDER BY line, ord, reason LIMIT ${MAX_LISTED_PROBLEMS}`;
    const found: Array<{ line: number; reason: string; total: number }> = await em.query(sql, paramsOf(sql, tenantId, importId));
    problems.addCounted(
      found.map((f) => ({ line: Number(f.line), reason: f.reason })),
      found[0]?.total ?? 0,
    );
  }
}

class Problems {
  private readonly listed: ImportProblem[] = [];
  private total = 0;
  constructor(private readonly file: string) {}
  add(line: number, reason: string): void {
    this.total++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push({ file: this.file, line, reason });
  }
  /** Problems found in SQL: the first of them, and how many there were in all. */
  addCounted(found: Array<{ line: number; reason: string }>, total: number): void {
    this.total += total;
    for (const f of found) this.listed.push({ file: this.file, line: f.line, reason: f.reason });
  }
  none(): boolean {
    return this.total === 0;
  }
  error(): HomeCareImportError {
    return new HomeCareImportError([...this.listed].sort((a, b) => a.line - b.line).slice(0, MAX_LISTED_PROBLEMS), this.total);
  }
}
