import { Readable } from 'node:stream';
import { ImportKind, ROW_SCHEMAS } from './import-rows';

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
