import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { appendAuditEntry } from '@kommuna/platform-audit';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { HomeCareImportError, ImportProblem, MAX_LISTED_PROBLEMS } from './errors';
import { describeIssues, IMPORT_FORMATS, IMPORT_KINDS, ImportFormat, ImportKind, ImportRow, readRecords, ROW_SCHEMAS } from './import-rows';
import { currentTenant, HomeCareActor, HomeCareGate } from './access';

export interface ImportFileInput {
  kind: ImportKind;
  format: ImportFormat;
  /** The file's name as sent: it names the file in every problem and in the check's inputs. */
  fileName: string;
  content: string | Buffer;
}

export interface ImportResult {
  importId: string;
  kind: ImportKind;
  rows: number;
  /** True when this very file was imported before: nothing changed. */
  alreadyImported: boolean;
}

/** Rows are written in batches of this many, so memory stays flat whatever the file's size. */
const BATCH = 1000;

/** Serialises imports and checks of one municipality: a check never reads half an import. */
export const homeCareLock = (em: EntityManager, tenantId: string) =>
  em.query(`SELECT pg_advisory_xact_lock(hashtextextended('home_care:' || $1, 0))`, [tenantId]);

/**
 * Imports one file into the current municipality: whole or not at all. Rows are validated as they
 * stream in and written in batches inside one transaction; every problem (file, line, reason) is
 * collected, and any problem rolls the whole file back. The same file again (by its SHA-256) is a
 * no-op. Cross-row rules (unknown provider or resident, a missing rate, overlapping decisions, an
 * id imported before) are checked in SQL against what is stored, before the commit.
 */
export class HomeCareImporter {
  constructor(
    private readonly database: Database,
    private readonly tenants: TenantDirectory,
    private readonly gate: HomeCareGate,
  ) {}

  async importFile(actor: HomeCareActor, input: ImportFileInput): Promise<ImportResult> {
    const tenant = currentTenant(this.tenants);
    this.gate.assertMayImport(actor, tenant);
    if (!(IMPORT_KINDS as readonly string[]).includes(input.kind))
      throw new HomeCareImportError([{ file: input.fileName, line: 0, reason: `kind must be one of ${IMPORT_KINDS.join(', ')}` }]);
    if (!(IMPORT_FORMATS as readonly string[]).includes(input.format))
      throw new HomeCareImportError([{ file: input.fileName, line: 0, reason: `format must be one of ${IMPORT_FORMATS.join(', ')}` }]);
    const fileName = input.fileName.trim().slice(0, 200) || 'unnamed';
    const sha256 = createHash('sha256').update(input.content).digest('hex');
    return this.database.transaction(async (em) => {
      await homeCareLock(em, tenant.id);
      const [existing] = await em.query(`SELECT id, rows FROM home_care_import WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3`, [
        tenant.id,
        input.kind,
        sha256,
      ]);
      if (existing) return { importId: existing.id, kind: input.kind, rows: existing.rows, alreadyImported: true };
      const [{ id: importId }] = await em.query(
        `INSERT INTO home_care_import (tenant_id, kind, file_name, sha256, rows, imported_by) VALUES ($1, $2, $3, $4, 0, $5) RETURNING id`,
        [tenant.id, input.kind, fileName, sha256, this.gate.actorName(actor)],
      );
      const problems = new Problems(fileName);
      const writer = WRITERS[input.kind](em, tenant.id, importId, problems);
      let rows = 0;
      let batch: Array<{ line: number; row: never }> = [];
      for await (const raw of readRecords(Readable.from([input.content]), input.format)) {
        if ('unreadable' in raw) {
          problems.add(raw.line, raw.unreadable);
          continue;
        }
        const parsed = ROW_SCHEMAS[input.kind].safeParse(raw.record);
        if (!parsed.success) {
          problems.add(raw.line, describeIssues(parsed.error));
          continue;
        }
        if (parsed.data.municipality !== tenant.kommunkod) {
          problems.add(raw.line, `municipality ${parsed.data.municipality} is not ${tenant.names.sv} (${tenant.kommunkod})`);
          continue;
        }
        rows++;
        batch.push({ line: raw.line, row: parsed.data as never });
        if (batch.length >= BATCH) {
          await writer.write(batch);
          batch = [];
        }
      }
      // Each writer checks its rows first and writes only while no row was bad: reading on after
      // a bad row names the others, and nothing of the file is kept (the transaction rolls back).
      if (batch.length > 0) await writer.write(batch);
      await writer.finish();
      if (rows === 0 && problems.none()) problems.add(1, 'the file has no rows');
      if (!problems.none()) throw problems.error();
      await em.query(`UPDATE home_care_import SET rows = $3 WHERE tenant_id = $1 AND id = $2`, [tenant.id, importId, rows]);
      await appendAuditEntry(em, {
        actor: this.gate.actorName(actor),
        action: 'home-care.file.imported',
        targetType: 'home_care_import',
        targetId: importId,
        details: { kind: input.kind, fileName, rows, sha256 },
      });
      return { importId, kind: input.kind, rows, alreadyImported: false };
    });
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
  none(): boolean {
    return this.total === 0;
  }
  error(): HomeCareImportError {
    return new HomeCareImportError(
      [...this.listed].sort((a, b) => a.line - b.line),
      this.total,
    );
  }
}

interface Writer<K extends ImportKind> {
  /** Checks the batch's rows, then writes them unless some row of the file was bad. */
  write(batch: Array<{ line: number; row: ImportRow<K> }>): Promise<void>;
  /** The checks that need the whole file stored: they name each row at fault by its line. */
  finish(): Promise<void>;
}

type WriterFactory<K extends ImportKind> = (em: EntityManager, tenantId: string, importId: string, problems: Problems) => Writer<K>;

const col = <T, V>(batch: Array<{ line: number; row: T }>, pick: (row: T, line: number) => V): V[] => batch.map((b) => pick(b.row, b.line));

/**
 * Names the rows an INSERT … ON CONFLICT DO NOTHING skipped: ids stored before, and the second
 * copy of an id within the batch (RETURNING lists the id once, for its first copy).
 */
function reportNotWritten<T>(
  batch: Array<{ line: number; row: T }>,
  id: (row: T) => string,
  written: Set<string>,
  problems: Problems,
  reason: (id: string) => string,
): void {
  const firstCopy = new Set<string>();
  for (const { line, row } of batch) {
    const key = id(row);
    if (written.has(key) && !firstCopy.has(key)) firstCopy.add(key);
    else problems.add(line, reason(key));
  }
}

const inserted = (rows: Array<{ external_id: string }>) => new Set(rows.map((r) => r.external_id));

/** Each row of this import (visits, inpatient periods) whose resident has no assistance decision in any import is a problem on its line. */
async function reportResidentsWithoutDecision(
  em: EntityManager,
  tenantId: string,
  importId: string,
  problems: Problems,
  table: 'home_care_visit' | 'home_care_inpatient_period' | 'home_care_planned_visit',
): Promise<void> {
  const unknown: Array<{ line: number }> = await em.query(
    `SELECT r.source_line AS line FROM ${table} r
      WHERE r.tenant_id = $1 AND r.import_id = $2
        AND NOT EXISTS (SELECT 1 FROM home_care_decision d WHERE d.tenant_id = $1 AND d.resident_id = r.resident_id)
      ORDER BY r.source_line LIMIT 1000`,
    [tenantId, importId],
  );
  for (const r of unknown) problems.add(Number(r.line), 'the resident has no assistance decision: import the decisions first');
}

/** A LOV provider's rows are its rates; an own unit has one row. A providers file updates names, kinds and rates. */
const providers: WriterFactory<'providers'> = (em, tenantId, importId, problems) => {
  const first = new Map<string, { kind: string; name: string; line: number }>();
  const rateLines = new Map<string, number>();
  return {
    async write(batch) {
      for (const { line, row } of batch) {
        const seen = first.get(row.provider);
        if (seen && (seen.kind !== row.kind || seen.name !== row.name))
          problems.add(line, `provider ${row.provider} has another name or kind than on line ${seen.line}`);
        if (!seen) first.set(row.provider, { kind: row.kind, name: row.name, line });
        if (row.kind === 'lov' && (!row.service_type || row.sek_per_hour === undefined || !row.valid_from))
          problems.add(line, 'a LOV provider needs service_type, sek_per_hour and valid_from');
        if (row.kind === 'own_unit' && (row.service_type || row.sek_per_hour !== undefined))
          problems.add(line, 'an own unit is not paid per hour: leave service_type and sek_per_hour empty');
        const rateKey = `${row.provider}\u0000${row.service_type}\u0000${row.valid_from}`;
        if (row.kind === 'lov' && rateLines.has(rateKey))
          problems.add(
            line,
            `the same rate (provider ${row.provider}, ${row.service_type}, from ${row.valid_from}) is on line ${rateLines.get(rateKey)} too`,
          );
        else rateLines.set(rateKey, line);
      }
      if (!problems.none()) return;
      const firsts = batch.filter((b) => first.get(b.row.provider)?.line === b.line);
      await em.query(
        `INSERT INTO home_care_provider (tenant_id, code, name, kind, import_id, source_line)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::int[])
         ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, import_id = EXCLUDED.import_id, source_line = EXCLUDED.source_line`,
        [
          tenantId,
          col(firsts, (r) => r.provider),
          col(firsts, (r) => r.name),
          col(firsts, (r) => r.kind),
          firsts.map(() => importId),
          col(firsts, (_, l) => l),
        ],
      );
      const rates = batch.filter((b) => b.row.kind === 'lov');
      await em.query(
        `INSERT INTO home_care_provider_rate (tenant_id, provider_id, service_type, valid_from, sek_per_hour)
         SELECT $1, p.id, r.service_type, r.valid_from, r.sek_per_hour
           FROM unnest($2::text[], $3::text[], $4::date[], $5::numeric[]) AS r(code, service_type, valid_from, sek_per_hour)
           JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = r.code
         ON CONFLICT (tenant_id, provider_id, service_type, valid_from) DO UPDATE SET sek_per_hour = EXCLUDED.sek_per_hour`,
        [
          tenantId,
          col(rates, (r) => r.provider),
          col(rates, (r) => r.service_type),
          col(rates, (r) => r.valid_from),
          col(rates, (r) => r.sek_per_hour),
        ],
      );
    },
    async finish() {
      // A provider turned from LOV into an own unit keeps no rates it would be paid by.
      await em.query(
        `DELETE FROM home_care_provider_rate r USING home_care_provider p
          WHERE r.tenant_id = $1 AND p.tenant_id = $1 AND p.id = r.provider_id AND p.import_id = $2 AND p.kind = 'own_unit'`,
        [tenantId, importId],
      );
    },
  };
};

/** One row per decision and service type; a decision's own fields repeat on each of its rows. */
const decisions: WriterFactory<'decisions'> = (em, tenantId, importId, problems) => {
  const seen = new Map<string, { resident: string; from: string; to?: string; line: number; types: Set<string> }>();
  return {
    async write(batch) {
      const fresh: typeof batch = [];
      for (const { line, row } of batch) {
        if (row.valid_to && row.valid_to < row.valid_from)
          problems.add(line, `valid_to ${row.valid_to} is before valid_from ${row.valid_from}`);
        const decision = seen.get(row.decision);
        if (!decision) {
          seen.set(row.decision, {
            resident: row.resident,
            from: row.valid_from,
            to: row.valid_to,
            line,
            types: new Set([row.service_type]),
          });
          fresh.push({ line, row });
          continue;
        }
        if (decision.resident !== row.resident || decision.from !== row.valid_from || decision.to !== row.valid_to)
          problems.add(line, `decision ${row.decision} has another resident or validity than on line ${decision.line}`);
        if (decision.types.has(row.service_type)) problems.add(line, `decision ${row.decision} grants ${row.service_type} twice`);
        decision.types.add(row.service_type);
      }
      if (!problems.none()) return;
      if (fresh.length > 0) {
        const written = inserted(
          await em.query(
            `INSERT INTO home_care_decision (tenant_id, external_id, resident_id, valid_from, valid_to, import_id, source_line)
             SELECT $1, d.external_id, d.resident_id, d.valid_from, d.valid_to, $2, d.line
               FROM unnest($3::text[], $4::text[], $5::date[], $6::date[], $7::int[]) AS d(external_id, resident_id, valid_from, valid_to, line)
             ON CONFLICT (tenant_id, external_id) DO NOTHING RETURNING external_id`,
            [
              tenantId,
              importId,
              col(fresh, (r) => r.decision),
              col(fresh, (r) => r.resident),
              col(fresh, (r) => r.valid_from),
              col(fresh, (r) => r.valid_to ?? null),
              col(fresh, (_, l) => l),
            ],
          ),
        );
        for (const { line, row } of fresh)
          if (!written.has(row.decision)) problems.add(line, `decision ${row.decision} was imported before`);
        if (!problems.none()) return;
      }
      await em.query(
        `INSERT INTO home_care_decision_service (tenant_id, decision_id, service_type, granted_minutes_per_month, source_line)
         SELECT $1, d.id, s.service_type, s.granted, s.line
           FROM unnest($3::text[], $4::text[], $5::int[], $6::int[]) AS s(external_id, service_type, granted, line)
           JOIN home_care_decision d ON d.tenant_id = $1 AND d.external_id = s.external_id AND d.import_id = $2`,
        [
          tenantId,
          importId,
          col(batch, (r) => r.decision),
          col(batch, (r) => r.service_type),
          col(batch, (r) => r.granted_minutes_per_month),
          col(batch, (_, l) => l),
        ],
      );
    },
    async finish() {
      // Two decisions granting the same service type to a resident on the same day: which one counts is unclear.
      const overlaps: Array<{ line: number; decision: string; other: string; service_type: string }> = await em.query(
        `SELECT s.source_line AS line, d.external_id AS decision, o.external_id AS other, s.service_type
           FROM home_care_decision d
           JOIN home_care_decision_service s ON s.tenant_id = d.tenant_id AND s.decision_id = d.id
           JOIN home_care_decision o ON o.tenant_id = d.tenant_id AND o.resident_id = d.resident_id AND o.id <> d.id
           JOIN home_care_decision_service os ON os.tenant_id = o.tenant_id AND os.decision_id = o.id AND os.service_type = s.service_type
          WHERE d.tenant_id = $1 AND d.import_id = $2
            AND daterange(d.valid_from, d.valid_to, '[]') && daterange(o.valid_from, o.valid_to, '[]')
          ORDER BY s.source_line LIMIT 1000`,
        [tenantId, importId],
      );
      for (const o of overlaps) problems.add(Number(o.line), `decision ${o.decision} overlaps decision ${o.other} for ${o.service_type}`);
    },
  };
};

/** The municipality's providers by code: id and kind, read once per file. */
const providersOf = async (em: EntityManager, tenantId: string): Promise<Map<string, { id: string; kind: string }>> =>
  new Map(
    (await em.query(`SELECT code, id, kind FROM home_care_provider WHERE tenant_id = $1`, [tenantId])).map(
      (p: { code: string; id: string; kind: string }) => [p.code, { id: p.id, kind: p.kind }],
    ),
  );

/** A visit's provider must be known, and its stop after its start within a day. */
function checkVisitRow(
  known: Map<string, unknown>,
  problems: Problems,
  line: number,
  provider: string,
  start: string,
  stop: string,
  names: { start: string; stop: string },
): void {
  if (!known.has(provider)) problems.add(line, `provider ${provider} is unknown: import it with the providers first`);
  const minutes = (Date.parse(stop) - Date.parse(start)) / 60_000;
  if (minutes <= 0) problems.add(line, `${names.stop} is not after ${names.start}`);
  else if (minutes > 24 * 60) problems.add(line, 'the visit lasts more than 24 hours');
}

/** Performed visits; each names a provider of the municipality and a resident with a decision. */
const visits: WriterFactory<'visits'> = (em, tenantId, importId, problems) => {
  let providers: Map<string, { id: string; kind: string }> | undefined;
  return {
    async write(batch) {
      providers ??= await providersOf(em, tenantId);
      for (const { line, row } of batch)
        checkVisitRow(providers, problems, line, row.provider, row.started_at, row.stopped_at, { start: 'started_at', stop: 'stopped_at' });
      if (!problems.none()) return;
      const written = inserted(
        await em.query(
          `INSERT INTO home_care_visit (tenant_id, external_id, provider_id, resident_id, service_type, started_at, stopped_at, staff_id, verification, billed_minutes, import_id, source_line)
           SELECT $1, v.external_id, v.provider_id, v.resident_id, v.service_type, v.started_at, v.stopped_at, v.staff_id, v.verification, v.billed_minutes, $2, v.line
             FROM unnest($3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::int[], $12::int[])
             AS v(external_id, provider_id, resident_id, service_type, started_at, stopped_at, staff_id, verification, billed_minutes, line)
           ON CONFLICT (tenant_id, external_id) DO NOTHING RETURNING external_id`,
          [
            tenantId,
            importId,
            col(batch, (r) => r.visit),
            col(batch, (r) => providers?.get(r.provider)?.id),
            col(batch, (r) => r.resident),
            col(batch, (r) => r.service_type),
            col(batch, (r) => r.started_at),
            col(batch, (r) => r.stopped_at),
            col(batch, (r) => r.staff),
            col(batch, (r) => r.verification),
            col(batch, (r) => r.billed_minutes ?? null),
            col(batch, (_, l) => l),
          ],
        ),
      );
      reportNotWritten(
        batch,
        (r) => r.visit,
        written,
        problems,
        (id) => `visit ${id} was imported before or is twice in the file`,
      );
    },
    async finish() {
      await reportResidentsWithoutDecision(em, tenantId, importId, problems, 'home_care_visit');
      const missingRates: Array<{ line: number; provider: string; service_type: string; day: string }> = await em.query(
        `SELECT v.source_line AS line, p.code AS provider, v.service_type, to_char((v.started_at AT TIME ZONE 'Europe/Stockholm')::date, 'YYYY-MM-DD') AS day
           FROM home_care_visit v JOIN home_care_provider p ON p.tenant_id = v.tenant_id AND p.id = v.provider_id
          WHERE v.tenant_id = $1 AND v.import_id = $2 AND p.kind = 'lov'
            AND NOT EXISTS (SELECT 1 FROM home_care_provider_rate r WHERE r.tenant_id = $1 AND r.provider_id = v.provider_id
                             AND r.service_type = v.service_type AND r.valid_from <= (v.started_at AT TIME ZONE 'Europe/Stockholm')::date)
          ORDER BY v.source_line LIMIT 1000`,
        [tenantId, importId],
      );
      for (const r of missingRates) problems.add(Number(r.line), `provider ${r.provider} has no rate for ${r.service_type} on ${r.day}`);
    },
  };
};

/** Hospital stays of residents with a decision. */
const inpatientPeriods: WriterFactory<'inpatient_periods'> = (em, tenantId, importId, problems) => ({
  async write(batch) {
    for (const { line, row } of batch)
      if (row.discharged_on && row.discharged_on < row.admitted_on)
        problems.add(line, `discharged_on ${row.discharged_on} is before admitted_on ${row.admitted_on}`);
    if (!problems.none()) return;
    const written = inserted(
      await em.query(
        `INSERT INTO home_care_inpatient_period (tenant_id, external_id, resident_id, admitted_on, discharged_on, import_id, source_line)
         SELECT $1, p.external_id, p.resident_id, p.admitted_on, p.discharged_on, $2, p.line
           FROM unnest($3::text[], $4::text[], $5::date[], $6::date[], $7::int[]) AS p(external_id, resident_id, admitted_on, discharged_on, line)
         ON CONFLICT (tenant_id, external_id) DO NOTHING RETURNING external_id`,
        [
          tenantId,
          importId,
          col(batch, (r) => r.period),
          col(batch, (r) => r.resident),
          col(batch, (r) => r.admitted_on),
          col(batch, (r) => r.discharged_on ?? null),
          col(batch, (_, l) => l),
        ],
      ),
    );
    reportNotWritten(
      batch,
      (r) => r.period,
      written,
      problems,
      (id) => `inpatient period ${id} was imported before or is twice in the file`,
    );
  },
  async finish() {
    await reportResidentsWithoutDecision(em, tenantId, importId, problems, 'home_care_inpatient_period');
  },
});

/** Planned visits; like performed ones, each names a provider of the municipality and a resident with a decision. */
const plannedVisits: WriterFactory<'planned_visits'> = (em, tenantId, importId, problems) => {
  let providers: Map<string, { id: string; kind: string }> | undefined;
  return {
    async write(batch) {
      providers ??= await providersOf(em, tenantId);
      for (const { line, row } of batch)
        checkVisitRow(providers, problems, line, row.provider, row.planned_start, row.planned_stop, {
          start: 'planned_start',
          stop: 'planned_stop',
        });
      if (!problems.none()) return;
      const written = inserted(
        await em.query(
          `INSERT INTO home_care_planned_visit (tenant_id, external_id, provider_id, resident_id, service_type, planned_start, planned_stop, import_id, source_line)
           SELECT $1, v.external_id, v.provider_id, v.resident_id, v.service_type, v.planned_start, v.planned_stop, $2, v.line
             FROM unnest($3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::int[])
             AS v(external_id, provider_id, resident_id, service_type, planned_start, planned_stop, line)
           ON CONFLICT (tenant_id, external_id) DO NOTHING RETURNING external_id`,
          [
            tenantId,
            importId,
            col(batch, (r) => r.planned_visit),
            col(batch, (r) => providers?.get(r.provider)?.id),
            col(batch, (r) => r.resident),
            col(batch, (r) => r.service_type),
            col(batch, (r) => r.planned_start),
            col(batch, (r) => r.planned_stop),
            col(batch, (_, l) => l),
          ],
        ),
      );
      reportNotWritten(
        batch,
        (r) => r.planned_visit,
        written,
        problems,
        (id) => `planned visit ${id} was imported before or is twice in the file`,
      );
    },
    async finish() {
      await reportResidentsWithoutDecision(em, tenantId, importId, problems, 'home_care_planned_visit');
    },
  };
};

/** Invoice lines of LOV providers (own units are not paid per hour and send none): one per invoice and service type. */
const invoices: WriterFactory<'invoices'> = (em, tenantId, importId, problems) => {
  let providers: Map<string, { id: string; kind: string }> | undefined;
  return {
    async write(batch) {
      providers ??= await providersOf(em, tenantId);
      for (const { line, row } of batch) {
        const provider = providers.get(row.provider);
        if (!provider) problems.add(line, `provider ${row.provider} is unknown: import it with the providers first`);
        else if (provider.kind !== 'lov')
          problems.add(line, `provider ${row.provider} is an own unit: it is not paid per hour and sends no invoice`);
      }
      if (!problems.none()) return;
      const written: Array<{ invoice: string; service_type: string }> = await em.query(
        `INSERT INTO home_care_invoice_line (tenant_id, invoice, provider_id, month, service_type, invoiced_minutes, amount_sek, import_id, source_line)
         SELECT $1, i.invoice, i.provider_id, (i.month || '-01')::date, i.service_type, i.minutes, i.amount, $2, i.line
           FROM unnest($3::text[], $4::uuid[], $5::text[], $6::text[], $7::int[], $8::numeric[], $9::int[])
           AS i(invoice, provider_id, month, service_type, minutes, amount, line)
         ON CONFLICT (tenant_id, invoice, service_type) DO NOTHING RETURNING invoice, service_type`,
        [
          tenantId,
          importId,
          col(batch, (r) => r.invoice),
          col(batch, (r) => providers?.get(r.provider)?.id),
          col(batch, (r) => r.month),
          col(batch, (r) => r.service_type),
          col(batch, (r) => r.invoiced_minutes),
          col(batch, (r) => r.amount_sek),
          col(batch, (_, l) => l),
        ],
      );
      reportNotWritten(
        batch,
        (r) => `${r.invoice}\u0000${r.service_type}`,
        new Set(written.map((w) => `${w.invoice}\u0000${w.service_type}`)),
        problems,
        (key) => `invoice ${key.split('\u0000')[0]} has a line for ${key.split('\u0000')[1]} imported before or twice in the file`,
      );
    },
    // Every invoice line stands alone: nothing to check against the rest of the file.
    finish: () => Promise.resolve(),
  };
};

const WRITERS: { [K in ImportKind]: WriterFactory<K> } = {
  providers,
  decisions,
  visits,
  inpatient_periods: inpatientPeriods,
  planned_visits: plannedVisits,
  invoices,
};
