import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { CsvError } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { describeIssues, ImportRow, ROW_SCHEMAS } from './import-rows';
import type { CsvHead } from './csv-head';
import { SERVICE_TYPES, VERIFICATION_METHODS } from './service-types';
import type { NodePgClient } from './staging';

/**
 * A visits CSV on a PostgreSQL server (ADR 0022, sixth step): the process reads the lines, checks
 * each row's fields and its checks across rows that need nothing but the municipality's providers,
 * rates and decisions (held here: a few thousand rows however long the file), and COPYs the typed
 * rows straight into the file's own table (home_care_visit_file_table), one write of each row. A
 * row the quick test below does not pass (quoted fields, other shapes of a time, a fault) is read
 * by csv-parse and the row's zod schema as on every other path, and its problems are named in the
 * same words. Only what needs the stored visits (an id imported before) is left to SQL, and an id
 * twice in the file to the file's unique index as it is attached.
 */

/** What the municipality holds that a visit is checked against. */
export interface VisitReferences {
  kommunkod: string;
  /** In the words of the municipality-mismatch problem: "Sundsvalls kommun (2281)". */
  municipalityName: string;
  /** By code: the provider's id, whether it is paid per hour (LOV), and from when each service type's first rate is in force (ms, Swedish midnight). */
  providers: Map<string, { id: string; lov: boolean; ratesFrom: Map<string, number> }>;
  /** Residents with an assistance decision. */
  residents: Set<string>;
  /** The import's month, as instants (ms) from its first Swedish midnight to the next month's; null when the import names none. */
  month: { label: string; from: number; to: number } | null;
}

const TZ = 'Europe/Stockholm';

/** Reads the municipality's providers, rates and residents with a decision, and the month's bounds in Swedish time. */
export async function visitReferences(
  em: EntityManager,
  tenantId: string,
  municipality: { kommunkod: string; name: string },
  month: string | null,
): Promise<VisitReferences> {
  const rows: Array<{ code: string; id: string; kind: string; service_type: string | null; from_ms: string | null }> = await em.query(
    `SELECT p.code, p.id, p.kind, r.service_type, extract(epoch FROM (r.first::timestamp AT TIME ZONE '${TZ}')) * 1000 AS from_ms
       FROM home_care_provider p
       LEFT JOIN (SELECT provider_id, service_type, min(valid_from) AS first FROM home_care_provider_rate WHERE tenant_id = $1 GROUP BY provider_id, service_type) r
         ON r.provider_id = p.id
      WHERE p.tenant_id = $1`,
    [tenantId],
  );
  const providers: VisitReferences['providers'] = new Map();
  for (const row of rows) {
    const provider = providers.get(row.code) ?? { id: row.id, lov: row.kind === 'lov', ratesFrom: new Map<string, number>() };
    providers.set(row.code, provider);
    if (row.service_type !== null && row.from_ms !== null) provider.ratesFrom.set(row.service_type, Number(row.from_ms));
  }
  const decided: Array<{ resident_id: string }> = await em.query(
    `SELECT DISTINCT resident_id FROM home_care_decision WHERE tenant_id = $1`,
    [tenantId],
  );
  let bounds: VisitReferences['month'] = null;
  if (month) {
    const [b]: Array<{ from_ms: string; to_ms: string }> = await em.query(
      `SELECT extract(epoch FROM ($1::date::timestamp AT TIME ZONE '${TZ}')) * 1000 AS from_ms,
              extract(epoch FROM (($1::date + interval '1 month')::timestamp AT TIME ZONE '${TZ}')) * 1000 AS to_ms`,
      [month],
    );
    bounds = { label: month.slice(0, 7), from: Number(b.from_ms), to: Number(b.to_ms) };
  }
  return {
    kommunkod: municipality.kommunkod,
    municipalityName: municipality.name,
    providers,
    residents: new Set(decided.map((d) => d.resident_id)),
    month: bounds,
  };
}

/** A problem of a line, in the words of the importer's other paths. */
export interface LineProblem {
  line: number;
  reason: string;
}

export interface VisitCopyResult {
  /** Rows written to the file's table. */
  written: number;
  /** False when reading stopped at a record no CSV reader can read (the file's hash is then not whole). */
  readable: boolean;
}

const SERVICE_TYPE_SET = new Set<string>(SERVICE_TYPES);
const VERIFICATION_SET = new Set<string>(VERIFICATION_METHODS);
/** A line the quick test leaves to csv-parse: quotes, COPY's escapes, a carriage return or a NUL inside. */
const NOT_PLAIN = /["\\\t\r\0]/;
const PERSONNUMMER = /^(\d{2})?\d{6}[-+]?\d{4}$/;
const WHOLE = /^(0|[1-9][0-9]{0,8})$/;
const DAY_MS = 86_400_000;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const swedishDay = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

/** A text field as the schema's `text(max)` would keep it unchanged: 1 to max long, nothing to trim at either end. */
const plainText = (v: string, max: number) =>
  v.length >= 1 &&
  v.length <= max &&
  v.charCodeAt(0) > 32 &&
  v.charCodeAt(0) < 127 &&
  v.charCodeAt(v.length - 1) > 32 &&
  v.charCodeAt(v.length - 1) < 127;

const digit = (v: string, at: number) => v.charCodeAt(at) - 48;
const two = (v: string, at: number) => {
  const a = digit(v, at);
  const b = digit(v, at + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * A time in the usual shape (2025-03-04T08:15:00+01:00, a year 1900–2199) that both the schema and
 * PostgreSQL read as the same valid instant: its milliseconds, else NaN (left to the schema).
 */
function usualInstant(v: string): number {
  if (v.length !== 25 || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[22] !== ':') return NaN;
  const sign = v[19] === '+' ? 1 : v[19] === '-' ? -1 : 0;
  const century = two(v, 0);
  const yy = two(v, 2);
  const month = two(v, 5);
  const day = two(v, 8);
  const hour = two(v, 11);
  const minute = two(v, 14);
  const second = two(v, 17);
  const offsetHour = two(v, 20);
  const offsetMinute = two(v, 23);
  if (sign === 0 || century < 19 || century > 21 || yy < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const year = century * 100 + yy;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS[month - 1])) return NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  if (offsetHour < 0 || offsetHour > 14 || offsetMinute < 0 || offsetMinute > 59) return NaN;
  // Days since 1970-01-01 by the civil calendar (Date.UTC costs several times this arithmetic).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  return ((days * 24 + hour) * 60 + minute - sign * (offsetHour * 60 + offsetMinute)) * 60_000 + second * 1000;
}

/** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyField = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '\\N' : String(value).replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c);

/** The file's table's columns in the COPY's order (tenant_id and import_id are the table's defaults until it is attached). */
export const VISIT_COPY_COLUMNS =
  'source_line, external_id, provider_id, resident_id, service_type, started_at, stopped_at, staff_id, verification, billed_minutes';

/**
 * Streams a visits CSV (its header read by readCsvHead) into the file's table `table` (made in the
 * current subtransaction, as COPY FREEZE requires), through
 * COPY FROM STDIN on the transaction's connection. Each row is tested quickly (no quotes, the
 * usual shapes, every field as the schema keeps it); a row that is not goes through csv-parse and
 * the schema. A row with a problem is named in `problems` and not written; reading stops at the
 * first record no CSV reader can read, as csv-parse does on the other paths. Rows after a bad one
 * are still read, so one answer names the file's problems.
 */
export async function copyVisitRows(
  client: NodePgClient,
  table: string,
  head: CsvHead,
  refs: VisitReferences,
  problems: { add(line: number, reason: string): void },
): Promise<VisitCopyResult> {
  // FREEZE: the table was made in this subtransaction (the caller's savepoint), so its rows are written frozen and their
  // pages all-visible: the attach's index builds and the ANALYZE after it read them without setting hint bits page by page.
  // No other session sees the table before the import commits, and a rollback takes it away.
  const copy = client.query(copyFrom(`COPY ${table} (${VISIT_COPY_COLUMNS}) FROM STDIN (FREEZE)`)) as Writable;
  let failure: Error | undefined;
  copy.on('error', (error: Error) => (failure ??= error));
  const columns = head.columns;
  const at = (name: string) => columns.indexOf(name);
  const [iMunicipality, iVisit, iProvider, iResident, iService, iStarted, iStopped, iStaff, iVerification, iBilled] = [
    'municipality',
    'visit',
    'provider',
    'resident',
    'service_type',
    'started_at',
    'stopped_at',
    'staff',
    'verification',
    'billed_minutes',
  ].map(at);
  const schema = ROW_SCHEMAS.visits;
  const { kommunkod, providers, residents, month } = refs;
  let written = 0;
  let unreadable = false;
  let out: string[] = [];

  /** The checks across rows the process can make: the provider's id when the row may be written, else its problems are named. */
  const passes = (
    line: number,
    provider: string,
    resident: string,
    service: string,
    started: number,
    stopped: number,
  ): string | undefined => {
    const known = providers.get(provider);
    if (
      known !== undefined &&
      stopped > started &&
      stopped - started <= DAY_MS &&
      residents.has(resident) &&
      (!known.lov || started >= (known.ratesFrom.get(service) ?? Infinity)) &&
      (month === null || (started >= month.from && started < month.to))
    )
      return known.id;
    // In the order of the checks in import-kinds.ts (VISITS), as the other paths name them.
    if (!known) problems.add(line, `provider ${provider} is unknown: import it with the providers first`);
    if (!(stopped > started)) problems.add(line, 'stopped_at is not after started_at');
    else if (stopped - started > DAY_MS) problems.add(line, 'the visit lasts more than 24 hours');
    if (!residents.has(resident)) problems.add(line, 'the resident has no assistance decision: import the decisions first');
    if (known?.lov && !(started >= (known.ratesFrom.get(service) ?? Infinity)))
      problems.add(line, `provider ${provider} has no rate for ${service} on ${swedishDay.format(new Date(started))}`);
    if (month && !(started >= month.from && started < month.to))
      problems.add(line, `started_at ${swedishDay.format(new Date(started))} is not in the month ${month.label} of the import`);
    return undefined;
  };

  const write = (
    line: number,
    visit: string,
    providerId: string,
    resident: string,
    service: string,
    started: string,
    stopped: string,
    staff: string,
    verification: string,
    billed: string,
  ) => {
    out.push(`${line}\t${visit}\t${providerId}\t${resident}\t${service}\t${started}\t${stopped}\t${staff}\t${verification}\t${billed}\n`);
    written++;
  };

  /** The slow path: one record's text (one line, or several when a quoted field spans lines), read as the other paths read it. */
  const readRecord = (line: number, text: string) => {
    let fields: string[];
    try {
      // The record's lines are joined by \n (a carriage return before it already gone): a lone one inside is data, as for csv-parse over the file.
      const read = parseCsv(text, {
        delimiter: head.delimiter,
        record_delimiter: '\n',
        trim: true,
        relax_column_count: true,
      }) as string[][];
      // Spaces only: no record, as csv-parse reads them on the other paths.
      if (read.length === 0) return;
      fields = read.length === 1 ? read[0] : [];
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      problems.add(line, `unreadable CSV (${error.code})`);
      unreadable = true;
      return;
    }
    if (fields.length !== columns.length) {
      problems.add(line, 'unreadable CSV (CSV_RECORD_INCONSISTENT_FIELDS_LENGTH)');
      unreadable = true;
      return;
    }
    const record: Record<string, string> = {};
    columns.forEach((name, i) => (record[name] = fields[i]));
    const parsed = schema.safeParse(record);
    if (!parsed.success) return problems.add(line, describeIssues(parsed.error));
    const row: ImportRow<'visits'> = parsed.data;
    if (row.municipality !== kommunkod) return problems.add(line, `municipality ${row.municipality} is not ${refs.municipalityName}`);
    const providerId = passes(line, row.provider, row.resident, row.service_type, Date.parse(row.started_at), Date.parse(row.stopped_at));
    if (providerId === undefined) return;
    out.push(
      [
        line,
        row.visit,
        providerId,
        row.resident,
        row.service_type,
        row.started_at,
        row.stopped_at,
        row.staff,
        row.verification,
        row.billed_minutes ?? null,
      ]
        .map(copyField)
        .join('\t') + '\n',
    );
    written++;
  };

  /** One physical line: the quick test, else the slow path. */
  const readLine = (line: number, text: string) => {
    if (text === '') return;
    if (!NOT_PLAIN.test(text)) {
      const f = text.split(head.delimiter);
      if (f.length === columns.length) {
        const billed = iBilled < 0 ? '' : f[iBilled];
        const resident = f[iResident];
        const started = usualInstant(f[iStarted]);
        const stopped = usualInstant(f[iStopped]);
        if (
          f[iMunicipality] === kommunkod &&
          plainText(f[iVisit], 100) &&
          plainText(f[iProvider], 64) &&
          plainText(resident, 64) &&
          !(resident.length >= 10 && resident.length <= 13 && PERSONNUMMER.test(resident)) &&
          plainText(f[iStaff], 64) &&
          SERVICE_TYPE_SET.has(f[iService]) &&
          VERIFICATION_SET.has(f[iVerification]) &&
          (billed === '' || WHOLE.test(billed)) &&
          started === started &&
          stopped === stopped
        ) {
          const providerId = passes(line, f[iProvider], resident, f[iService], started, stopped);
          if (providerId !== undefined)
            write(
              line,
              f[iVisit],
              providerId,
              resident,
              f[iService],
              f[iStarted],
              f[iStopped],
              f[iStaff],
              f[iVerification],
              billed || '\\N',
            );
          return;
        }
      }
    }
    readRecord(line, text);
  };

  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  // A record whose quoted field spans lines: its text so far, and the line it started on.
  let open: string | undefined;
  const take = (text: string) => {
    line++;
    if (line === 1) return; // the header, read by readCsvHead
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (open !== undefined) {
      open += '\n' + text;
      if (quotes(text) % 2 === 1) {
        const record = open;
        open = undefined;
        readRecord(line, record);
      }
      return;
    }
    if (text.includes('"') && quotes(text) % 2 === 1) open = text;
    else readLine(line, text);
  };
  const flush = async () => {
    if (out.length === 0) return;
    const chunk = out.join('');
    out = [];
    if (failure) throw failure;
    if (!copy.write(chunk)) await once(copy, 'drain');
    if (failure) throw failure;
  };
  try {
    for await (const chunk of head.content) {
      rest += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      let start = 0;
      for (let end = rest.indexOf('\n'); end >= 0 && !unreadable; end = rest.indexOf('\n', start)) {
        take(rest.slice(start, end));
        start = end + 1;
      }
      rest = rest.slice(start);
      await flush();
      if (unreadable) break;
    }
    if (!unreadable) {
      const last = rest + decoder.end();
      if (last !== '') take(last);
      if (open !== undefined && !unreadable) readRecord(line, open);
    }
    await flush();
    const done = once(copy, 'finish');
    copy.end();
    await done;
  } catch (error) {
    if (!copy.destroyed && !failure) {
      const settled = once(copy, 'close').catch(() => undefined);
      // pg-copy-streams answers a destroy with CopyFail: the server ends the COPY, the connection is free again.
      copy.destroy(error as Error);
      await settled;
    }
    throw error;
  } finally {
    if (unreadable) head.content.destroy();
  }
  return { written, readable: !unreadable };
}

function quotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}
