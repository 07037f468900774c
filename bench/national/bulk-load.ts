// Loading tens of millions of rows into tables the platform's migrations made, in minutes: the
// tables' keys, indexes and foreign keys are taken off before the load and put back after it,
// each index built once by a sort instead of updated row by row, each foreign key checked by one
// join instead of a trigger call per row. The work runs as jobs with dependencies on a few
// connections ("lanes", one per core), so that independent tables load and index side by side.
// Afterwards the keys, indexes and foreign keys are compared with what the migrations made: the
// loaded database has exactly the platform's schema.
import * as fs from 'node:fs';
import { Client } from 'pg';

/** One connection the jobs run on, with its server process (for its CPU time). */
export interface Lane {
  client: Client;
  pid: number;
}

/** CPU seconds (user + system) process `pid` on this machine has used, from /proc; null when unreadable (a server elsewhere). */
export function processCpuSeconds(pid: number): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export async function openLanes(url: string, count: number, setup: string): Promise<Lane[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      await client.query(setup);
      const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
      return { client, pid };
    }),
  );
}

/** A key, index or foreign key taken off a table for the load, with the statement that puts it back. */
interface Deferred {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f' | 'index';
  /** CREATE INDEX for keys and indexes, ALTER TABLE … ADD CONSTRAINT for foreign keys. */
  create: string;
  /** The table a foreign key references. */
  references?: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The keys, indexes and foreign keys of `tables` (and foreign keys that reference them), as text to compare. */
export async function schemaOf(client: Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(
    `SELECT format('index %s on %s: %s', i.indexrelid::regclass, i.indrelid::regclass, pg_get_indexdef(i.indexrelid)) AS line
       FROM pg_index i WHERE i.indrelid = ANY($1::regclass[])
     UNION ALL
     SELECT format('constraint %s on %s: %s (%s)', c.conname, c.conrelid::regclass, pg_get_constraintdef(c.oid),
                   CASE WHEN c.convalidated THEN 'validated' ELSE 'not validated' END)
       FROM pg_constraint c WHERE c.conrelid = ANY($1::regclass[]) OR c.confrelid = ANY($1::regclass[])
     ORDER BY 1`,
    [tables],
  );
  return rows.map((r) => r.line);
}

/** Takes the keys, indexes and foreign keys off `tables` (foreign keys first: they depend on the keys) and returns how to put them back. */
export async function deferIndexes(client: Client, tables: readonly string[]): Promise<Deferred[]> {
  const foreign = await client.query<{ table: string; name: string; def: string; references: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, confrelid::regclass::text AS references
       FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[])) ORDER BY 1, 2`,
    [tables],
  );
  const indexes = await client.query<{ table: string; name: string; def: string; kind: 'p' | 'u' | null }>(
    `SELECT i.indrelid::regclass::text AS table, x.relname AS name, pg_get_indexdef(i.indexrelid) AS def, c.contype AS kind
       FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
       LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')
      WHERE i.indrelid = ANY($1::regclass[]) ORDER BY 1, 2`,
    [tables],
  );
  if (indexes.rows.some((i) => (i.kind as string) === 'x')) throw new Error('an exclusion constraint cannot be deferred here');
  const deferred: Deferred[] = [
    ...foreign.rows.map((f) => ({
      table: f.table,
      name: f.name,
      kind: 'f' as const,
      create: `ALTER TABLE ${f.table} ADD CONSTRAINT ${quote(f.name)} ${f.def}`,
      references: f.references,
    })),
    ...indexes.rows.map((i) => ({ table: i.table, name: i.name, kind: i.kind ?? ('index' as const), create: i.def })),
  ];
  for (const d of deferred) {
    if (d.kind === 'index') await client.query(`DROP INDEX ${quote(d.name)}`);
    else await client.query(`ALTER TABLE ${d.table} DROP CONSTRAINT ${quote(d.name)}`);
  }
  return deferred;
}

export interface Job {
  name: string;
  /** Jobs that must have finished first. */
  after: string[];
  /** Rows written, where it writes rows. */
  run(lane: Lane): Promise<number | void>;
}

/**
 * The jobs that put back what `deferIndexes` took off, per table once its `loads` are done:
 * VACUUM (ANALYZE) first (it sets the hint bits and the visibility map on the fresh rows while
 * there is no index to visit, and gives the planner its statistics, as autovacuum does in
 * production), then each index by itself (CREATE INDEX takes a SHARE lock, so two lanes can build
 * two indexes of one table side by side), then the keys on their indexes, then the foreign keys
 * (one validating join each).
 */
export function restoreJobs(deferred: readonly Deferred[], loads: Record<string, string[]>): Job[] {
  const tables = Object.keys(loads);
  const indexJobs = (table: string) => deferred.filter((d) => d.table === table && d.kind !== 'f').map((d) => `index ${d.name}`);
  const jobs: Job[] = [];
  for (const table of tables) {
    jobs.push({
      name: `vacuum ${table}`,
      after: loads[table],
      run: async (lane) => void (await lane.client.query(`VACUUM (ANALYZE) ${table}`)),
    });
    for (const d of deferred.filter((x) => x.table === table && x.kind !== 'f'))
      jobs.push({ name: `index ${d.name}`, after: [`vacuum ${table}`], run: async (lane) => void (await lane.client.query(d.create)) });
  }
  for (const table of tables) {
    const keys = deferred.filter((d) => d.table === table && (d.kind === 'p' || d.kind === 'u'));
    jobs.push({
      name: `keys ${table}`,
      after: indexJobs(table),
      run: async (lane) => {
        for (const k of keys)
          await lane.client.query(
            `ALTER TABLE ${table} ADD CONSTRAINT ${quote(k.name)} ${k.kind === 'p' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quote(k.name)}`,
          );
      },
    });
  }
  for (const f of deferred.filter((d) => d.kind === 'f'))
    jobs.push({
      name: `foreign key ${f.name}`,
      after: [f.table, f.references!].filter((t) => tables.includes(t)).map((t) => `keys ${t}`),
      run: async (lane) => void (await lane.client.query(f.create)),
    });
  return jobs;
}

export interface JobFigures {
  seconds: number;
  /** CPU seconds of the lane's server process while the job ran (null when /proc cannot see it). */
  serverCpuSeconds: number | null;
  rows: number | null;
}

/** Runs `jobs` on `lanes`: each lane takes the first job (in the order given) whose jobs to wait for are done. */
export async function runJobs(
  jobs: readonly Job[],
  lanes: readonly Lane[],
  log: (line: string) => void,
): Promise<Record<string, JobFigures>> {
  const names = new Set(jobs.map((j) => j.name));
  for (const job of jobs)
    for (const first of job.after) if (!names.has(first)) throw new Error(`job "${job.name}" waits for "${first}", which is not a job`);
  const pending = [...jobs];
  const done = new Set<string>();
  const figures: Record<string, JobFigures> = {};
  let running = 0;
  let failed = false;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const woken = waiting;
    waiting = [];
    woken.forEach((resume) => resume());
  };
  await Promise.all(
    lanes.map(async (lane) => {
      for (;;) {
        if (failed) return;
        const at = pending.findIndex((j) => j.after.every((first) => done.has(first)));
        if (at < 0) {
          if (pending.length === 0) return;
          if (running === 0) throw new Error(`jobs wait for each other: ${pending.map((j) => j.name).join(', ')}`);
          await new Promise<void>((resume) => waiting.push(resume));
          continue;
        }
        const [job] = pending.splice(at, 1);
        running++;
        const started = Date.now();
        const cpuBefore = processCpuSeconds(lane.pid);
        try {
          const rows = await job.run(lane);
          const cpuAfter = processCpuSeconds(lane.pid);
          figures[job.name] = {
            seconds: (Date.now() - started) / 1000,
            serverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : Math.round((cpuAfter - cpuBefore) * 100) / 100,
            rows: typeof rows === 'number' ? rows : null,
          };
          const f = figures[job.name];
          if (f.seconds >= 0.5)
            log(
              `  ${job.name}: ${f.seconds.toFixed(1)} s${f.serverCpuSeconds === null ? '' : `, server CPU ${f.serverCpuSeconds.toFixed(1)} s`}` +
                (f.rows === null
                  ? ''
                  : `, ${f.rows.toLocaleString('en')} rows (${Math.round(f.rows / Math.max(f.seconds, 0.001)).toLocaleString('en')}/s)`),
            );
          done.add(job.name);
        } catch (error) {
          failed = true;
          throw Object.assign(error as Error, { message: `${job.name}: ${(error as Error).message}` });
        } finally {
          running--;
          wake();
        }
      }
    }),
  );
  return figures;
}
