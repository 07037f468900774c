// Fills a fresh bench database with a national volume (issue 24): the schema from the
// platform's own migrations, the 290 municipalities as real tenants (the generated tenant.yaml
// files of the tenants-290 scenario, synced by TenantDirectory), then parties, Mina sidor cases
// and their events, letters (message + delivery), e-forms submissions and catalogue usage, each
// municipality's share by population (population.ts).
//
// The rows are produced inside PostgreSQL, one set-based INSERT … SELECT generate_series per
// table: nothing crosses the wire, which on this 2-core machine costs less CPU than COPY text
// built in node (docs/adr/0021). The big tables are loaded without their keys, indexes and
// foreign keys, which are put back afterwards exactly as the migrations made them, and the
// tables load side by side on one connection per core (bulk-load.ts). Identifiers are derived
// from row numbers (a uuid spelled from the number, hashint8 for the spread) and times from one
// reference time, so a run is repeatable.
import * as os from 'node:os';
import { Client } from 'pg';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { SERVICES_DATABASE_SCHEMA } from '@kommuna/services';
import { BenchDatabase, freshDatabase } from '../lib/postgres';
import { writeAllTenants } from '../lib/tenants';
import { deferIndexes, Job, JobFigures, openLanes, restoreJobs, runJobs, schemaOf } from './bulk-load';
import { NATIONAL_VOLUME, nationalPlan, TenantShare } from './population';

/** The units cases and letters belong to, with their share (social services and schools dominate). */
export const UNITS = [
  ['socialtjanst', 30],
  ['utbildning', 25],
  ['bygglov', 15],
  ['omsorg', 15],
  ['miljo', 10],
  ['kultur', 5],
] as const;

/** The tables loaded in bulk, without their keys, indexes and foreign keys until they are full. */
export const BULK_TABLES = [
  'party',
  'minasidor_case',
  'minasidor_case_event',
  'minasidor_decision',
  'minasidor_message',
  'mail_message',
  'mail_delivery',
  'eforms_submission',
] as const;

/** The tables a result reports the size of: the bulk-loaded ones and the catalogue's usage. */
export const COUNTED_TABLES = [...BULK_TABLES, 'catalogue_usage_monthly'] as const;

/** Citizens with many cases (50, in three municipalities), as the overview scenario has one. */
export const HEAVY_CITIZENS = 20;
export const HEAVY_CASES = 50;

export interface NationalData {
  db: BenchDatabase;
  scale: number;
  /** tenant id → slug, kommunkod, share. */
  tenants: { id: string; slug: string; kod: string; share: TenantShare }[];
  counts: Record<string, number>;
  seconds: Record<string, number>;
  /** How the load went (absent for a kept database). */
  load?: LoadFigures;
}

export interface LoadFigures {
  lanes: number;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  /** CPU of the lanes' server processes (the loads, VACUUM, index builds, key checks), from /proc. */
  serverCpuSeconds: number;
  nodeCpuSeconds: number;
  walGb: number;
  databaseGb: number;
  jobs: Record<string, JobFigures>;
}

/** The party id of resident number n (1-based, national numbering): a uuid spelled from n. */
export const partyId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** partyId(n) in SQL (uuid input without the hyphens: the same value, parsed in half the time). */
const SQL_PARTY_ID = (n: string) => `('00000000000040008000' || lpad(to_hex(${n}), 12, '0'))::uuid`;
/** The uuid `<prefix>-0000-4000-8000-<n in 12 hex digits>`. */
const SQL_ID = (prefix: string, n: string) => `('${prefix}000040008000' || lpad(to_hex(${n}), 12, '0'))::uuid`;
/** A payload hash's 64 hex digits from row number n (four 64-bit hashint8extended: half the CPU of two md5s). */
const SQL_HASH64 = (n: string) =>
  [1, 2, 3, 4].map((salt) => `lpad(to_hex(hashint8extended((${n})::bigint, ${salt})), 16, '0')`).join(' || ');
/** A deterministic number in [0, m) from row number n and a salt. */
const H = (n: string, salt: number, m: number | string) => `(abs(hashint8((${n})::bigint * 31 + ${salt})) % ${m})`;
/** The unit of row n by UNITS' shares: one hash and an index into a constant array of 100. */
function unitCase(n: string, salt: number): string {
  const hundred = UNITS.flatMap(([unit, share]) => Array.from({ length: share }, () => `'${unit}'`));
  if (hundred.length !== 100) throw new Error('the shares of UNITS must add up to 100');
  return `(ARRAY[${hundred.join(',')}]::varchar[])[1 + ${H(n, salt, 100)}]`;
}
/** The case number n a case id was spelled from (SQL_ID's last 12 hex digits). */
const CASE_NUMBER = (id: string) => `('x' || substr(${id}::text, 25, 12))::bit(48)::bigint`;

/** Connections the load runs on: one per core by default (BENCH_NATIONAL_LANES). */
const LANES = Number(process.env.BENCH_NATIONAL_LANES ?? Math.max(2, os.cpus().length));

/**
 * The loads, in the order a free lane takes them (the longest chains first), each with the table
 * it fills and the loads it reads. `at` is the reference time every timestamp is derived from.
 */
function loadJobs(at: string, acc: { cases: number }, heavyTenantIds: string[]): (Job & { table: string })[] {
  const now = `'${at}'::timestamptz`;
  const query =
    (sql: string, params: unknown[] = []) =>
    async (lane: { client: Client }) =>
      (await lane.client.query(sql, params)).rowCount ?? 0;
  return [
    {
      // Cases: each in its municipality, for a resident of it; updated within the last two years.
      // The heavy citizens (residents 1..HEAVY_CITIZENS) get 50 more each, spread over three
      // municipalities (the largest, the second, a small one), numbered after the plan's cases.
      name: 'cases',
      table: 'minasidor_case',
      after: [],
      run: async (lane) =>
        (await query(
          `INSERT INTO minasidor_case (tenant_id, id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind, unit,
                                       source, external_case_id, internal_status, status_changed_at, whose_turn, created_at, updated_at)
           SELECT p.tenant_id, ${SQL_ID('0000000c', 'n')}, 'KOM-' || n, 'case-type-' || ${H('n', 1, 12)}, 'Ärende ' || n, 'Case ' || n,
                  ${SQL_PARTY_ID(`p.res_lo + ${H('n', 2, 'p.res_n')}`)}, 'person', ${unitCase('n', 3)},
                  'national-bench', 'ext-' || n, st.status, t.updated,
                  CASE st.status WHEN 'completion_requested' THEN 'citizen' WHEN 'decided' THEN 'none' WHEN 'closed' THEN 'none' ELSE 'municipality' END,
                  t.updated - interval '20 days', t.updated
             FROM plan p, generate_series(p.case_lo, p.case_lo + p.case_n - 1) n,
                  LATERAL (SELECT ${now} - (${H('n', 4, 730 * 24)} * interval '1 hour') AS updated OFFSET 0) t,
                  LATERAL (SELECT (ARRAY['received','in_progress','in_progress','completion_requested','decided','decided','closed','closed','closed','closed'])[1 + ${H('n', 5, 10)}] AS status OFFSET 0) st`,
        )(lane)) +
        (await query(
          `INSERT INTO minasidor_case (tenant_id, id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind, unit,
                                       source, external_case_id, internal_status, status_changed_at, whose_turn, created_at, updated_at)
           SELECT ($1::uuid[])[1 + (k % ${heavyTenantIds.length})], ${SQL_ID('0000000c', `${acc.cases} + (c - 1) * ${HEAVY_CASES} + k`)},
                  'KOM-H' || c || '-' || k, 'case-type-' || (k % 12), 'Ärende', 'Case', ${SQL_PARTY_ID('c')}, 'person', ${unitCase('k', 3)},
                  'national-bench', 'heavy-' || c || '-' || k, 'in_progress', ${now} - k * interval '1 day', 'municipality',
                  ${now} - k * interval '1 day' - interval '20 days', ${now} - k * interval '1 day'
             FROM generate_series(1, ${HEAVY_CITIZENS}) c, generate_series(0, ${HEAVY_CASES - 1}) k`,
          [heavyTenantIds],
        )(lane)),
    },
    {
      // Letters: a message and its delivery (below).
      name: 'letters (messages)',
      table: 'mail_message',
      after: [],
      run: query(
        `INSERT INTO mail_message (tenant_id, id, recipient_party_id, recipient_kind, subject, body, body_format, language, support_info,
                                   department, sent_by, sent_by_kind, payload_hash, created_at)
         SELECT p.tenant_id, ${SQL_ID('0000000a', 'n')}, ${SQL_PARTY_ID(`p.res_lo + ${H('n', 6, 'p.res_n')}`)}, 'person',
                'Beslut i ditt ärende', NULL, 'TEXT', 'sv', '{}'::jsonb, ${unitCase('n', 7)}, 'national-bench', 'system',
                ${SQL_HASH64('n')}, ${now} - (${H('n', 8, 730 * 24)} * interval '1 hour')
           FROM plan p, generate_series(p.letter_lo, p.letter_lo + p.letter_n - 1) n`,
      ),
    },
    {
      // Events: 1 to 9 per case (5 on average), the status history of its timeline.
      name: 'case events',
      table: 'minasidor_case_event',
      after: ['cases'],
      run: query(
        `INSERT INTO minasidor_case_event (tenant_id, id, case_id, subject_party_id, kind, internal_status, became_current, occurred_at,
                                           whose_turn, text_sv, text_en, dedupe_key, recorded_at)
         SELECT c.tenant_id, ${SQL_ID('0000000e', 'k.n * 16 + e')}, c.id, c.subject_party_id, 'status',
                CASE WHEN e = k.last THEN c.internal_status WHEN e = 1 THEN 'received' ELSE 'in_progress' END, e = k.last,
                c.created_at + e * interval '2 days', 'municipality', 'Status ändrad', 'Status changed', 'gen:' || e, c.created_at + e * interval '2 days'
           FROM minasidor_case c,
                LATERAL (SELECT n, 1 + abs(hashint8(n)) % ${2 * NATIONAL_VOLUME.eventsPerCase - 1} AS last
                           FROM (SELECT ${CASE_NUMBER('c.id')} AS n OFFSET 0) x OFFSET 0) k,
                generate_series(1, k.last) e`,
      ),
    },
    {
      // 70 % digital, 30 % paper, nearly all sent, a few pending or failed.
      name: 'letters (deliveries)',
      table: 'mail_delivery',
      after: ['letters (messages)'],
      run: query(
        `INSERT INTO mail_delivery (tenant_id, message_id, recipient_party_id, status, channel, stage, department, attempts,
                                    next_attempt_at, created_at, updated_at, completed_at)
         SELECT m.tenant_id, m.id, m.recipient_party_id, o.status, o.channel, CASE o.status WHEN 'PENDING' THEN 'DIGITAL' ELSE 'DONE' END,
                m.department, 1, m.created_at, m.created_at, m.created_at + interval '1 minute',
                CASE o.status WHEN 'PENDING' THEN NULL ELSE m.created_at + interval '1 minute' END
           FROM mail_message m,
                LATERAL (SELECT abs(hashint8(${CASE_NUMBER('m.id')})) % 1000 AS r OFFSET 0) h,
                LATERAL (SELECT CASE WHEN h.r < 5 THEN 'PENDING' WHEN h.r < 15 THEN 'FAILED' WHEN h.r < 25 THEN 'NOT_SENT' ELSE 'SENT' END AS status,
                                CASE WHEN h.r < 25 THEN NULL WHEN h.r < 715 THEN 'digital' ELSE 'paper' END AS channel OFFSET 0) o`,
      ),
    },
    {
      name: 'parties',
      table: 'party',
      after: [],
      run: query(
        `INSERT INTO party (id, kind, identity_number, created_at)
         SELECT ${SQL_PARTY_ID('g')}, 'person', lpad(g::text, 12, '0'), ${now} - interval '3 years'
           FROM generate_series(1, (SELECT sum(res_n)::bigint FROM plan)) g`,
      ),
    },
    {
      // One decision per decided or closed case (the overview shows them with the case).
      name: 'case decisions',
      table: 'minasidor_decision',
      after: ['cases'],
      run: query(
        `INSERT INTO minasidor_decision (tenant_id, id, case_id, subject_party_id, external_decision_id, decision_type, outcome, legal_basis_sfs,
                                         decided_at, reasons, documents, appeal_sv, appeal_en, automated, recorded_at)
         SELECT c.tenant_id, ${SQL_ID('000000de', CASE_NUMBER('c.id'))}, c.id, c.subject_party_id, 'dec-' || c.external_case_id, c.case_type,
                CASE WHEN c.errand_number LIKE '%7' THEN 'rejection' ELSE 'approval' END, '2001:453', c.status_changed_at,
                '[{"sv": "Du uppfyller villkoren", "en": "You meet the conditions"}]'::jsonb, '[]'::jsonb,
                'Du kan överklaga beslutet inom tre veckor.', 'You may appeal within three weeks.', false, c.status_changed_at
           FROM minasidor_case c WHERE c.internal_status IN ('decided', 'closed')`,
      ),
    },
    {
      // Messages in about half the cases: the municipality's, and in one case of five the citizen's reply (0.7 per case).
      name: 'case messages',
      table: 'minasidor_message',
      after: ['cases'],
      run: query(
        `INSERT INTO minasidor_message (tenant_id, id, case_id, subject_party_id, author, author_party_id, body, sent_at, read_at)
         SELECT c.tenant_id, ${SQL_ID('0000000d', 'h.n * 2 + m.k')}, c.id, c.subject_party_id, m.author,
                CASE m.author WHEN 'citizen' THEN c.subject_party_id END,
                CASE m.author WHEN 'citizen' THEN 'Tack, jag kompletterar.' ELSE 'Vi behöver ett intyg från din läkare.' END,
                c.created_at + m.k * interval '3 days', CASE WHEN m.k = 1 THEN c.created_at + interval '4 days' END
           FROM minasidor_case c,
                LATERAL (SELECT n, abs(hashint8(n + 7)) % 10 AS r FROM (SELECT ${CASE_NUMBER('c.id')} AS n OFFSET 0) x OFFSET 0) h,
                LATERAL (VALUES (1, 'municipality'), (2, 'citizen')) AS m(k, author)
          WHERE (m.k = 1 AND h.r < 5) OR (m.k = 2 AND h.r < 2)`,
      ),
    },
    {
      // Four published forms per municipality (the submissions' data is small: what counts is how many).
      name: 'forms',
      table: 'eforms_form',
      after: [],
      run: async (lane) => {
        await lane.client.query(
          `INSERT INTO eforms_form (tenant_id, id, slug, unit)
             SELECT p.tenant_id, ${SQL_ID('0000000f', 'p.ord * 4 + f')}, 'form-' || f, (ARRAY['socialtjanst','utbildning','bygglov','omsorg'])[f + 1]
               FROM plan p, generate_series(0, 3) f`,
        );
        await lane.client.query(
          `INSERT INTO eforms_form_version (tenant_id, id, form_id, major, minor, changelog, status, definition, published_at)
             SELECT f.tenant_id, f.id, f.id, 1, 0, 'Första versionen', 'published', '{"fields":[]}'::jsonb, ${now} - interval '3 years'
               FROM eforms_form f`,
        );
      },
    },
    {
      name: 'submissions',
      table: 'eforms_submission',
      after: ['forms'],
      run: query(
        `INSERT INTO eforms_submission (tenant_id, id, form_id, form_version_id, subject_party_id, subject_kind, data, errand_number,
                                        idempotency_key, payload_hash, status, submitted_at, updated_at)
         SELECT p.tenant_id, ${SQL_ID('0000000b', 'n')}, fv.id, fv.id, ${SQL_PARTY_ID(`p.res_lo + ${H('n', 9, 'p.res_n')}`)}, 'person',
                jsonb_build_object('namn', 'Sökande ' || n, 'belopp', n % 1000), 'KOM-S' || n, 'gen-' || n, ${SQL_HASH64('n')},
                (ARRAY['received','manual_handling','decided','decided'])[1 + ${H('n', 10, 4)}], t.at, t.at
           FROM plan p, generate_series(p.sub_lo, p.sub_lo + p.sub_n - 1) n,
                LATERAL (SELECT ${SQL_ID('0000000f', `p.ord * 4 + ${H('n', 11, 4)}`)} AS id OFFSET 0) fv,
                LATERAL (SELECT ${now} - (${H('n', 12, 730 * 24)} * interval '1 hour') AS at OFFSET 0) t`,
      ),
    },
    {
      // Catalogue usage: per municipality, service, metric and month of the last two years, by population.
      name: 'catalogue usage',
      table: 'catalogue_usage_monthly',
      after: [],
      run: query(
        `INSERT INTO catalogue_usage_monthly (tenant_id, service, metric, month, count)
         SELECT p.tenant_id, m.service, m.metric, (date_trunc('month', ${now}) - k * interval '1 month')::date,
                greatest(0, (p.res_n * m.per_resident * (0.8 + 0.4 * (abs(hashint8(p.ord * 1000 + k)) % 100) / 100.0))::bigint)
           FROM plan p, generate_series(0, 23) k,
                (VALUES ('e-forms', 'submissions', 0.04), ('e-forms', 'drafts', 0.02), ('minasidor', 'logins', 0.3),
                        ('minasidor', 'cases', 0.08), ('digital-mail', 'letters_digital', 0.09), ('digital-mail', 'letters_paper', 0.04)) AS m(service, metric, per_resident)`,
      ),
    },
  ];
}

export async function generateNational(scale: number, log: (line: string) => void): Promise<NationalData> {
  const db = await freshDatabase(`national_${String(scale).replace('.', '_')}`);
  try {
    return await generateInto(db, scale, log);
  } catch (error) {
    // A half-filled database at full scale holds tens of gigabytes: not left behind.
    await db.drop().catch(() => undefined);
    throw error;
  }
}

async function generateInto(db: BenchDatabase, scale: number, log: (line: string) => void): Promise<NationalData> {
  const plan = nationalPlan(scale);
  const started = Date.now();
  const nodeCpuBefore = process.cpuUsage();

  // Schema by the migrations, tenants by the platform's own sync (as the api does at start-up).
  const tenants = await (async () => {
    const database = await Database.open({ kind: 'postgres', url: db.appUrl, migrationUrl: db.ownerUrl }, SERVICES_DATABASE_SCHEMA);
    try {
      const { dir } = writeAllTenants();
      const directory = new TenantDirectory(database);
      return await directory.sync(loadTenantConfigs(dir).map((loaded) => loaded.config));
    } finally {
      await database.close();
    }
  })();
  const seconds: Record<string, number> = { 'migrations and 290 tenants': (Date.now() - started) / 1000 };
  log(`  migrations and 290 tenants: ${seconds['migrations and 290 tenants'].toFixed(1)} s`);
  const byKod = new Map(tenants.map((t) => [t.kommunkod, t]));
  const rows = plan.map((share) => {
    const tenant = byKod.get(share.kod);
    if (!tenant) throw new Error(`kommun ${share.kod} has no tenant`);
    return { id: tenant.id, slug: tenant.slug, kod: share.kod, share };
  });

  // The plan: each tenant's ranges in the national numbering of residents, cases, letters, submissions.
  const acc = { res: 1, cases: 1, letters: 1, subs: 1 };
  const values = rows.map((row, ord) => {
    const tuple = [
      row.id,
      ord,
      acc.res,
      row.share.residents,
      acc.cases,
      row.share.cases,
      acc.letters,
      row.share.letters,
      acc.subs,
      row.share.submissions,
    ];
    acc.res += row.share.residents;
    acc.cases += row.share.cases;
    acc.letters += row.share.letters;
    acc.subs += row.share.submissions;
    return tuple;
  });
  const heavyTenantIds = ['0180', '1480', '2260'].map((kod) => rows.find((r) => r.kod === kod)?.id).filter((id): id is string => !!id);

  // Superuser sessions: row-level security does not apply to them, so one statement fills every
  // tenant, and they may take keys off and put them back. Each has the plan as a temporary table.
  const lanes = await openLanes(
    db.appUrl.replace('kommuna_app@', 'postgres@'),
    LANES,
    `SET synchronous_commit = off; SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'; SET max_parallel_maintenance_workers = 0;
     CREATE TEMP TABLE plan (tenant_id uuid, ord int, res_lo bigint, res_n bigint, case_lo bigint, case_n bigint,
                             letter_lo bigint, letter_n bigint, sub_lo bigint, sub_n bigint)`,
  );
  try {
    for (const lane of lanes)
      await lane.client.query(
        `INSERT INTO plan SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])`,
        Array.from({ length: 10 }, (_, col) => values.map((v) => v[col])),
      );
    const [first] = lanes;
    const schema = await schemaOf(first.client, BULK_TABLES);
    const walBefore = (await first.client.query(`SELECT pg_current_wal_lsn() AS lsn`)).rows[0].lsn;
    const deferred = await deferIndexes(first.client, BULK_TABLES);

    const loads = loadJobs(new Date().toISOString(), acc, heavyTenantIds);
    const loadsOf = Object.fromEntries(BULK_TABLES.map((t) => [t, loads.filter((l) => l.table === t).map((l) => l.name)]));
    const loadStarted = Date.now();
    const figures = await runJobs([...loads, ...restoreJobs(deferred, loadsOf)], lanes, log);
    const loadSeconds = (Date.now() - loadStarted) / 1000;

    // What the load put back is what the migrations made, to the letter.
    const after = await schemaOf(first.client, BULK_TABLES);
    const missing = schema.filter((line) => !after.includes(line));
    const extra = after.filter((line) => !schema.includes(line));
    if (missing.length || extra.length)
      throw new Error(
        `the loaded schema differs from the migrations': missing ${missing.join('; ') || 'nothing'}, extra ${extra.join('; ') || 'nothing'}`,
      );
    // The small tables (forms, catalogue usage) were loaded with their indexes: their statistics too.
    await first.client.query(`ANALYZE eforms_form, eforms_form_version, catalogue_usage_monthly`);

    const walBytes = Number(
      (await first.client.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1) AS bytes`, [walBefore])).rows[0].bytes,
    );
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES)
      counts[table] = loads.filter((l) => l.table === table).reduce((sum, l) => sum + (figures[l.name]?.rows ?? 0), 0);
    const sizes = await first.client.query<{ relname: string; bytes: string }>(
      `SELECT relname, pg_total_relation_size(oid) AS bytes FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
      [COUNTED_TABLES],
    );
    for (const { relname, bytes } of sizes.rows)
      log(`  ${relname}: ${counts[relname].toLocaleString('en')} rows, ${(Number(bytes) / 1024 / 1024).toFixed(0)} MB with indexes`);
    const totalRows = Object.values(counts).reduce((s, n) => s + n, 0);
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const load: LoadFigures = {
      lanes: LANES,
      seconds: Math.round(loadSeconds * 10) / 10,
      rows: totalRows,
      rowsPerSecond: Math.round(totalRows / loadSeconds),
      serverCpuSeconds: Math.round(Object.values(figures).reduce((s, f) => s + (f.serverCpuSeconds ?? 0), 0)),
      nodeCpuSeconds: Math.round((nodeCpu.user + nodeCpu.system) / 1e4) / 100,
      walGb: Math.round(walBytes / 1e7) / 100,
      databaseGb: Math.round(Number((await first.client.query(`SELECT pg_database_size(current_database()) AS b`)).rows[0].b) / 1e7) / 100,
      jobs: figures,
    };
    for (const [name, f] of Object.entries(figures)) seconds[name] = f.seconds;
    log(
      `  loaded ${totalRows.toLocaleString('en')} rows in ${load.seconds} s on ${LANES} lanes (${load.rowsPerSecond.toLocaleString('en')} rows/s), ` +
        `server CPU ${load.serverCpuSeconds} s, node CPU ${load.nodeCpuSeconds} s, WAL ${load.walGb} GB, database ${load.databaseGb} GB`,
    );
    return { db, scale, tenants: rows, counts, seconds, load };
  } finally {
    await Promise.all(lanes.map((lane) => lane.client.end()));
  }
}
