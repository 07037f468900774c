// The four national read paths on generated data (issue 24, item 2), each measured two ways in
// alternating rounds: through the platform's own code (CitizenCases, StaffCases,
// StatisticsService, the catalogue's usage repository: TypeORM, row-level security, the request
// context, the view mapping) and as the same statements run bare through node-pg (the ceiling).
// The bare side replays exactly what the platform sent for the same input (texts and
// parameters, captured from TypeORM's query log), so the ratio is the platform's own overhead.
// Each path's main statement is also run under EXPLAIN (ANALYZE, BUFFERS) as the app role in
// the platform's context; the plans are saved and checked for sequential scans of large tables.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'pg';
import type { Logger } from 'typeorm';
import { WHOLE_MUNICIPALITY, StatisticsService, unitScope } from '@kommuna/digital-mail';
import { Minasidor } from '@kommuna/minasidor';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs, requestContext } from '@kommuna/platform-tenancy';
// Not part of the catalogue's public index: the repository behind its cross-municipality report.
import { UsageRepository } from '../../libs/catalogue/src/metering/usage.repository';
import { RESULTS_DIR, round } from '../lib/results';
import { writeAllTenants } from '../lib/tenants';
import { HEAVY_CITIZENS, NationalData, partyId, UNITS } from './generate';

interface Statement {
  sql: string;
  params: unknown[];
}

interface Workload {
  name: string;
  what: string;
  inputs: number;
  /** The platform call for input i. */
  run(i: number): Promise<unknown>;
  /** What to EXPLAIN instead of the captured statement, as the superuser (a SECURITY DEFINER function's body: its call plans as an opaque Function Scan). */
  planOf?: Statement;
  /** The rows the first input's answer has to read at the least (a page; the letters of the months asked for). */
  rowsNeeded?: () => Promise<number>;
  /**
   * A cross-municipality aggregate reads every municipality's rows of this one table by design
   * (rows per municipality, metric and month, never a resident's), through an aggregate-only
   * function; its goal is to read that table alone, not "no sequential scan".
   */
  aggregateTable?: string;
}

export interface PathFigures {
  opsPerSecond: number;
  p50ms: number;
  p99ms: number;
  samples: number;
}

export interface WorkloadResult {
  name: string;
  what: string;
  platform: PathFigures;
  bare: PathFigures;
  ratio: number;
  statementsPerCall: number;
  planFile: string;
  /** Sequential scans over tables of more than LARGE_TABLE_ROWS rows in the plan. */
  largeSeqScans: string[];
  executionMs: number;
  /** Rows the plan's table scans produced, and rows it returned: a page of 20 read from 3,000 rows scales with the municipality. */
  rowsScanned: number;
  rowsReturned: number;
  /** The rows the answer has to read at the least, where that is known; rows scanned should stay near it. */
  rowsNeeded: number | null;
  /** Every table the plan reads. */
  relationsRead: string[];
  /** For a cross-municipality aggregate: its table and how many rows it holds (municipalities × metrics × months). */
  aggregate: { table: string; rows: number } | null;
  sharedBuffers: { hit: number; read: number };
}

const LARGE_TABLE_ROWS = 10_000;
const CONCURRENCY = Number(process.env.BENCH_NATIONAL_CONCURRENCY ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** TypeORM's query log, kept while `capture` is set: what the platform sent to PostgreSQL. */
class CapturingLogger implements Logger {
  capture: Statement[] | null = null;
  logQuery(query: string, parameters?: unknown[]): void {
    this.capture?.push({ sql: query, params: parameters ?? [] });
  }
  logQueryError(): void {
    /* only the statements are kept */
  }
  logQuerySlow(): void {
    /* only the statements are kept */
  }
  logSchemaBuild(): void {
    /* only the statements are kept */
  }
  logMigration(): void {
    /* only the statements are kept */
  }
  log(): void {
    /* only the statements are kept */
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** A closed loop: CONCURRENCY callers, each calling `call(i)` for the next input as soon as its last returned. */
async function closedLoop(inputs: number, call: (i: number) => Promise<unknown>, seconds: number): Promise<PathFigures> {
  const latencies: number[] = [];
  let next = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const i = next++ % inputs;
        const t0 = process.hrtime.bigint();
        await call(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    opsPerSecond: round(latencies.length / seconds, 1),
    p50ms: round(percentile(latencies, 50)),
    p99ms: round(percentile(latencies, 99)),
    samples: latencies.length,
  };
}

/** The rows the plan's table scans read (produced or filtered away, × loops, summed over scan nodes): what grows with a municipality's size when no index bounds it. */
function rowsScanned(plan: Record<string, unknown>): number {
  // Rows a scan filtered away were read too: counted with the rows it produced.
  const read =
    Number(plan['Actual Rows'] ?? 0) + Number(plan['Rows Removed by Filter'] ?? 0) + Number(plan['Rows Removed by Index Recheck'] ?? 0);
  const own = /Scan$/.test(String(plan['Node Type'])) && plan['Relation Name'] ? read * Number(plan['Actual Loops'] ?? 1) : 0;
  return own + ((plan.Plans as Record<string, unknown>[] | undefined) ?? []).reduce((sum, child) => sum + rowsScanned(child), 0);
}

/** Every table a JSON plan reads, by any scan. */
function relationsRead(plan: Record<string, unknown>, found = new Set<string>()): string[] {
  if (plan['Relation Name']) found.add(String(plan['Relation Name']));
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) relationsRead(child, found);
  return [...found].sort();
}

/** Relations scanned sequentially in a JSON plan, with their row estimates. */
function seqScans(plan: Record<string, unknown>, found: { relation: string }[] = []): { relation: string }[] {
  if (plan['Node Type'] === 'Seq Scan') found.push({ relation: String(plan['Relation Name']) });
  for (const child of (plan.Plans as Record<string, unknown>[] | undefined) ?? []) seqScans(child, found);
  return found;
}

export async function measureNational(data: NationalData, log: (line: string) => void): Promise<WorkloadResult[]> {
  const logger = new CapturingLogger();
  const database = await Database.open(
    // With the owner's URL: a kept database (--database) gets the migrations added since it was generated.
    { kind: 'postgres', url: data.db.appUrl, migrationUrl: data.db.ownerUrl },
    (await import('@kommuna/services')).SERVICES_DATABASE_SCHEMA,
  );
  (database.dataSource as unknown as { logger: Logger }).logger = logger;
  const bare = new Pool({ connectionString: data.db.appUrl, max: 10 });
  const admin = new Pool({ connectionString: data.db.appUrl.replace('kommuna_app@', 'postgres@'), max: 1 });
  const planDir = path.join(RESULTS_DIR, 'national-plans');
  fs.mkdirSync(planDir, { recursive: true });
  try {
    const directory = new TenantDirectory(database);
    const { dir } = writeAllTenants();
    await directory.sync(loadTenantConfigs(dir).map((loaded) => loaded.config));
    const minasidor = new Minasidor(database, directory);
    const statistics = new StatisticsService(database);
    const usage = new UsageRepository();
    const bySize = [...data.tenants].sort((a, b) => b.share.population - a.share.population);
    const largest = bySize[0];
    // Residents spread over the country: every 29th municipality by size, ten residents each who
    // have a case there. With about one case per resident, a third of residents have none, and
    // at 1.0 the first input had none: its plan (the one recorded) read no rows and showed nothing.
    const residents: { tenant: string; party: string }[] = [];
    for (let t = 0; t < bySize.length; t += 29) {
      const tenant = bySize[t];
      const first = data.tenants.slice(0, data.tenants.indexOf(tenant)).reduce((s, x) => s + x.share.residents, 1);
      const candidates = Array.from({ length: 60 }, (_, k) => partyId(first + ((k * 7919) % tenant.share.residents)));
      const withCases = new Set(
        (
          await admin.query<{ party: string }>(
            `SELECT DISTINCT subject_party_id AS party FROM minasidor_case WHERE tenant_id = $1 AND subject_party_id = ANY($2::uuid[])`,
            [tenant.id, candidates],
          )
        ).rows.map((r) => r.party),
      );
      for (const party of candidates.filter((c) => withCases.has(c)).slice(0, 10)) residents.push({ tenant: tenant.slug, party });
    }
    const inboxes = bySize.slice(0, 5).flatMap((t) => UNITS.map(([unit]) => ({ tenant: t, unit })));
    const monthsAgo = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - n, 1));
    const asCitizen = <T>(party: string, work: () => Promise<T>) => requestContext.run({ subjectId: party }, work);
    const asStaff = <T>(tenant: { id: string; slug: string }, work: () => Promise<T>) =>
      requestContext.run({ tenantId: tenant.id, tenantSlug: tenant.slug }, work);

    const workloads: Workload[] = [
      {
        name: 'overview-heavy',
        what: `Mina sidor myCases(first 20) of a citizen with 50 cases in three municipalities (${HEAVY_CITIZENS} such citizens)`,
        inputs: HEAVY_CITIZENS,
        run: (i) => asCitizen(partyId(i + 1), () => minasidor.citizens.myCases(partyId(i + 1), { first: 20 })),
      },
      {
        name: 'overview-resident',
        what: `Mina sidor myCases(first 20) of an ordinary resident with a case (${residents.length} residents of 10 municipalities of every size)`,
        inputs: residents.length,
        run: (i) => asCitizen(residents[i].party, () => minasidor.citizens.myCases(residents[i].party, { first: 20 })),
      },
      {
        name: 'staff-inbox',
        what: `staff case list (first 20) of one unit, the five largest municipalities × ${UNITS.length} units`,
        inputs: inboxes.length,
        run: (i) => asStaff(inboxes[i].tenant, () => minasidor.staff.list({ subject: 'bench', unit: inboxes[i].unit }, { first: 20 })),
        // The page of 20 and one more (is there a next page?).
        rowsNeeded: async () => 21,
      },
      {
        name: 'mail-statistics',
        what: `digital-mail monthly statistics, last 12 months, of ${largest.slug} (the largest): whole municipality and each unit`,
        inputs: UNITS.length + 1,
        run: (i) =>
          asStaff(largest, () =>
            statistics.monthly(i === 0 ? WHOLE_MUNICIPALITY : unitScope(UNITS[i - 1][0]), { from: monthsAgo(12), to: monthsAgo(0) }),
          ),
        // Every letter of the 12 months is counted: those, and no other.
        rowsNeeded: async () =>
          Number(
            (
              await admin.query(`SELECT count(*) AS n FROM mail_delivery WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3`, [
                largest.id,
                monthsAgo(12),
                monthsAgo(0),
              ])
            ).rows[0].n,
          ),
      },
      {
        name: 'catalogue-usage',
        what: 'catalogue usage of every municipality over 12 months (catalogue_usage_between, the cross-municipality aggregate)',
        inputs: 1,
        run: () =>
          usage.acrossTenants(
            database.dataSource.manager,
            monthsAgo(12).toISOString().slice(0, 10),
            monthsAgo(0).toISOString().slice(0, 10),
          ),
        planOf: {
          sql: (await bare.query(`SELECT prosrc FROM pg_proc WHERE proname = 'catalogue_usage_between'`)).rows[0].prosrc
            .replace(/p_from/g, '$1::date')
            .replace(/p_to/g, '$2::date'),
          params: [monthsAgo(12).toISOString().slice(0, 10), monthsAgo(0).toISOString().slice(0, 10)],
        },
        aggregateTable: 'catalogue_usage_monthly',
      },
    ];

    const results: WorkloadResult[] = [];
    for (const workload of workloads) {
      // What the platform sends for each input, to replay bare.
      const captured: Statement[][] = [];
      for (let i = 0; i < workload.inputs; i++) {
        logger.capture = [];
        await workload.run(i);
        captured.push(logger.capture);
        logger.capture = null;
      }
      const runBare = async (i: number) => {
        const client = await bare.connect();
        try {
          for (const s of captured[i]) await client.query(s.sql, s.params);
        } finally {
          client.release();
        }
      };
      let best: { platform?: PathFigures; bare?: PathFigures } = {};
      for (let r = 0; r < ROUNDS; r++) {
        for (const side of ['platform', 'bare'] as const) {
          const call = side === 'platform' ? workload.run : runBare;
          await closedLoop(workload.inputs, call, WARMUP_S);
          const figures = await closedLoop(workload.inputs, call, DURATION_S);
          if (!best[side] || figures.opsPerSecond > best[side]!.opsPerSecond) best = { ...best, [side]: figures };
        }
      }
      const plan = workload.planOf ? await explain(admin, [workload.planOf]) : await explain(bare, captured[0]);
      const planFile = path.join(planDir, `${workload.name}.txt`);
      fs.writeFileSync(
        planFile,
        `-- ${workload.what}\n-- scale ${data.scale}; first input; as kommuna_app in the platform's context\n\n${plan.statement}\n\n${plan.text}\n`,
      );
      const sizes = await bare.query(`SELECT relname, reltuples::bigint AS n FROM pg_class WHERE relkind = 'r'`);
      const rowsOf = new Map(sizes.rows.map((r: { relname: string; n: string }) => [r.relname, Number(r.n)]));
      const largeSeqScans = seqScans(plan.json.Plan)
        .filter((s) => (rowsOf.get(s.relation) ?? 0) > LARGE_TABLE_ROWS)
        .map((s) => `${s.relation} (${rowsOf.get(s.relation)!.toLocaleString('en')} rows)`);
      const result: WorkloadResult = {
        name: workload.name,
        what: workload.what,
        platform: best.platform!,
        bare: best.bare!,
        ratio: round(best.platform!.opsPerSecond / best.bare!.opsPerSecond),
        statementsPerCall: captured[0].length,
        planFile: path.relative(path.resolve(RESULTS_DIR, '..'), planFile),
        largeSeqScans,
        executionMs: round(plan.json['Execution Time'] as number),
        rowsScanned: rowsScanned(plan.json.Plan as Record<string, unknown>),
        rowsReturned: Number((plan.json.Plan as Record<string, unknown>)['Actual Rows']),
        rowsNeeded: workload.rowsNeeded ? await workload.rowsNeeded() : null,
        relationsRead: relationsRead(plan.json.Plan as Record<string, unknown>),
        aggregate: workload.aggregateTable
          ? {
              table: workload.aggregateTable,
              rows: Number((await admin.query(`SELECT count(*) AS n FROM ${workload.aggregateTable}`)).rows[0].n),
            }
          : null,
        sharedBuffers: { hit: plan.sharedHit, read: plan.sharedRead },
      };
      log(
        `  ${workload.name}: platform ${result.platform.opsPerSecond}/s p99 ${result.platform.p99ms} ms, bare ${result.bare.opsPerSecond}/s p99 ${result.bare.p99ms} ms, ratio ${result.ratio}; ` +
          `plan ${result.executionMs} ms, ${result.rowsScanned} rows scanned for ${result.rowsReturned}, seq scans of large tables: ${largeSeqScans.join(', ') || 'none'}`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await bare.end();
    await admin.end();
    await database.close();
  }
}

/** The main statement of a captured call (not the transaction control or set_config) under EXPLAIN, in the captured context. */
async function explain(
  pool: Pool,
  statements: Statement[],
): Promise<{
  statement: string;
  text: string;
  json: { Plan: Record<string, unknown> } & Record<string, unknown>;
  sharedHit: number;
  sharedRead: number;
}> {
  const context = statements.find((s) => s.sql.includes('set_config('));
  const main = statements
    .filter((s) => !/^(START TRANSACTION|COMMIT|ROLLBACK)/i.test(s.sql) && s !== context)
    .sort((a, b) => b.sql.length - a.sql.length)[0];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    if (context) await client.query(context.sql, context.params);
    const text = (await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${main.sql}`, main.params)).rows.map((r) => r['QUERY PLAN']).join('\n');
    const [json] = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${main.sql}`, main.params)).rows[0]['QUERY PLAN'];
    await client.query('ROLLBACK');
    const params = main.params.map((p, i) => `$${i + 1} = ${String(JSON.stringify(p)).slice(0, 200)}`).join('\n-- ');
    return {
      statement: `${main.sql.trim()}\n-- ${params}`,
      text,
      json: json as { Plan: Record<string, unknown> } & Record<string, unknown>,
      sharedHit: Number(json.Plan['Shared Hit Blocks'] ?? 0),
      sharedRead: Number(json.Plan['Shared Read Blocks'] ?? 0),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
