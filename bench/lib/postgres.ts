// The PostgreSQL server the benchmark runs against: a fresh database per scenario, owned by
// kommuna_owner (after infra/postgres/roles.sql), dropped afterwards.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const HOST = process.env.BENCH_PG_HOST ?? '127.0.0.1';
const PORT = Number(process.env.BENCH_PG_PORT ?? 5432);
/** A superuser: creates databases and, for the statement census, turns statement logging on for one database. */
export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? `postgres://postgres@${HOST}:${PORT}/postgres`;

export interface BenchDatabase {
  name: string;
  appUrl: string;
  ownerUrl: string;
  /** A query as the owner (bypasses nothing: the owner owns the tables, FORCE RLS still applies to it). */
  admin<T = unknown>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function adminQuery<T = unknown>(sql: string, params: unknown[] = [], url = ADMIN_URL): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

let rolesEnsured = false;
function ensureRoles(): void {
  if (rolesEnsured) return;
  // roles.sql uses psql's \gexec, so it runs through psql exactly as .ci/run runs it.
  const result = spawnSync('psql', [ADMIN_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-f', path.join(REPO_ROOT, 'infra/postgres/roles.sql')], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`infra/postgres/roles.sql failed: ${result.stderr || result.error?.message}`);
  rolesEnsured = true;
}

/** A new, empty database for one run of one scenario; `settings` are ALTER DATABASE ... SET pairs (superuser-only ones too). */
export async function freshDatabase(label: string, settings: Record<string, string> = {}): Promise<BenchDatabase> {
  ensureRoles();
  const name = `kommuna_bench_${label}_${process.pid}`.replace(/[^a-z0-9_]/g, '_');
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name} OWNER kommuna_owner`);
  for (const [key, value] of Object.entries(settings)) await adminQuery(`ALTER DATABASE ${name} SET ${key} = '${value}'`);
  const url = (role: string) => `postgres://${role}@${HOST}:${PORT}/${name}`;
  return {
    name,
    appUrl: url('kommuna_app'),
    ownerUrl: url('kommuna_owner'),
    admin: (sql, params) => adminQuery(sql, params, url('postgres')),
    async drop() {
      await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

export async function postgresVersion(): Promise<string> {
  const [row] = await adminQuery<{ server_version: string }>('SHOW server_version');
  return row.server_version;
}

/** The server's log file (stderr of the cluster), where log_statement writes; null when unreadable. */
export function serverLogFile(): string | null {
  const candidates = [process.env.BENCH_PG_LOG, '/var/log/postgresql/postgresql-15-main.log'].filter(Boolean) as string[];
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.R_OK);
      return file;
    } catch {
      /* next */
    }
  }
  return null;
}
