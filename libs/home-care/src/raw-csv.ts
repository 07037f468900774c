import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { ImportKind, ROW_SCHEMAS } from './import-rows';
import { SERVICE_TYPES, VERIFICATION_METHODS } from './service-types';
import { NodePgClient, STAGING_TABLE } from './staging';

/** A CSV file's header line, read off the front of its stream, and the whole stream again (header included). */
export interface CsvHead {
  /** The header's column names, trimmed and in lower case. */
  columns: string[];
  delimiter: ';' | ',';
  content: Readable;
}

/**
 * Reads a CSV stream until its header line is whole (the separator is decided by it: Swedish
 * spreadsheets write ';'), then hands back the names and a stream of every byte read and unread.
 */
export async function readCsvHead(source: Readable): Promise<CsvHead> {
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let next = await chunks.next();
  while (!next.done) {
    head.push(Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value), 'utf8'));
    if (head[head.length - 1].includes(0x0a)) break;
    next = await chunks.next();
  }
  const headerLine = Buffer.concat(head)
    .toString('utf8')
    .split('\n', 1)[0]
    .replace(/^\uFEFF/, '');
  const delimiter = headerLine.includes(';') ? ';' : ',';
  const content = Readable.from(
    (async function* () {
      yield* head;
      if (next.done) return;
      for (let more = await chunks.next(); !more.done; more = await chunks.next()) yield more.value as Buffer;
    })(),
  );
  // A name in quotes is the same name.
  const columns = headerLine.split(delimiter).map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase(),
  );
  return { columns, delimiter, content };
}

/** What is wrong with a CSV header for a kind of file (unknown, missing or repeated columns), or undefined. */
export function csvHeaderProblem(kind: ImportKind, columns: readonly string[]): string | undefined {
  const shape = ROW_SCHEMAS[kind].shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  const known = Object.keys(shape);
  const unknown = columns.filter((c) => !known.includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  // A column the schema accepts as absent may be left out (visits' billed_minutes).
  const missing = known.filter((k) => !columns.includes(k) && !shape[k].safeParse(undefined).success);
  const faults = [
    unknown.length ? `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => c || '(empty)').join(', ')}` : '',
    missing.length ? `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : '',
    repeated.length ? `column${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].join(', ')} twice` : '',
  ].filter(Boolean);
  return faults.length ? `the header has ${faults.join('; ')} (a ${kind} file has ${known.join(', ')})` : undefined;
}

/** The kinds whose CSV files PostgreSQL reads itself (the field checks below are theirs). */
export const RAW_CSV_KINDS: readonly ImportKind[] = ['visits'];

const RAW_TABLE = 'home_care_raw';

/** A field's check in SQL, mirroring its zod schema in import-rows.ts (the same words). */
type FieldRule =
  | { kind: 'kommunkod' }
  | { kind: 'text'; max: number; resident?: true }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'instant' }
  | { kind: 'whole'; min: number; optional: true };

const VISIT_FIELDS: ReadonlyArray<readonly [name: string, rule: FieldRule]> = [
  ['municipality', { kind: 'kommunkod' }],
  ['visit', { kind: 'text', max: 100 }],
  ['provider', { kind: 'text', max: 64 }],
  ['resident', { kind: 'text', max: 64, resident: true }],
  ['service_type', { kind: 'enum', values: SERVICE_TYPES }],
  ['started_at', { kind: 'instant' }],
  ['stopped_at', { kind: 'instant' }],
  ['staff', { kind: 'text', max: 64 }],
  ['verification', { kind: 'enum', values: VERIFICATION_METHODS }],
  ['billed_minutes', { kind: 'whole', min: 0, optional: true }],
];

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Only ASCII digits ([0-9], not \d: PostgreSQL's \d takes other scripts' digits, which no cast reads). */
const INSTANT_FORMAT = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$';
/**
 * A field with each ASCII digit as 0, to compare with the shapes a value may have: regular
 * expressions cost PostgreSQL about 5 µs a row each, this a fifth of that.
 */
const digitsAsZero = (v: string) => `translate(${v}, '0123456789', '0000000000')`;

/** A personnummer's shapes (with or without the century, with or without its sign), digits as 0. */
const PERSONNUMMER_SHAPES = ['00000000', '000000'].flatMap((birth) => ['', '-', '+'].map((sign) => `${birth}${sign}0000`));

/** INSTANT_FORMAT's shapes without a fraction of a second, digits as 0. */
const INSTANT_SHAPES = ['0000-00-00T00:00:00', '0000-00-00T00:00'].flatMap((t) => [`${t}+00:00`, `${t}-00:00`, `${t}Z`]);

/** A raw field trimmed of spaces and tabs, NULL when empty: what the schema reads. */
const trimmed = (name: string) => `nullif(btrim(${name}, E' \\t'), '')`;

/** The reason a field fails its rule, or NULL; `v` is the trimmed field, NULL when empty. CASE keeps every cast behind its check. */
function fieldReason(name: string, rule: FieldRule): string {
  const v = trimmed(name);
  const say = (words: string) => literal(`${name} ${words}`);
  switch (rule.kind) {
    case 'kommunkod':
      return `CASE WHEN ${v} IS NULL OR ${digitsAsZero(v)} <> '0000' THEN ${say('is not a kommunkod (four digits)')} END`;
    case 'text':
      return `CASE WHEN ${v} IS NULL THEN ${say('is empty')} WHEN char_length(${v}) > ${rule.max} THEN ${say(`is longer than ${rule.max} characters`)}${
        rule.resident
          ? ` WHEN ${digitsAsZero(v)} IN (${PERSONNUMMER_SHAPES.map(literal).join(', ')}) THEN ${say("looks like a personnummer: use the case system's client id")}`
          : ''
      } END`;
    case 'enum':
      return `CASE WHEN ${v} IS NULL OR ${v} NOT IN (${rule.values.map(literal).join(', ')}) THEN ${say(`is not one of ${rule.values.join(', ')}`)} END`;
    case 'instant': {
      // The usual shapes by digitsAsZero; the rest (fractions of a second) by the regular expression.
      const shape = digitsAsZero(v);
      const int = (from: number, length: number) => `substr(${v}, ${from}, ${length})::int`;
      const year = int(1, 4);
      const month = int(6, 2);
      const lastDay = `CASE WHEN ${month} IN (4, 6, 9, 11) THEN 30 WHEN ${month} <> 2 THEN 31
        WHEN ${year} % 4 = 0 AND (${year} % 100 <> 0 OR ${year} % 400 = 0) THEN 29 ELSE 28 END`;
      // Every field in range, as PostgreSQL's timestamptz reads it; each cast only where that field is digits.
      const valid = `${year} >= 1 AND ${month} BETWEEN 1 AND 12 AND ${int(9, 2)} BETWEEN 1 AND ${lastDay}
        AND ${int(12, 2)} < 24 AND ${int(15, 2)} < 60 AND substr(${v}, 17, 1) <> '.'
        AND CASE WHEN substr(${v}, 17, 1) = ':' THEN ${int(18, 2)} < 60 ELSE true END
        AND CASE WHEN right(${v}, 1) = 'Z' THEN true ELSE substr(right(${v}, 5), 1, 2)::int <= 15 AND right(${v}, 2)::int < 60 END`;
      return `CASE WHEN ${v} IS NULL OR (${shape} NOT IN (${INSTANT_SHAPES.map(literal).join(', ')}) AND ${v} !~ '${INSTANT_FORMAT}')
          THEN ${say('is not a time with its offset (e.g. 2025-03-04T08:15:00+01:00)')}
        WHEN NOT (${valid}) THEN ${say('is not a valid time')} END`;
    }
    case 'whole':
      return `CASE WHEN ${v} IS NULL THEN NULL
        WHEN ${v} LIKE '-_%' AND translate(substr(${v}, 2), '0123456789', '') = '' THEN ${say(`is below ${rule.min}`)}
        WHEN char_length(${v}) > 9 OR translate(${v}, '0123456789', '') <> '' THEN ${say('is not a whole number')} END`;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** A constant text array: PostgreSQL hashes `= ANY` of one, so a lookup costs the same whatever its length. */
const textArray = (values: readonly string[]) => `'{${values.join(',')}}'::text[]`;
const DAYS_OF_MONTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The usual shape of a time with its offset (2025-03-04T08:15:00+01:00) in five pieces, each
 * with every value it may take: a year 2000–2099, a day of the year (29 February left to the full
 * check), an hour and minute, a second and the offset's hour (at most 15), the offset's minute.
 */
const FAST_INSTANT_PIECES: ReadonlyArray<readonly [from: number, length: number, values: string]> = [
  [1, 5, textArray(range(2000, 2099).map((y) => `${y}-`))],
  [6, 6, textArray(DAYS_OF_MONTHS.flatMap((days, m) => range(1, days).map((d) => `${pad(m + 1)}-${pad(d)}T`)))],
  [12, 6, textArray(range(0, 23).flatMap((h) => range(0, 59).map((m) => `${pad(h)}:${pad(m)}:`)))],
  [18, 6, textArray(range(0, 59).flatMap((s) => ['+', '-'].flatMap((sign) => range(0, 15).map((h) => `${pad(s)}${sign}${pad(h)}:`))))],
  [24, 2, textArray(range(0, 59).map(pad))],
];
/** Billed minutes as usually written (no sign, no leading zero, no spaces), up to a day's. */
const FAST_BILLED = textArray(range(0, 1440).map(String));

/**
 * A row every field of which is certainly valid, tested cheaply: the usual shapes by equality and
 * set lookups, no `translate` (a microsecond or more a call). Every row of a good file passes; a
 * row that does not is read by the full check (fieldReason), which names its faults or finds none.
 */
function fastValid(kommunkod: string): string {
  const text = (name: string, max: number) => `octet_length(btrim(${name}, E' \\t')) BETWEEN 1 AND ${max}`;
  const instant = (v: string) =>
    `(octet_length(${v}) = 25 AND ${FAST_INSTANT_PIECES.map(([from, length, values]) => `substr(${v}, ${from}, ${length}) = ANY (${values})`).join(' AND ')})`;
  const personnummerLength = `octet_length(btrim(resident, E' \\t')) BETWEEN 10 AND 13`;
  return `municipality = ${literal(kommunkod)} AND ${text('visit', 100)} AND ${text('provider', 64)} AND ${text('staff', 64)}
    AND ${text('resident', 64)} AND (NOT ${personnummerLength} OR ${fieldReason('resident', { kind: 'text', max: 64, resident: true })} IS NULL)
    AND service_type IN (${SERVICE_TYPES.map(literal).join(', ')}) AND verification IN (${VERIFICATION_METHODS.map(literal).join(', ')})
    AND (billed_minutes IS NULL OR billed_minutes = ANY (${FAST_BILLED})) AND ${instant('started_at')} AND ${instant('stopped_at')}`;
}

/**
 * The raw rows with their fields trimmed (an empty field is NULL) and the reason each fails, if
 * any: its fields' faults in the schema's order, else a municipality that is not this one. A row
 * that passes fastValid has none; only the others are checked field by field.
 */
function checkedVisits(kommunkod: string, municipalityName: string, from: string = RAW_TABLE): string {
  const fields = VISIT_FIELDS.map(([name]) => `${trimmed(name)} AS ${name}`).join(', ');
  return `SELECT line, ${fields}, CASE WHEN ${fastValid(kommunkod)} THEN NULL ELSE coalesce(
      nullif(concat_ws('; ', ${VISIT_FIELDS.map(([name, rule]) => fieldReason(name, rule)).join(',\n')}), ''),
      CASE WHEN ${trimmed('municipality')} <> ${literal(kommunkod)} THEN 'municipality ' || ${trimmed('municipality')} || ' is not ' || ${literal(municipalityName)} END) END AS reason
    FROM ${from}`;
}

/** A CSV file PostgreSQL could not read (COPY stops at the first): its line and the server's words. */
export class UnreadableCsvError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`unreadable CSV (${reason})`);
  }
}

/**
 * Streams a visits CSV into a temporary table of text columns with PostgreSQL parsing it:
 * `COPY … FROM STDIN (FORMAT csv, HEADER true)`, numbered as they arrive (the header is line 1, so
 * a record's number is its line unless a quoted field spans lines: then it is the record's number
 * + 1). Returns the records read.
 */
export async function copyRawVisits(em: EntityManager, client: NodePgClient, head: CsvHead): Promise<number> {
  await em.query(
    `CREATE TEMP TABLE ${RAW_TABLE} (line int GENERATED ALWAYS AS IDENTITY (START WITH 2), ${VISIT_FIELDS.map(([n]) => `${n} text`).join(', ')}) ON COMMIT DROP`,
  );
  const copy = client.query(
    copyFrom(
      `COPY ${RAW_TABLE} (${head.columns.join(', ')}) FROM STDIN (FORMAT csv, HEADER true, DELIMITER ${literal(head.delimiter)}, ENCODING 'UTF8')`,
    ),
  ) as Writable & { rowCount: number };
  try {
    await pipeline(head.content, withoutTrailingBlankLines(), copy);
  } catch (error) {
    const where = (error as { where?: string }).where;
    const line = where && /^COPY [a-z_]+, line (\d+)/.exec(where);
    // The server's message names the fault (never the row: the context that quotes it is left out).
    if (line) throw new UnreadableCsvError(Number(line[1]), (error as Error).message);
    throw error;
  }
  return copy.rowCount;
}

/** The statements that join a file's table, filled by fillVisitFile, to the municipality's visits ($1 the municipality, $2 the import). */
export const RAW_VISITS_MOVE = [`SELECT home_care_visit_attach($1::uuid, $2::uuid)`];

const TZ = `'Europe/Stockholm'`;

/**
 * A visit (`v`: its fields cast, `p` its provider, `r` the first day of its rates) that passes every check across rows of a
 * visits file (import-kinds.ts, VISITS: the same conditions, and the import's month) except an
 * id twice in the file, which the file's unique index refuses as it is attached. A row that fails
 * here is left out of the file's table, and those checks name its reasons.
 */
const passesVisitChecks = (month: string | null) => `v.stopped > v.started AND v.stopped - v.started <= interval '24 hours'
  AND EXISTS (SELECT 1 FROM home_care_decision d WHERE d.tenant_id = $1 AND d.resident_id = v.resident)
  AND NOT EXISTS (SELECT 1 FROM home_care_visit hv WHERE hv.tenant_id = $1 AND hv.external_id = v.visit)
  AND (p.kind <> 'lov' OR (v.started AT TIME ZONE ${TZ})::date >= r.first)
  ${month ? `AND date_trunc('month', v.started AT TIME ZONE ${TZ})::date = DATE '${month}'` : ''}`;

/**
 * Fills the visits file's own table (home_care_visit_file_table, made here; its import's record
 * must exist) straight from the raw rows, with no staging table in between: each row whose fields
 * pass their checks and that passes the checks across rows (passesVisitChecks) is cast and
 * written once. Only the rows left out of it (none, in a good file) are checked again: those with
 * a field at fault are listed by the returned `faults` SQL, the others go into the staging table
 * (STAGING_TABLE, created here), where the importer's checks across rows name their reasons.
 * `duplicates` selects the lines of an id twice in the file, over the file's table and staging.
 */
export async function fillVisitFile(
  em: EntityManager,
  tenantId: string,
  importId: string,
  records: number,
  municipality: { kommunkod: string; name: string },
  month: string | null,
): Promise<{ faults: string | null; duplicates: string }> {
  const [{ file }]: Array<{ file: string }> = await em.query(`SELECT home_care_visit_file_table($1::uuid, $2::uuid) AS file`, [
    tenantId,
    importId,
  ]);
  const table = `"${file.replaceAll('"', '""')}"`;
  const { kommunkod, name } = municipality;
  const checked = (from: string) => checkedVisits(kommunkod, `${name} (${kommunkod})`, from);
  // OFFSET 0 keeps the casts and everything above them after the field checks: no cast ever sees an unchecked field.
  // The structured answer carries the rows written (a count of the table would read them all again).
  if (!em.queryRunner) throw new Error('fillVisitFile runs in a transaction');
  // The planner cannot know how many rows pass the field checks (an expression's IS NULL): guessing few, it
  // probed the decisions once per row in a nested loop (minutes for a million). Every join here is set against set.
  await em.query(`SET LOCAL enable_nestloop = off`);
  const inserted: { affected?: number } = await em.queryRunner.query(
    `INSERT INTO ${table} (tenant_id, import_id, source_line, external_id, provider_id, resident_id, service_type, started_at, stopped_at, staff_id, verification, billed_minutes)
     SELECT $1::uuid, $2::uuid, v.line, v.visit, p.id, v.resident, v.service_type, v.started, v.stopped, v.staff, v.verification, v.billed
       FROM (SELECT line, visit, provider, resident, service_type, started_at::timestamptz AS started, stopped_at::timestamptz AS stopped,
                    staff, verification, billed_minutes::int AS billed
               FROM (${checked(RAW_TABLE)}) c WHERE reason IS NULL OFFSET 0) v
       JOIN home_care_provider p ON p.tenant_id = $1 AND p.code = v.provider
       LEFT JOIN (SELECT provider_id, service_type, min(valid_from) AS first FROM home_care_provider_rate WHERE tenant_id = $1 GROUP BY provider_id, service_type) r
         ON r.provider_id = p.id AND r.service_type = v.service_type
      WHERE ${passesVisitChecks(month)}`,
    [tenantId, importId],
    true,
  );
  await em.query(`SET LOCAL enable_nestloop = on`);
  await em.query(
    `CREATE TEMP TABLE ${STAGING_TABLE} (line int, external_id text, provider text, resident_id text, service_type text, started_at timestamptz,
       stopped_at timestamptz, staff_id text, verification text, billed_minutes int) ON COMMIT DROP`,
  );
  const written = inserted.affected ?? 0;
  let faults: string | null = null;
  if (written < records) {
    // Only a file with a problem gets here: the rows left out are checked again; the valid ones are staged for the checks across rows.
    const leftOut = checked(`(SELECT r.* FROM ${RAW_TABLE} r WHERE NOT EXISTS (SELECT 1 FROM ${table} f WHERE f.source_line = r.line)) r`);
    await em.query(`CREATE TEMP TABLE home_care_raw_left_out ON COMMIT DROP AS ${leftOut}`);
    await em.query(
      `INSERT INTO ${STAGING_TABLE} SELECT line, visit, provider, resident, service_type, started_at::timestamptz, stopped_at::timestamptz, staff, verification, billed_minutes::int
         FROM (SELECT * FROM home_care_raw_left_out WHERE reason IS NULL OFFSET 0) c`,
    );
    const [{ faulty }] = await em.query(`SELECT count(*)::int AS faulty FROM home_care_raw_left_out WHERE reason IS NOT NULL`);
    if (faulty > 0) faults = `SELECT line, reason FROM home_care_raw_left_out WHERE reason IS NOT NULL`;
  }
  const duplicates = `SELECT line, 'visit ' || external_id || ' was imported before or is twice in the file' AS reason FROM (
      SELECT line, external_id, row_number() OVER (PARTITION BY external_id ORDER BY line) AS copy
        FROM (SELECT source_line AS line, external_id::text AS external_id FROM ${table} UNION ALL SELECT line, external_id FROM ${STAGING_TABLE}) a) s
     WHERE copy > 1`;
  return { faults, duplicates };
}

/** Blank lines at the file's end (COPY would read each as a record of one empty field); the last line break is kept. */
function withoutTrailingBlankLines() {
  let held: Buffer[] = [];
  return async function* (source: AsyncIterable<Buffer | string>) {
    for await (const piece of source) {
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece, 'utf8');
      let end = chunk.length;
      while (end > 0 && (chunk[end - 1] === 0x0a || chunk[end - 1] === 0x0d)) end--;
      if (end === 0) {
        held.push(chunk);
        continue;
      }
      if (held.length) yield Buffer.concat(held);
      held = [];
      yield chunk.subarray(0, end);
      if (end < chunk.length) held.push(chunk.subarray(end));
    }
    if (held.length) {
      const tail = Buffer.concat(held).toString('latin1');
      yield Buffer.from(tail.startsWith('\r\n') ? '\r\n' : '\n');
    }
  };
}
