import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import { PROVIDER_KINDS, SERVICE_TYPES, VERIFICATION_METHODS } from './service-types';

/**
 * The open file formats (docs/home-care.md#file-formats): CSV with a header row (comma or
 * semicolon, UTF-8, BOM allowed) or JSON Lines with the same field names. Every row names its
 * municipality by kommunkod, so a file sent to the wrong municipality is refused, not mixed in.
 */
export const IMPORT_KINDS = ['providers', 'decisions', 'visits', 'inpatient_periods', 'planned_visits', 'invoices'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const empty = (v: unknown) => (v === '' || v === null ? undefined : v);
const text = (max: number) => z.string().trim().min(1, 'is empty').max(max, `is longer than ${max} characters`);
/** Zod runs a refinement even after its regex failed: anything may come here. */
const isCalendarDay = (v: string) => {
  const date = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(v);
};
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date (YYYY-MM-DD)')
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    'is not a calendar date',
  );
const optionalDay = z.preprocess(empty, day.optional());
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const instant = z
  .string()
  .regex(INSTANT, 'is not a time with its offset (e.g. 2025-03-04T08:15:00+01:00)')
  // Date.parse takes 30 February as 2 March; PostgreSQL (and the process's quick test, visit-copy.ts) refuses it.
  // Judged only in the right format (zod runs a refinement after its regex failed, too).
  .refine(
    (v) => !INSTANT.test(v) || (!Number.isNaN(Date.parse(v)) && isCalendarDay(v.slice(0, 10)) && !v.startsWith('24', 11)),
    'is not a valid time',
  );
const wholeNumber = (min: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number().int('is not a whole number').min(min, `is below ${min}`),
  );
const kommunkod = z.string().regex(/^\d{4}$/, 'is not a kommunkod (four digits)');
/** The case system's client id. A personnummer is refused: it would spread an identity number into every figure. */
const resident = text(64).refine((v) => !/^(\d{2})?\d{6}[-+]?\d{4}$/.test(v), "looks like a personnummer: use the case system's client id");
const serviceType = z.enum(SERVICE_TYPES, { message: `is not one of ${SERVICE_TYPES.join(', ')}` });

export const ROW_SCHEMAS = {
  providers: z.object({
    municipality: kommunkod,
    provider: text(64),
    name: text(200),
    kind: z.enum(PROVIDER_KINDS, { message: `is not one of ${PROVIDER_KINDS.join(', ')}` }),
    // A LOV provider has one row per service type and rate; an own unit one row without them.
    service_type: z.preprocess(empty, serviceType.optional()),
    sek_per_hour: z.preprocess(
      (v) => (empty(v) === undefined ? undefined : typeof v === 'string' ? Number(v.replace(',', '.')) : v),
      z.number().positive('is not a positive amount').max(100_000, 'is implausibly high').optional(),
    ),
    valid_from: optionalDay,
  }),
  decisions: z.object({
    municipality: kommunkod,
    decision: text(100),
    resident,
    valid_from: day,
    valid_to: optionalDay,
    service_type: serviceType,
    granted_minutes_per_month: wholeNumber(1),
  }),
  visits: z.object({
    municipality: kommunkod,
    visit: text(100),
    provider: text(64),
    resident,
    service_type: serviceType,
    started_at: instant,
    stopped_at: instant,
    staff: text(64),
    verification: z.enum(VERIFICATION_METHODS, { message: `is not one of ${VERIFICATION_METHODS.join(', ')}` }),
    billed_minutes: z.preprocess(empty, wholeNumber(0).optional()),
  }),
  inpatient_periods: z.object({
    municipality: kommunkod,
    period: text(100),
    resident,
    admitted_on: day,
    discharged_on: optionalDay,
  }),
  planned_visits: z.object({
    municipality: kommunkod,
    planned_visit: text(100),
    provider: text(64),
    resident,
    service_type: serviceType,
    planned_start: instant,
    planned_stop: instant,
  }),
  // One row per invoice and service type: what a LOV provider asks for a month.
  invoices: z.object({
    municipality: kommunkod,
    invoice: text(100),
    provider: text(64),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'is not a month (YYYY-MM)'),
    service_type: serviceType,
    invoiced_minutes: wholeNumber(0),
    amount_sek: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v.replace(',', '.')) : v),
      z
        .number({ message: 'is not an amount' })
        .nonnegative('is below 0')
        .max(100_000_000, 'is implausibly high')
        .refine((v) => Math.round(v * 100) === v * 100 || Math.abs(Math.round(v * 100) - v * 100) < 1e-6, 'has more than two decimals'),
    ),
  }),
} satisfies Record<ImportKind, z.ZodType>;

export type ImportRow<K extends ImportKind> = z.output<(typeof ROW_SCHEMAS)[K]>;

/** A record as read, before validation: its line in the file, or why it could not be read. */
export type RawRecord = { line: number; record: Record<string, unknown> } | { line: number; unreadable: string };

/** A string or Buffer as a stream of 64 KiB chunks, so a parser never takes a large file in one piece. */
export function chunked(content: string | Buffer): Readable {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += 65_536) yield bytes.subarray(at, at + 65_536);
    })(),
  );
}

/** Reads a file's records one at a time, so a large file never sits in memory whole. */
export async function* readRecords(content: string | Buffer | Readable, format: ImportFormat): AsyncGenerator<RawRecord> {
  const input = typeof content === 'string' || Buffer.isBuffer(content) ? chunked(content) : content;
  if (format === 'csv') {
    // The header line decides the separator (Swedish spreadsheets write ';' and decimal commas):
    // read on until it is whole, then hand the parser everything read so far and the rest.
    const chunks = input[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let next = await chunks.next();
    while (!next.done) {
      head.push(Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value), 'utf8'));
      if (head[head.length - 1].includes(0x0a)) break;
      next = await chunks.next();
    }
    const headerLine = Buffer.concat(head).toString('utf8').split('\n', 1)[0];
    const delimiter = headerLine.includes(';') ? ';' : ',';
    const rest = Readable.from(
      (async function* () {
        yield* head;
        if (next.done) return;
        for (let more = await chunks.next(); !more.done; more = await chunks.next()) yield more.value;
      })(),
    );
    const parser = parse({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      delimiter,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
    });
    // pipe() does not pass a failing source on (an upload broken off): the parser would wait forever.
    rest.on('error', (error) => parser.destroy(error));
    rest.pipe(parser);
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
        yield { line: info.lines, record };
      }
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      // csv-parse's message may quote the row: name the line and the kind of fault only.
      yield { line: Number((error as CsvError & { lines?: number }).lines ?? 0), unreadable: `unreadable CSV (${error.code})` };
    } finally {
      // A consumer that stops early (or a parse error) must not leave the source flowing.
      rest.destroy();
    }
    return;
  }
  // A multi-byte character may be split between chunks: the decoder keeps its first bytes for the next.
  const decoder = new StringDecoder('utf8');
  let line = 0;
  let rest = '';
  const parseLine = (text: string): RawRecord | undefined => {
    line++;
    if (text.trim() === '') return undefined;
    try {
      const value: unknown = JSON.parse(text);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, unreadable: 'is not a JSON object' };
      return { line, record: value as Record<string, unknown> };
    } catch {
      return { line, unreadable: 'is not valid JSON' };
    }
  };
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) {
      const parsed = parseLine(text.replace(/^\uFEFF/, ''));
      if (parsed) yield parsed;
    }
  }
  const last = parseLine(rest + decoder.end());
  if (last) yield last;
}

/** A row's problems in words, each naming the field: never its value (it may identify a resident). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length
        ? `${issue.path.join('.')} ${issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is missing' : issue.message}`
        : issue.message,
    )
    .join('; ');
}
