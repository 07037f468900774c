import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A staging column: its name and SQL type (text, int, date, timestamptz, numeric). */
export type StagingColumn = readonly [name: string, type: string];

/** The import's staging table: private to the transaction's session, dropped at its end. */
export const STAGING_TABLE = 'home_care_staging';

/** Rows go to the server in writes (COPY) or statements (PGlite) of this many. */
const CHUNK_ROWS = 2000;

/**
 * Where an import's validated rows go before SQL checks them as a set: a temporary table in the
 * import's own transaction. On a PostgreSQL server they stream in through COPY FROM STDIN
 * (pg-copy-streams), waiting for the server whenever it is behind, so memory stays flat whatever
 * the file's size; on embedded PGlite (no COPY from a client stream) they go in batched INSERTs.
 */
export interface StagingSink {
  /** Adds one row (values in column order, line first); resolves at once unless the server is behind. */
  add(values: readonly unknown[]): Promise<void>;
  /** Flushes what is pending and ends the load; returns the rows staged. */
  finish(): Promise<number>;
  /** Gives up the load (the transaction is rolled back by the caller). */
  abort(error: Error): Promise<void>;
}

export async function createStaging(em: EntityManager, columns: readonly StagingColumn[]): Promise<StagingSink> {
  const all = await createStagingTable(em, columns);
  const connection = await nodePgClientOf(em);
  return connection ? copySink(connection, all) : batchSink(em, all);
}

/** Creates the staging table (a line, then the columns) and returns its columns. */
export async function createStagingTable(em: EntityManager, columns: readonly StagingColumn[]): Promise<StagingColumn[]> {
  const all: StagingColumn[] = [['line', 'int'], ...columns];
  await em.query(`CREATE TEMP TABLE ${STAGING_TABLE} (${all.map(([n, t]) => `${n} ${t}`).join(', ')}) ON COMMIT DROP`);
  return all;
}

/** The transaction's node-pg client on a PostgreSQL server (connect() hands back the one it holds); undefined on PGlite. */
export async function nodePgClientOf(em: EntityManager): Promise<NodePgClient | undefined> {
  const connection: unknown = await em.queryRunner?.connect();
  return isNodePgClient(connection) ? connection : undefined;
}

export interface NodePgClient {
  query(stream: Writable): Writable;
  connectionParameters: unknown;
}

/** node-pg's Client (TypeORM's connection on a server); PGlite's stand-in has no connection parameters. */
function isNodePgClient(connection: unknown): connection is NodePgClient {
  return typeof connection === 'object' && connection !== null && 'connectionParameters' in connection;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY's text format: backslash, tab, newline and carriage return escaped; null is \N. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

function copySink(client: NodePgClient, columns: readonly StagingColumn[]): StagingSink {
  const stream = client.query(copyFrom(`COPY ${STAGING_TABLE} (${columns.map(([n]) => n).join(', ')}) FROM STDIN`));
  // The stream's own error is awaited in finish/add; this keeps an early one from going unhandled.
  let failure: Error | undefined;
  stream.on('error', (error: Error) => (failure ??= error));
  let pending: string[] = [];
  let rows = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    if (failure) throw failure;
    // once() also rejects on the stream's error, and leaves no listener behind either way.
    if (!stream.write(chunk)) await once(stream, 'drain');
    if (failure) throw failure;
  };
  return {
    async add(values) {
      pending.push(values.map(copyField).join('\t') + '\n');
      rows++;
      if (pending.length >= CHUNK_ROWS) await flush();
    },
    async finish() {
      await flush();
      // pg-copy-streams finishes once the server has confirmed the COPY.
      const done = once(stream, 'finish');
      stream.end();
      await done;
      return rows;
    },
    async abort(error) {
      if (stream.destroyed || failure) return;
      const settled = once(stream, 'close').catch(() => undefined);
      // pg-copy-streams answers a destroy with CopyFail: the server ends the COPY, the client is free again.
      stream.destroy(error);
      await settled;
    },
  };
}

function batchSink(em: EntityManager, columns: readonly StagingColumn[]): StagingSink {
  let pending: Array<readonly unknown[]> = [];
  let rows = 0;
  const insert = `INSERT INTO ${STAGING_TABLE} (${columns.map(([n]) => n).join(', ')})
    SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await em.query(
      insert,
      columns.map((_, i) => batch.map((values) => values[i] ?? null)),
    );
  };
  return {
    async add(values) {
      pending.push(values);
      rows++;
      if (pending.length >= CHUNK_ROWS) await flush();
    },
    async finish() {
      await flush();
      return rows;
    },
    abort: async () => undefined,
  };
}
