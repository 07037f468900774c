import type { ImportKind, ImportRow } from './import-rows';
import type { StagingColumn } from './staging';

/**
 * How each kind of file is staged, checked and stored. A row that passed its schema is staged
 * (STAGING_TABLE, `s` below, with its line); then `checks` run over the whole file at once, in SQL
 * ($1 the municipality), each selecting the line and reason of every row at fault; only a file
 * without a problem is moved into its tables by `move` ($1 the municipality, $2 the import).
 * Each id's uniqueness (within the file and against earlier imports) is the last check: the
 * tables' unique indexes refuse a repeated id as the rows move, and only then does `duplicates`
 * name their lines (the move undone first). On a file refused for other problems it runs too.
 */
export interface ImportKindPlan<K extends ImportKind> {
  columns: readonly StagingColumn[];
  /** The staged values in column order (the line is added before them). */
  values(row: ImportRow<K>): readonly unknown[];
  /** A row's checks that need no other row: its reasons, if any. */
  rowProblems?(row: ImportRow<K>): string[];
  checks: readonly string[];
  /** Statements moving the staged rows into the tables (visits: into the import's own table, by its id). */
  move: readonly string[] | ((importId: string) => readonly string[]);
  /** Lines whose id was imported before or is twice in the file; null when the checks cover it. */
  duplicates: string | null;
  /** Lines outside the import's month (its first day, YYYY-MM-01, checked before), for the kinds that belong to a month. */
  outsideMonth?(month: string): string;
}

const S = 'home_care_staging';
const TZ = `'Europe/Stockholm'`;

/** Rows whose time (in Swedish time) is not in the import's month. */
const outsideMonth = (column: string) => (month: string) =>
  `SELECT line, '${column} ' || to_char(${column} AT TIME ZONE ${TZ}, 'YYYY-MM-DD') || ' is not in the month ' || to_char(DATE '${month}', 'YYYY-MM') || ' of the import' AS reason
     FROM ${S} WHERE date_trunc('month', ${column} AT TIME ZONE ${TZ})::date <> DATE '${month}'`;

const unknownProvider = `SELECT s.line, 'provider ' || s.provider || ' is unknown: import it with the providers first' AS reason FROM ${S} s
  WHERE NOT EXISTS (SELECT 1 FROM home_care_provider p WHERE p.tenant_id = $1 AND p.code = s.provider)`;

const withoutDecision = `SELECT s.line, 'the resident has no assistance decision: import the decisions first' AS reason FROM ${S} s
  WHERE NOT EXISTS (SELECT 1 FROM home_care_decision d WHERE d.tenant_id = $1 AND d.resident_id = s.resident_id)`;

const times = (start: string, stop: string) => [
  `SELECT line, '${stop} is not after ${start}' AS reason FROM ${S} WHERE ${stop} <= ${start}`,
  `SELECT line, 'the visit lasts more than 24 hours' AS reason FROM ${S} WHERE ${stop} - ${start} > interval '24 hours'`,
];

/** Rows whose id (key columns) is stored by another import, or repeats an earlier line of the file. */
const repeatedIds = (key: string[], table: string, tableKey: string[], reason: string) =>
  `SELECT line, ${reason} AS reason FROM (
     SELECT s.*, row_number() OVER (PARTITION BY ${key.map((k) => `s.${k}`).join(', ')} ORDER BY s.line) AS copy FROM ${S} s) s
    WHERE copy > 1 OR EXISTS (SELECT 1 FROM ${table} t WHERE t.tenant_id = $1 AND t.import_id <> $2
                               AND ${tableKey.map((k, i) => `t.${k} = s.${key[i]}`).join(' AND ')})`;

const PROVIDERS: ImportKindPlan<'providers'> = {
  columns: [
    ['code', 'text'],
    ['name', 'text'],
    ['kind', 'text'],
    ['service_type', 'text'],
    ['sek_per_hour', 'numeric'],
    ['valid_from', 'date'],
  ],
  values: (r) => [r.provider, r.name, r.kind, r.service_type, r.sek_per_hour, r.valid_from],
  rowProblems(r) {
    if (r.kind === 'lov' && (!r.service_type || r.sek_per_hour === undefined || !r.valid_from))
      return ['a LOV provider needs service_type, sek_per_hour and valid_from'];
    if (r.kind === 'own_unit' && (r.service_type || r.sek_per_hour !== undefined))
      return ['an own unit is not paid per hour: leave service_type and sek_per_hour empty'];
    return [];
  },
  checks: [
    `SELECT s.line, 'provider ' || s.code || ' has another name or kind than on line ' || f.line AS reason
       FROM ${S} s JOIN (SELECT DISTINCT ON (code) code, line, name, kind FROM ${S} ORDER BY code, line) f ON f.code = s.code
      WHERE s.line <> f.line AND (s.name <> f.name OR s.kind <> f.kind)`,
    `SELECT line, 'the same rate (provider ' || code || ', ' || service_type || ', from ' || to_char(valid_from, 'YYYY-MM-DD') || ') is on line ' || first || ' too' AS reason
       FROM (SELECT line, code, service_type, valid_from, min(line) OVER (PARTITION BY code, service_type, valid_from) AS first FROM ${S} WHERE kind = 'lov') r
      WHERE line <> first`,
  ],
  // A providers file updates names, kinds and rates; a provider turned from LOV into an own unit keeps no rates.
  move: [
    `INSERT INTO home_care_provider (tenant_id, code, name, kind, import_id, source_line)
     SELECT DISTINCT ON (code) $1::uuid, code, name, kind, $2::uuid, line FROM ${S} ORDER BY code, line
     ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, import_id = EXCLUDED.import_id, source_line = EXCLUDED.source_line`,
    `INSERT INTO home_care_provider_rate (tenant_id, provider_id, service_type, valid_from, sek_per_hour)
     SELECT $1::uuid, p.id, s.service_type, s.valid_from, s.sek_per_hour
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.code WHERE s.kind = 'lov'
     ON CONFLICT (tenant_id, provider_id, service_type, valid_from) DO UPDATE SET sek_per_hour = EXCLUDED.sek_per_hour`,
    `DELETE FROM home_care_provider_rate r USING home_care_provider p
      WHERE r.tenant_id = $1 AND p.tenant_id = $1 AND p.id = r.provider_id AND p.import_id = $2 AND p.kind = 'own_unit'`,
  ],
  duplicates: null,
};

/** One row per decision and service type; a decision's own fields repeat on each of its rows. */
const DECISIONS: ImportKindPlan<'decisions'> = {
  columns: [
    ['decision', 'text'],
    ['resident_id', 'text'],
    ['valid_from', 'date'],
    ['valid_to', 'date'],
    ['service_type', 'text'],
    ['granted', 'int'],
  ],
  values: (r) => [r.decision, r.resident, r.valid_from, r.valid_to, r.service_type, r.granted_minutes_per_month],
  rowProblems: (r) => (r.valid_to && r.valid_to < r.valid_from ? [`valid_to ${r.valid_to} is before valid_from ${r.valid_from}`] : []),
  checks: [
    `SELECT s.line, 'decision ' || s.decision || ' has another resident or validity than on line ' || f.line AS reason
       FROM ${S} s JOIN (SELECT DISTINCT ON (decision) decision, line, resident_id, valid_from, valid_to FROM ${S} ORDER BY decision, line) f
         ON f.decision = s.decision
      WHERE s.line <> f.line AND (s.resident_id, s.valid_from, s.valid_to) IS DISTINCT FROM (f.resident_id, f.valid_from, f.valid_to)`,
    `SELECT line, 'decision ' || decision || ' grants ' || service_type || ' twice' AS reason
       FROM (SELECT line, decision, service_type, row_number() OVER (PARTITION BY decision, service_type ORDER BY line) AS copy FROM ${S}) t
      WHERE copy > 1`,
    `SELECT f.line, 'decision ' || f.decision || ' was imported before' AS reason
       FROM (SELECT DISTINCT ON (decision) decision, line FROM ${S} ORDER BY decision, line) f
      WHERE EXISTS (SELECT 1 FROM home_care_decision d WHERE d.tenant_id = $1 AND d.external_id = f.decision)`,
    // Two decisions granting the same service type to a resident on the same day: which one counts is unclear.
    `SELECT s.line, 'decision ' || s.decision || ' overlaps decision ' || d.external_id || ' for ' || s.service_type AS reason
       FROM ${S} s
       JOIN home_care_decision d ON d.tenant_id = $1 AND d.resident_id = s.resident_id AND d.external_id <> s.decision
       JOIN home_care_decision_service ds ON ds.tenant_id = $1 AND ds.decision_id = d.id AND ds.service_type = s.service_type
      WHERE daterange(s.valid_from, s.valid_to, '[]') && daterange(d.valid_from, d.valid_to, '[]')`,
    `SELECT s.line, 'decision ' || s.decision || ' overlaps decision ' || o.decision || ' for ' || s.service_type AS reason
       FROM ${S} s JOIN ${S} o ON o.resident_id = s.resident_id AND o.service_type = s.service_type AND o.decision <> s.decision
      WHERE daterange(s.valid_from, s.valid_to, '[]') && daterange(o.valid_from, o.valid_to, '[]')`,
  ],
  move: [
    `INSERT INTO home_care_decision (tenant_id, external_id, resident_id, valid_from, valid_to, import_id, source_line)
     SELECT DISTINCT ON (decision) $1::uuid, decision, resident_id, valid_from, valid_to, $2::uuid, line FROM ${S} ORDER BY decision, line`,
    `INSERT INTO home_care_decision_service (tenant_id, decision_id, service_type, granted_minutes_per_month, source_line)
     SELECT $1::uuid, d.id, s.service_type, s.granted, s.line
       FROM ${S} s JOIN home_care_decision d ON d.tenant_id = $1 AND d.external_id = s.decision AND d.import_id = $2`,
  ],
  duplicates: null,
};

/** The table of one visits file (made by home_care_visit_file_table, migration 1768000000100). */
const visitFileTable = (importId: string) => `home_care_visit_f_${importId.replaceAll('-', '')}`;

const VISIT_REPEATED = `'visit ' || s.external_id || ' was imported before or is twice in the file'`;

const VISITS: ImportKindPlan<'visits'> = {
  columns: [
    ['external_id', 'text'],
    ['provider', 'text'],
    ['resident_id', 'text'],
    ['service_type', 'text'],
    ['started_at', 'timestamptz'],
    ['stopped_at', 'timestamptz'],
    ['staff_id', 'text'],
    ['verification', 'text'],
    ['billed_minutes', 'int'],
  ],
  values: (r) => [r.visit, r.provider, r.resident, r.service_type, r.started_at, r.stopped_at, r.staff, r.verification, r.billed_minutes],
  checks: [
    unknownProvider,
    ...times('started_at', 'stopped_at'),
    withoutDecision,
    // Each file has its own table: an id of an earlier file is found here, under the municipality's lock, not by one index.
    `SELECT s.line, ${VISIT_REPEATED} AS reason FROM ${S} s
      WHERE EXISTS (SELECT 1 FROM home_care_visit v WHERE v.tenant_id = $1 AND v.external_id = s.external_id)`,
    // A LOV provider is paid by its rate on the visit's day: a rate must be in force from then on.
    `SELECT s.line, 'provider ' || s.provider || ' has no rate for ' || s.service_type || ' on ' || to_char((s.started_at AT TIME ZONE ${TZ})::date, 'YYYY-MM-DD') AS reason
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.provider AND p.kind = 'lov'
       LEFT JOIN (SELECT provider_id, service_type, min(valid_from) AS first FROM home_care_provider_rate WHERE tenant_id = $1 GROUP BY provider_id, service_type) r
         ON r.provider_id = p.id AND r.service_type = s.service_type
      WHERE r.first IS NULL OR (s.started_at AT TIME ZONE ${TZ})::date < r.first`,
  ],
  // The file's own table, filled standing alone (no index, no foreign key trigger), then attached:
  // its indexes are built once and its foreign keys checked as a set (ADR 0022, third step).
  move: (importId) => [
    `SELECT home_care_visit_file_table($1::uuid, $2::uuid)`,
    `INSERT INTO ${visitFileTable(importId)} (tenant_id, import_id, source_line, external_id, provider_id, resident_id, service_type, started_at, stopped_at, staff_id, verification, billed_minutes)
     SELECT $1::uuid, $2::uuid, s.line, s.external_id, p.id, s.resident_id, s.service_type, s.started_at, s.stopped_at, s.staff_id, s.verification, s.billed_minutes
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.provider`,
    `SELECT home_care_visit_attach($1::uuid, $2::uuid)`,
  ],
  outsideMonth: outsideMonth('started_at'),
  // A visit id twice in the file is refused by the file's unique index as it is attached.
  duplicates: `SELECT line, ${VISIT_REPEATED} AS reason FROM (
     SELECT line, external_id, row_number() OVER (PARTITION BY external_id ORDER BY line) AS copy FROM ${S}) s WHERE copy > 1`,
};

/** Hospital stays of residents with a decision. */
const INPATIENT_PERIODS: ImportKindPlan<'inpatient_periods'> = {
  columns: [
    ['external_id', 'text'],
    ['resident_id', 'text'],
    ['admitted_on', 'date'],
    ['discharged_on', 'date'],
  ],
  values: (r) => [r.period, r.resident, r.admitted_on, r.discharged_on],
  rowProblems: (r) =>
    r.discharged_on && r.discharged_on < r.admitted_on ? [`discharged_on ${r.discharged_on} is before admitted_on ${r.admitted_on}`] : [],
  checks: [withoutDecision],
  move: [
    `INSERT INTO home_care_inpatient_period (tenant_id, external_id, resident_id, admitted_on, discharged_on, import_id, source_line)
     SELECT $1::uuid, external_id, resident_id, admitted_on, discharged_on, $2::uuid, line FROM ${S}`,
  ],
  duplicates: repeatedIds(
    ['external_id'],
    'home_care_inpatient_period',
    ['external_id'],
    `'inpatient period ' || external_id || ' was imported before or is twice in the file'`,
  ),
};

/** Planned visits; like performed ones, each names a provider of the municipality and a resident with a decision. */
const PLANNED_VISITS: ImportKindPlan<'planned_visits'> = {
  columns: [
    ['external_id', 'text'],
    ['provider', 'text'],
    ['resident_id', 'text'],
    ['service_type', 'text'],
    ['planned_start', 'timestamptz'],
    ['planned_stop', 'timestamptz'],
  ],
  values: (r) => [r.planned_visit, r.provider, r.resident, r.service_type, r.planned_start, r.planned_stop],
  checks: [unknownProvider, ...times('planned_start', 'planned_stop'), withoutDecision],
  outsideMonth: outsideMonth('planned_start'),
  move: [
    `INSERT INTO home_care_planned_visit (tenant_id, external_id, provider_id, resident_id, service_type, planned_start, planned_stop, import_id, source_line)
     SELECT $1::uuid, s.external_id, p.id, s.resident_id, s.service_type, s.planned_start, s.planned_stop, $2::uuid, s.line
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.provider`,
  ],
  duplicates: repeatedIds(
    ['external_id'],
    'home_care_planned_visit',
    ['external_id'],
    `'planned visit ' || external_id || ' was imported before or is twice in the file'`,
  ),
};

/** Invoice lines of LOV providers (own units are not paid per hour and send none): one per invoice and service type. */
const INVOICES: ImportKindPlan<'invoices'> = {
  columns: [
    ['invoice', 'text'],
    ['provider', 'text'],
    ['month', 'date'],
    ['service_type', 'text'],
    ['minutes', 'int'],
    ['amount', 'numeric'],
  ],
  values: (r) => [r.invoice, r.provider, `${r.month}-01`, r.service_type, r.invoiced_minutes, r.amount_sek],
  checks: [
    unknownProvider,
    `SELECT s.line, 'provider ' || s.provider || ' is an own unit: it is not paid per hour and sends no invoice' AS reason
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.provider WHERE p.kind <> 'lov'`,
  ],
  outsideMonth: (month) =>
    `SELECT line, 'month ' || to_char(month, 'YYYY-MM') || ' is not the month ' || to_char(DATE '${month}', 'YYYY-MM') || ' of the import' AS reason
       FROM ${S} WHERE month <> DATE '${month}'`,
  move: [
    `INSERT INTO home_care_invoice_line (tenant_id, invoice, provider_id, month, service_type, invoiced_minutes, amount_sek, import_id, source_line)
     SELECT $1::uuid, s.invoice, p.id, s.month, s.service_type, s.minutes, s.amount, $2::uuid, s.line
       FROM ${S} s JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = s.provider`,
  ],
  duplicates: repeatedIds(
    ['invoice', 'service_type'],
    'home_care_invoice_line',
    ['invoice', 'service_type'],
    `'invoice ' || invoice || ' has a line for ' || service_type || ' imported before or twice in the file'`,
  ),
};

export const IMPORT_KIND_PLANS: { [K in ImportKind]: ImportKindPlan<K> } = {
  providers: PROVIDERS,
  decisions: DECISIONS,
  visits: VISITS,
  inpatient_periods: INPATIENT_PERIODS,
  planned_visits: PLANNED_VISITS,
  invoices: INVOICES,
};
