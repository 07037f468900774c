// `npm run bench:home-care [-- --visits N] [--residents N]`: issue 20's benchmark. One large
// municipality's month (default 20,000 residents and 1,000,000 performed visits, March 2025) is
// generated as the open CSV files (docs/home-care.md), imported through HomeCareImporter into a
// fresh PostgreSQL database with the platform's and home care's migrations, and checked with the
// monthly check. The ceiling is PostgreSQL's own COPY (psql \copy) of the same visits file into a
// bare table of the same columns. Writes bench/results/home-care.json and its own section of
// bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import {
  HOME_CARE_DATABASE_SCHEMA,
  HomeCare,
  HomeCareActor,
  ImportKind,
  MONTHLY_CHECK_SQL,
  readRecords,
  ROW_SCHEMAS,
} from '@kommuna/home-care';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant, TenantDirectory } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { buildTenantConfig } from '@kommuna/platform-testing';
import { freshDatabase, serverLogFile } from '../lib/postgres';
import { cpuSecondsOf } from '../lib/processes';
import { machineAndVersions, writeScenarioSection } from '../lib/report';
import { goal, RESULTS_DIR, round, ScenarioResult, writeResult } from '../lib/results';

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
};
const RESIDENTS = option('residents', 20_000);
const VISITS = option('visits', 1_000_000);
/** Keeps the database for a look at its plans (EXPLAIN) and writes no result: for working on the importer or the check. */
const KEEP = process.argv.includes('--keep');
const MONTH = '2025-03';
const KOMMUNKOD = '2281';
const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, HOME_CARE_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = { entities: SCHEMAS.flatMap((s) => s.entities as []), migrations: SCHEMAS.flatMap((s) => s.migrations) };
const ACTOR: HomeCareActor = { kind: 'service', clientId: 'bench-system' };

const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const rssMb = () => round(process.memoryUsage.rss() / 1048576, 0);

/** Three own units and seven private (LOV) providers paid per hour for every service type. */
const PROVIDERS = [
  ...['NORR', 'SYD', 'CENTRUM'].map((area) => ({ code: `HT-${area}`, name: `Hemtjänst ${area} (egen regi)`, kind: 'own_unit' })),
  ...Array.from({ length: 7 }, (_, i) => ({ code: `LOV-${i + 1}`, name: `Omsorgsbolag ${i + 1} AB`, kind: 'lov' })),
];
const SERVICE_TYPES = ['personal_care', 'service', 'escort', 'relief'];

/** Writes a file line by line through a stream, so the generator's memory stays flat too. */
async function writeLines(file: string, header: string, rows: () => Generator<string>): Promise<number> {
  const out = fs.createWriteStream(file);
  let chunk: string[] = [header];
  for (const row of rows()) {
    chunk.push(row);
    if (chunk.length >= 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = [];
    }
  }
  out.end(chunk.length ? chunk.join('\n') + '\n' : '');
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
  return fs.statSync(file).size;
}

/** A time in Swedish winter time (March 2025 before the 30th) with its offset. */
const local = (day: number, hour: number, minute: number) =>
  `2025-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+01:00`;

/**
 * The month's files. Each resident has one decision (personal care and service tasks) and one
 * provider; visits are spread evenly, on days 1–29 (winter time), each staff member serving eight
 * residents in separate hours so nobody is in two homes at once unless planted. Planted: 5 % of
 * residents granted too little personal care, every 40th visit 3 minutes long, 10 % of one LOV
 * provider's visits registered manually, 100 residents in hospital 10–20 March.
 */
async function generate(dir: string): Promise<Record<ImportKind | 'bytes', number>> {
  const perResident = Math.ceil(VISITS / RESIDENTS);
  const resident = (r: number) => `K-${100000 + r}`;
  const bytes = { providers: 0, decisions: 0, visits: 0, inpatient_periods: 0 };
  bytes.providers = await writeLines(
    path.join(dir, 'providers.csv'),
    'municipality;provider;name;kind;service_type;sek_per_hour;valid_from',
    function* () {
      for (const p of PROVIDERS)
        if (p.kind === 'own_unit') yield [KOMMUNKOD, p.code, p.name, p.kind, '', '', ''].join(';');
        else for (const t of SERVICE_TYPES) yield [KOMMUNKOD, p.code, p.name, p.kind, t, '450', '2025-01-01'].join(';');
    },
  );
  // Four of five visits are personal care (45 min), one is service tasks.
  const personalMinutes = Math.ceil((perResident * 4) / 5) * 45;
  const serviceMinutes = Math.ceil(perResident / 5) * 45;
  bytes.decisions = await writeLines(
    path.join(dir, 'decisions.csv'),
    'municipality;decision;resident;valid_from;valid_to;service_type;granted_minutes_per_month',
    function* () {
      for (let r = 0; r < RESIDENTS; r++) {
        const granted = r % 20 === 0 ? Math.round(personalMinutes * 0.8) : personalMinutes + 60;
        yield [KOMMUNKOD, `B-${r}`, resident(r), '2025-01-01', '', 'personal_care', granted].join(';');
        yield [KOMMUNKOD, `B-${r}`, resident(r), '2025-01-01', '', 'service', serviceMinutes + 60].join(';');
      }
    },
  );
  bytes.inpatient_periods = await writeLines(
    path.join(dir, 'inpatient.csv'),
    'municipality;period;resident;admitted_on;discharged_on',
    function* () {
      for (let r = 7; r < RESIDENTS && r < 700; r += 7) yield [KOMMUNKOD, `V-${r}`, resident(r), '2025-03-10', '2025-03-20'].join(';');
    },
  );
  let visits = 0;
  bytes.visits = await writeLines(
    path.join(dir, 'visits.csv'),
    'municipality;visit;provider;resident;service_type;started_at;stopped_at;staff;verification;billed_minutes',
    function* () {
      for (let k = 0; k < perResident; k++)
        for (let r = 0; r < RESIDENTS && visits < VISITS; r++) {
          const provider = PROVIDERS[r % PROVIDERS.length];
          const day = (k % 29) + 1;
          // Eight residents share a staff member; each has its own hour of the shift, a second round in the afternoon.
          const hour = 6 + (r % 8) + 8 * (Math.floor(k / 29) % 2);
          const minutes = visits % 40 === 39 ? 3 : 45;
          const manual = provider.code === 'LOV-1' && visits % 10 === 0;
          yield [
            KOMMUNKOD,
            `BES-${++visits}`,
            provider.code,
            resident(r),
            k % 5 === 4 ? 'service' : 'personal_care',
            local(day, hour, 0),
            local(day, hour, minutes),
            `S-${Math.floor(r / 8)}-${Math.floor(k / 58)}`,
            manual ? 'manual' : 'tag',
            '',
          ].join(';');
        }
    },
  );
  return { ...bytes, planned_visits: 0, invoices: 0, bytes: Object.values(bytes).reduce((a, b) => a + b, 0) } as Record<
    ImportKind | 'bytes',
    number
  >;
}

/** Peak RSS of this process while `work` runs, sampled every 100 ms. */
async function measured<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  const start = performance.now();
  try {
    const value = await work();
    return { value, seconds: (performance.now() - start) / 1000, peakRssMb: round(Math.max(peak, process.memoryUsage.rss()) / 1048576, 0) };
  } finally {
    clearInterval(timer);
  }
}

/** Statements PostgreSQL logged as slower than this (log_min_duration_statement on the bench database). */
const SLOW_MS = 500;
const LOG_ENTRY =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[\d+\] (?:\S+ )?\S+@(\S+) LOG:\s+duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.*)$/;

/** The server log from where it is now on: the statements of `database` it logged with their duration. */
function slowStatementLog(database: string): () => Array<{ seconds: number; statement: string }> {
  const file = serverLogFile();
  let offset = file ? fs.statSync(file).size : 0;
  return () => {
    if (!file) return [];
    const size = fs.statSync(file).size;
    const buffer = Buffer.alloc(Math.max(size - offset, 0));
    const fd = fs.openSync(file, 'r');
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    fs.closeSync(fd);
    offset = size;
    return buffer
      .toString('utf8')
      .split('\n')
      .map((line) => LOG_ENTRY.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === database)
      .map((m) => ({ seconds: round(Number(m[2]) / 1000, 1), statement: m[3].replace(/\s+/g, ' ').slice(0, 90) }));
  };
}

/**
 * PostgreSQL's own COPY through psql (\copy streams the client's file), into a fresh table: bare,
 * or with `indexes` (built as the rows arrive). Its time, and the CPU its server process used,
 * read from /proc before psql closes the session.
 */
function bareCopy(url: string, file: string, table: string, indexes: string[] = []): { seconds: number; serverCpuS: number } {
  const sql = [
    `DROP TABLE IF EXISTS ${table}`,
    `CREATE TABLE ${table} (municipality text, visit text, provider text, resident text, service_type text, started_at timestamptz, stopped_at timestamptz, staff text, verification text, billed_minutes int)`,
    ...indexes.map((columns, i) => `CREATE ${i === 0 ? 'UNIQUE ' : ''}INDEX ${table}_${i} ON ${table} (${columns})`),
  ];
  const setup = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql.join('; ')], { encoding: 'utf8' });
  if (setup.status !== 0) throw new Error(`creating ${table} failed: ${setup.stderr}`);
  // \! takes its line as it is: the pid reaches the shell through the environment.
  const stat = `\\! cat /proc/$BACKEND_PID/stat`;
  const script = [
    `SELECT pg_backend_pid() AS pid \\gset`,
    `\\setenv BACKEND_PID :pid`,
    stat,
    `\\copy ${table} FROM '${file}' WITH (FORMAT csv, HEADER true, DELIMITER ';')`,
    stat,
  ].join('\n');
  const start = performance.now();
  const copy = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-f', '-'], { encoding: 'utf8', input: script + '\n' });
  const seconds = (performance.now() - start) / 1000;
  if (copy.status !== 0) throw new Error(`COPY failed: ${copy.stderr}`);
  const [before, after] = copy.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    });
  return { seconds, serverCpuS: round(after - before, 2) };
}

/** CPU seconds used so far by the server processes of one database (each backend's command line names it), from /proc. */
function serverCpuOf(database: string): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name))) {
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.startsWith('postgres: ') && command.split(' ').includes(database)) total += cpuSecondsOf(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-bench-home-care-'));
  const pg = await freshDatabase('home_care', { log_min_duration_statement: String(SLOW_MS) });
  const database = await Database.open({ kind: 'postgres', url: pg.appUrl, migrationUrl: pg.ownerUrl, poolSize: 10 }, SCHEMA);
  try {
    log(`== generating ${RESIDENTS} residents, ${VISITS} visits in ${dir}`);
    const generated = await measured(() => generate(dir));
    log(`generated ${round(generated.value.bytes / 1048576, 1)} MB in ${round(generated.seconds, 1)} s`);
    const directory = new TenantDirectory(database);
    const [tenant]: Tenant[] = await directory.sync([
      buildTenantConfig({
        slug: 'bench-hemtjanst',
        kommunkod: KOMMUNKOD,
        names: { sv: 'Benchkommun', en: 'Bench municipality' },
        services: { 'home-care': { stage: 'piloting', settings: { responsibleUnits: ['hemtjanst'] } } },
      }),
    ]);
    const homeCare = new HomeCare(database, directory, () => new Date('2025-04-02T06:00:00+02:00'));
    const inTenant = <T>(work: () => Promise<T>) =>
      requestContext.run({ requestId: 'bench', tenantId: tenant.id, tenantSlug: tenant.slug }, work);
    const importFile = (kind: ImportKind, file: string) =>
      measured(() =>
        inTenant(() =>
          // The file as a stream, read as the importer goes (an upload would be handed over the same way).
          homeCare.importFile(ACTOR, { kind, format: 'csv', fileName: file, content: fs.createReadStream(path.join(dir, file)) }),
        ),
      );

    const rssBefore = rssMb();
    const imports: Record<string, { rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number }> = {};
    const slowStatements = slowStatementLog(pg.name);
    const statementsOf: Record<string, Array<{ seconds: number; statement: string }>> = {};
    const cpuOf: Record<string, { nodeS: number; serverS: number }> = {};
    for (const [kind, file] of [
      ['providers', 'providers.csv'],
      ['decisions', 'decisions.csv'],
      ['inpatient_periods', 'inpatient.csv'],
      ['visits', 'visits.csv'],
    ] as Array<[ImportKind, string]>) {
      slowStatements();
      const nodeCpuBefore = process.cpuUsage();
      const serverCpuBefore = serverCpuOf(pg.name);
      const r = await importFile(kind, file);
      const nodeCpu = process.cpuUsage(nodeCpuBefore);
      cpuOf[kind] = { nodeS: round((nodeCpu.user + nodeCpu.system) / 1e6, 2), serverS: round(serverCpuOf(pg.name) - serverCpuBefore, 2) };
      statementsOf[kind] = slowStatements();
      imports[kind] = {
        rows: r.value.rows,
        seconds: round(r.seconds, 1),
        rowsPerSecond: round(r.value.rows / r.seconds, 0),
        peakRssMb: r.peakRssMb,
      };
      log(
        `imported ${kind}: ${r.value.rows} rows in ${round(r.seconds, 1)} s (${imports[kind].rowsPerSecond} rows/s), peak RSS ${r.peakRssMb} MB`,
      );
    }
    const rssAfterImport = rssMb();
    // As elsewhere in the bench: the machine's PostgreSQL runs with autovacuum off; production keeps statistics.
    await pg.admin('ANALYZE');

    log('== the monthly check');
    const check = await measured(() => inTenant(() => homeCare.runCheck(ACTOR, MONTH)));
    const run = check.value;
    log(
      `check: ${round(check.seconds, 1)} s, peak RSS ${check.peakRssMb} MB; ${JSON.stringify({ residents: run.residents, deviating: run.residentsWithDeviations })}`,
    );
    const rssAfterCheck = rssMb();

    // The check's statements under EXPLAIN (ANALYZE, BUFFERS) on this data, as the app role in the municipality's context.
    const planDir = path.join(RESULTS_DIR, 'home-care-plans');
    const planSeconds: Record<string, number> = {};
    if (!KEEP) fs.mkdirSync(planDir, { recursive: true });
    for (const [name, sql] of Object.entries(MONTHLY_CHECK_SQL)) {
      const lines = await inTenant(() =>
        database.transaction((em) =>
          em.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, name === 'granted' ? [tenant.id, `${MONTH}-01`, 31] : [tenant.id, `${MONTH}-01`]),
        ),
      );
      const text = (lines as Array<{ 'QUERY PLAN': string }>).map((l) => l['QUERY PLAN']).join('\n');
      planSeconds[name] = round(Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN) / 1000, 2);
      if (!KEEP)
        fs.writeFileSync(
          path.join(planDir, `${name}.txt`),
          `-- ${name}: ${MONTH}, ${RESIDENTS} residents, ${VISITS} visits\n${sql.trim()}\n\n${text}\n`,
        );
      log(`EXPLAIN ${name}: ${planSeconds[name]} s`);
    }

    // The path in the process (other kinds, JSON Lines, vendor exports, PGlite): its ceiling, for comparison.
    log('== the visits file parsed and checked against its schema in the process only (no database)');
    const parseOnly = await measured(async () => {
      let rows = 0;
      for await (const raw of readRecords(fs.createReadStream(path.join(dir, 'visits.csv')), 'csv'))
        if ('record' in raw && ROW_SCHEMAS.visits.safeParse(raw.record).success) rows++;
      return rows;
    });
    const parseRate = round(parseOnly.value / parseOnly.seconds, 0);
    log(`parse and schema: ${parseOnly.value} rows in ${round(parseOnly.seconds, 1)} s (${parseRate} rows/s)`);

    log('== bare COPY of the same visits file (twice, the faster counts)');
    const visitsFile = path.join(dir, 'visits.csv');
    const copies = [bareCopy(pg.ownerUrl, visitsFile, 'bench_bare_visit'), bareCopy(pg.ownerUrl, visitsFile, 'bench_bare_visit')];
    const copySeconds = copies.map((c) => c.seconds);
    const copyRate = VISITS / Math.min(...copySeconds);
    // A fairer ceiling for a table that is read: the same COPY into a table with the visit id unique and the start indexed.
    const indexedCopy = bareCopy(pg.ownerUrl, visitsFile, 'bench_indexed_visit', ['visit', 'started_at']);
    log(`COPY into an indexed table: ${round(indexedCopy.seconds, 1)} s, server CPU ${indexedCopy.serverCpuS} s`);
    await pg.admin('DROP TABLE bench_indexed_visit');
    const visitsCpu = cpuOf.visits;
    const bareCpu = Math.min(...copies.map((c) => c.serverCpuS));
    log(
      `CPU of the visits import: node ${visitsCpu.nodeS} s, PostgreSQL ${visitsCpu.serverS} s; bare COPY's server ${copies.map((c) => c.serverCpuS).join(' / ')} s`,
    );
    const importRate = imports.visits.rowsPerSecond;
    const ratio = round(importRate / copyRate, 3);
    log(`COPY: ${copySeconds.map((s) => round(s, 1)).join(' / ')} s (${Math.round(copyRate)} rows/s); ratio ${ratio}`);
    await pg.admin('DROP TABLE bench_bare_visit');

    const machine = await machineAndVersions();
    const fmt = (v: number) => v.toLocaleString('en-GB');
    const result: ScenarioResult = {
      scenario: 'home-care',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal('visits import rows/s / bare COPY of the same file', '≥ 0.5', ratio, ratio >= 0.5),
        goal('the monthly check (s)', '< 60', round(check.seconds, 1), check.seconds < 60),
        goal(
          'peak RSS over import and check, less RSS before (MB)',
          'flat (< 100)',
          Math.max(imports.visits.peakRssMb, check.peakRssMb) - rssBefore,
          Math.max(imports.visits.peakRssMb, check.peakRssMb) - rssBefore < 100,
        ),
      ],
      figures: {
        residents: RESIDENTS,
        visits: VISITS,
        bytes: generated.value,
        imports,
        check: {
          seconds: round(check.seconds, 1),
          peakRssMb: check.peakRssMb,
          run: { residents: run.residents, residentsWithDeviations: run.residentsWithDeviations, amountAtStakeSek: run.amountAtStakeSek },
        },
        bareCopy: {
          seconds: copySeconds.map((s) => round(s, 1)),
          rowsPerSecond: round(copyRate, 0),
          serverCpuS: copies.map((c) => c.serverCpuS),
        },
        indexedCopy: {
          seconds: round(indexedCopy.seconds, 1),
          serverCpuS: indexedCopy.serverCpuS,
          ratio: round(indexedCopy.seconds === 0 ? 0 : imports.visits.seconds === 0 ? 0 : indexedCopy.seconds / imports.visits.seconds, 3),
        },
        cpu: { ...cpuOf, cpuRatio: round(bareCpu / (visitsCpu.nodeS + visitsCpu.serverS), 3) },
        ratio,
        parseOnly: { seconds: round(parseOnly.seconds, 1), rowsPerSecond: parseRate, ratioToCopy: round(parseRate / copyRate, 3) },
        checkStatementsSeconds: planSeconds,
        slowStatements: statementsOf,
        rssMb: { before: rssBefore, afterImport: rssAfterImport, afterCheck: rssAfterCheck },
        table: [
          {
            step: 'visits: HomeCareImporter',
            rows: fmt(VISITS),
            seconds: imports.visits.seconds,
            'rows/s': fmt(importRate),
            'peak RSS MB': imports.visits.peakRssMb,
          },
          {
            step: 'visits: psql \\copy into a bare table',
            rows: fmt(VISITS),
            seconds: round(Math.min(...copySeconds), 1),
            'rows/s': fmt(round(copyRate, 0)),
            'peak RSS MB': '',
          },
          {
            step: 'visits: csv-parse and zod only (the path in the process), no database',
            rows: fmt(parseOnly.value),
            seconds: round(parseOnly.seconds, 1),
            'rows/s': fmt(parseRate),
            'peak RSS MB': parseOnly.peakRssMb,
          },
          {
            step: 'decisions: HomeCareImporter',
            rows: fmt(imports.decisions.rows),
            seconds: imports.decisions.seconds,
            'rows/s': fmt(imports.decisions.rowsPerSecond),
            'peak RSS MB': imports.decisions.peakRssMb,
          },
          {
            step: `monthly check of ${MONTH}`,
            rows: fmt(VISITS),
            seconds: round(check.seconds, 1),
            'rows/s': fmt(round(VISITS / check.seconds, 0)),
            'peak RSS MB': check.peakRssMb,
          },
        ],
        machine: { cpu: machine.cpu, cores: machine.cores, node: machine.node, postgresql: machine.postgresql },
      },
      notes: [
        `Run with \`npm run bench:home-care -- --residents ${RESIDENTS} --visits ${VISITS}\`${VISITS < 1_000_000 ? ` — **not the issue's 1,000,000 visits**: a smaller figure, see below` : ''}. ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; PostgreSQL ${machine.postgresql}. Load average (1 min) ${round(loadBefore, 1)} at the start and ${round(os.loadavg()[0], 1)} at the end: other work shared the machine, so the figures are of this run.`,
        `Files (CSV, docs/home-care.md): ${PROVIDERS.length} providers (7 LOV with rates for every service type), ${fmt(RESIDENTS)} decisions of two service types, ${fmt(imports.inpatient_periods.rows)} inpatient periods, ${fmt(VISITS)} visits of March 2025 (${round(generated.value.visits / 1048576, 1)} MB). Planted: 5 % of residents granted too little, every 40th visit 3 minutes, 10 % of one provider's visits registered manually, residents in hospital.`,
        `Check: ${fmt(run.residents)} residents, ${fmt(run.residentsWithDeviations)} with deviations, ${fmt(run.amountAtStakeSek)} SEK at stake. Its statements alone under EXPLAIN (ANALYZE, BUFFERS) afterwards, with the server's default work_mem of 4 MB (the check raises it to 64 MB in its own transaction, so its grouping stays in memory there) and with per-node timing and JIT compilation counted (each plan shows both) (s): ${Object.entries(
          planSeconds,
        )
          .map(([name, seconds]) => `${name} ${seconds}`)
          .join(
            ', ',
          )}; the plans are in [results/home-care-plans/](results/home-care-plans/). They join the month's visits with the decision spans, the whole hospital days and the rates in force by hash; the rest of the check is evaluating the rules per line in the process and storing the lines and the run.`,
        `RSS of the bench process (MB): ${rssBefore} before the imports, ${rssAfterImport} after, ${rssAfterCheck} after the check; peaks ${imports.visits.peakRssMb} (visits import) and ${check.peakRssMb} (check). The files are passed as streams (fs.createReadStream): the importer passes the bytes on to COPY as they are read, waiting when PostgreSQL is behind, so nothing holds the file or its rows.`,
        `The importer reads the visits CSV in the process as it streams: each plain line (no quotes or escapes) is split and tested quickly for the usual shapes (every field as the row's zod schema keeps it), any other line goes through csv-parse and the schema; each row is checked there against the municipality's providers, rates, decisions and the import's month (the same words as the SQL checks of the other paths), and the typed rows go through COPY FROM STDIN (pg-copy-streams) straight into the file's own table standing alone (no index, no foreign key trigger; row-level security forced as it is attached, in the same transaction). Only an id imported before is checked in SQL (when the municipality has other files), an id twice in the file by the unique index. The table is then attached to the municipality's partition of home_care_visit (its primary key, unique id and started indexes built once, its two foreign keys checked as a set) and the municipality's visits are analysed, all in one transaction (ADR 0022, sixth step). For comparison, the path in the process that other files take (csv-parse and the row's zod schema) reaches ${fmt(parseRate)} rows/s, ${round(parseRate / copyRate, 3)} of the bare COPY, with no database at all.`,
        `PostgreSQL's own durations of the visits import's statements over ${SLOW_MS} ms (log_min_duration_statement): ${
          statementsOf.visits?.length
            ? statementsOf.visits.map((st) => `${st.seconds} s ${st.statement.slice(0, 60)}…`).join('; ')
            : 'none logged (the server log was not readable)'
        }. The typed COPY into the file's table (as long as the process takes to read and check the file), its attachment (three index builds, two foreign keys checked by a join each) and the ANALYZE of the municipality's visits.`,
        `The decisions file (${fmt(imports.decisions.rows)} rows, one per decision and service type) took ${imports.decisions.seconds} s (42 s before this change, superlinear in the residents): each batch's INSERT joined home_care_decision and the overlap check joined every decision with every other, on tables without statistics; the checks now run over the analysed staging table and stored decisions by index, and the decisions move in two INSERT … SELECT.`,
        `The ceiling is psql's \\copy of the same visits file into a table of the same columns with no index, no constraint and no row-level security, run twice (the faster counts).`,
        `CPU from /proc: the visits import used ${visitsCpu.nodeS} s in node and ${visitsCpu.serverS} s in PostgreSQL (its backends); the bare COPY's server process ${copies.map((c) => c.serverCpuS).join(' and ')} s, so by CPU the import is ${round(bareCpu / (visitsCpu.nodeS + visitsCpu.serverS), 3)} of the bare COPY (psql's own CPU left out). For comparison, the same COPY into a table with the visit id unique and the start indexed (as the visits table is read) took ${round(indexedCopy.seconds, 1)} s (server CPU ${indexedCopy.serverCpuS} s): the import is ${round(indexedCopy.seconds / imports.visits.seconds, 3)} of that.`,
      ],
    };
    if (KEEP) log(`kept database ${pg.name} (${pg.ownerUrl}); no result written`);
    else {
      writeResult(result);
      writeScenarioSection(result);
    }
    for (const g of result.goals) log(`${g.met ? 'MET   ' : 'MISSED'} ${g.name}: ${g.value} (goal ${g.target})`);
  } finally {
    await database.close();
    if (!KEEP) await pg.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
