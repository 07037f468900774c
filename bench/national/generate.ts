// Fills a fresh bench database with a national volume (issue 24): the schema from the
// platform's own migrations, the 290 municipalities as real tenants (the generated tenant.yaml
// files of the tenants-290 scenario, synced by TenantDirectory), then parties, Mina sidor cases
// and their events, letters (message + delivery), e-forms submissions and catalogue usage, each
// municipality's share by population (population.ts).
//
// The rows are produced inside PostgreSQL, one set-based INSERT … SELECT generate_series per
// table: nothing crosses the wire, which on this 2-core machine is faster than streaming COPY
// text from node (both the client and the server would need the same two cores). Identifiers are
// derived from row numbers (uuid from the number, hashint8 for the spread), so a run is repeatable.
import { Client } from 'pg';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { SERVICES_DATABASE_SCHEMA } from '@kommuna/services';
import { BenchDatabase, freshDatabase } from '../lib/postgres';
import { writeAllTenants } from '../lib/tenants';
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

/** The tables a result reports the size of. */
export const COUNTED_TABLES = [
  'party',
  'minasidor_case',
  'minasidor_case_event',
  'minasidor_decision',
  'minasidor_message',
  'mail_message',
  'mail_delivery',
  'eforms_submission',
  'catalogue_usage_monthly',
] as const;

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
}

/** The party id of resident number n (1-based, national numbering): a uuid spelled from n. */
export const partyId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const SQL_PARTY_ID = (n: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
const SQL_ID = (prefix: string, n: string) => `('${prefix}-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0'))::uuid`;
/** A deterministic number in [0, m) from row number n and a salt. */
const H = (n: string, salt: number, m: number | string) => `(abs(hashint8((${n})::bigint * 31 + ${salt})) % ${m})`;
/** The unit of row n by UNITS' shares. */
function unitCase(n: string, salt: number): string {
  let upTo = 0;
  const arms = UNITS.map(([unit, share]) => `WHEN ${H(n, salt, 100)} < ${(upTo += share)} THEN '${unit}'`);
  return `CASE ${arms.join(' ')} END`;
}

/** One decision per decided or closed case (the overview shows them with the case). */
export const DECISIONS_SQL = `
  INSERT INTO minasidor_decision (tenant_id, case_id, subject_party_id, external_decision_id, decision_type, outcome, legal_basis_sfs,
                                  decided_at, reasons, documents, appeal_sv, appeal_en, automated)
  SELECT c.tenant_id, c.id, c.subject_party_id, 'dec-' || c.external_case_id, c.case_type,
         CASE WHEN c.errand_number LIKE '%7' THEN 'rejection' ELSE 'approval' END, '2001:453', c.status_changed_at,
         '[{"sv": "Du uppfyller villkoren", "en": "You meet the conditions"}]'::jsonb, '[]'::jsonb,
         'Du kan överklaga beslutet inom tre veckor.', 'You may appeal within three weeks.', false
    FROM minasidor_case c WHERE c.internal_status IN ('decided', 'closed')`;

/** Messages in about half the cases: the municipality's, and in one case of five the citizen's reply (0.7 per case). */
export const MESSAGES_SQL = `
  INSERT INTO minasidor_message (tenant_id, case_id, subject_party_id, author, author_party_id, body, sent_at, read_at)
  SELECT c.tenant_id, c.id, c.subject_party_id, m.author, CASE m.author WHEN 'citizen' THEN c.subject_party_id END,
         CASE m.author WHEN 'citizen' THEN 'Tack, jag kompletterar.' ELSE 'Vi behöver ett intyg från din läkare.' END,
         c.created_at + m.k * interval '3 days', CASE WHEN m.k = 1 THEN c.created_at + interval '4 days' END
    FROM minasidor_case c,
         LATERAL (SELECT abs(hashint8(('x' || substr(c.id::text, 25, 12))::bit(48)::bigint + 7)) % 10 AS r) h,
         LATERAL (VALUES (1, 'municipality'), (2, 'citizen')) AS m(k, author)
   WHERE (m.k = 1 AND h.r < 5) OR (m.k = 2 AND h.r < 2)`;

export async function generateNational(scale: number, log: (line: string) => void): Promise<NationalData> {
  const plan = nationalPlan(scale);
  const db = await freshDatabase(`national_${String(scale).replace('.', '_')}`);
  const seconds: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await work();
    seconds[label] = (Date.now() - t0) / 1000;
    log(`  ${label}: ${seconds[label].toFixed(1)} s`);
    return result;
  };

  // Schema by the migrations, tenants by the platform's own sync (as the api does at start-up).
  const tenants = await timed('migrations and 290 tenants', async () => {
    const database = await Database.open({ kind: 'postgres', url: db.appUrl, migrationUrl: db.ownerUrl }, SERVICES_DATABASE_SCHEMA);
    try {
      const { dir } = writeAllTenants();
      const directory = new TenantDirectory(database);
      return await directory.sync(loadTenantConfigs(dir).map((loaded) => loaded.config));
    } finally {
      await database.close();
    }
  });
  const byKod = new Map(tenants.map((t) => [t.kommunkod, t]));
  const rows = plan.map((share) => {
    const tenant = byKod.get(share.kod);
    if (!tenant) throw new Error(`kommun ${share.kod} has no tenant`);
    return { id: tenant.id, slug: tenant.slug, kod: share.kod, share };
  });

  // A superuser session: row-level security does not apply to it, so one statement fills every tenant.
  const client = new Client({ connectionString: db.appUrl.replace('kommuna_app@', 'postgres@') });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; SET work_mem = '64MB'`);
    // The plan: each tenant's ranges in the national numbering of residents, cases, letters, submissions.
    await client.query(`CREATE TEMP TABLE plan (tenant_id uuid, ord int, res_lo bigint, res_n bigint, case_lo bigint, case_n bigint,
                          letter_lo bigint, letter_n bigint, sub_lo bigint, sub_n bigint)`);
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
    await client.query(
      `INSERT INTO plan SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])`,
      Array.from({ length: 10 }, (_, col) => values.map((v) => v[col])),
    );
    const residents = acc.res - 1;

    await timed('parties', () =>
      client.query(
        `INSERT INTO party (id, kind, identity_number, created_at)
         SELECT ${SQL_PARTY_ID('g')}, 'person', lpad(g::text, 12, '0'), now() - interval '3 years'
           FROM generate_series(1, ${residents}) g`,
      ),
    );

    // Cases: each in its municipality, for a resident of it; updated within the last two years.
    await timed('cases', () =>
      client.query(
        `INSERT INTO minasidor_case (tenant_id, id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind, unit,
                                     source, external_case_id, internal_status, status_changed_at, whose_turn, created_at, updated_at)
         SELECT p.tenant_id, ${SQL_ID('0000000c', 'n')}, 'KOM-' || n, 'case-type-' || ${H('n', 1, 12)}, 'Ärende ' || n, 'Case ' || n,
                ${SQL_PARTY_ID(`p.res_lo + ${H('n', 2, 'p.res_n')}`)}, 'person', ${unitCase('n', 3)},
                'national-bench', 'ext-' || n, st.status, t.updated, CASE st.status WHEN 'completion_requested' THEN 'citizen' WHEN 'decided' THEN 'none' WHEN 'closed' THEN 'none' ELSE 'municipality' END,
                t.updated - interval '20 days', t.updated
           FROM plan p, generate_series(p.case_lo, p.case_lo + p.case_n - 1) n,
                LATERAL (SELECT now() - (${H('n', 4, 730 * 24)} * interval '1 hour') AS updated) t,
                LATERAL (SELECT (ARRAY['received','in_progress','in_progress','completion_requested','decided','decided','closed','closed','closed','closed'])[1 + ${H('n', 5, 10)}] AS status) st`,
      ),
    );
    // The heavy citizens: residents 1..HEAVY_CITIZENS get 50 more cases each, spread over three
    // municipalities (the largest, the second, a small one), numbered after the plan's cases.
    const heavyTenants = [
      rows[rows.findIndex((r) => r.kod === '0180')],
      rows[rows.findIndex((r) => r.kod === '1480')],
      rows[rows.findIndex((r) => r.kod === '2260')],
    ].filter(Boolean);
    await timed('heavy citizens', () =>
      client.query(
        `INSERT INTO minasidor_case (tenant_id, id, errand_number, case_type, title_sv, title_en, subject_party_id, subject_kind, unit,
                                     source, external_case_id, internal_status, status_changed_at, whose_turn, created_at, updated_at)
         SELECT ($1::uuid[])[1 + (k % ${heavyTenants.length})], ${SQL_ID('0000000c', `${acc.cases} + (c - 1) * ${HEAVY_CASES} + k`)},
                'KOM-H' || c || '-' || k, 'case-type-' || (k % 12), 'Ärende', 'Case', ${SQL_PARTY_ID('c')}, 'person', ${unitCase('k', 3)},
                'national-bench', 'heavy-' || c || '-' || k, 'in_progress', now() - k * interval '1 day', 'municipality',
                now() - k * interval '1 day' - interval '20 days', now() - k * interval '1 day'
           FROM generate_series(1, ${HEAVY_CITIZENS}) c, generate_series(0, ${HEAVY_CASES - 1}) k`,
        [heavyTenants.map((t) => t.id)],
      ),
    );

    // Events: 1 to 9 per case (5 on average), the status history of its timeline.
    await timed('case events', () =>
      client.query(
        `INSERT INTO minasidor_case_event (tenant_id, id, case_id, subject_party_id, kind, internal_status, became_current, occurred_at,
                                           whose_turn, text_sv, text_en, dedupe_key, recorded_at)
         SELECT c.tenant_id, gen_random_uuid(), c.id, c.subject_party_id, 'status', s.status, e = last.n, c.created_at + e * interval '2 days',
                'municipality', 'Status ändrad', 'Status changed', 'gen:' || e, c.created_at + e * interval '2 days'
           FROM minasidor_case c,
                LATERAL (SELECT 1 + abs(hashint8(('x' || substr(c.id::text, 25, 12))::bit(48)::bigint)) % ${2 * NATIONAL_VOLUME.eventsPerCase - 1} AS n) last,
                generate_series(1, last.n) e,
                LATERAL (SELECT CASE WHEN e = last.n THEN c.internal_status WHEN e = 1 THEN 'received' ELSE 'in_progress' END AS status) s`,
      ),
    );

    await timed('case decisions', () => client.query(DECISIONS_SQL));
    await timed('case messages', () => client.query(MESSAGES_SQL));

    // Letters: a message and its delivery; 70 % digital, 30 % paper, nearly all sent, a few pending or failed.
    await timed('letters (messages)', () =>
      client.query(
        `INSERT INTO mail_message (tenant_id, id, recipient_party_id, recipient_kind, subject, body, body_format, language, support_info,
                                   department, sent_by, sent_by_kind, payload_hash, created_at)
         SELECT p.tenant_id, ${SQL_ID('0000000a', 'n')}, ${SQL_PARTY_ID(`p.res_lo + ${H('n', 6, 'p.res_n')}`)}, 'person',
                'Beslut i ditt ärende', NULL, 'TEXT', 'sv', '{}'::jsonb, ${unitCase('n', 7)}, 'national-bench', 'system',
                md5(n::text) || md5(n::text), now() - (${H('n', 8, 730 * 24)} * interval '1 hour')
           FROM plan p, generate_series(p.letter_lo, p.letter_lo + p.letter_n - 1) n`,
      ),
    );
    await timed('letters (deliveries)', () =>
      client.query(
        `INSERT INTO mail_delivery (tenant_id, message_id, recipient_party_id, status, channel, stage, department, attempts,
                                    next_attempt_at, created_at, updated_at, completed_at)
         SELECT m.tenant_id, m.id, m.recipient_party_id, o.status, o.channel, CASE o.status WHEN 'PENDING' THEN 'DIGITAL' ELSE 'DONE' END,
                m.department, 1, m.created_at, m.created_at, m.created_at + interval '1 minute',
                CASE o.status WHEN 'PENDING' THEN NULL ELSE m.created_at + interval '1 minute' END
           FROM mail_message m,
                LATERAL (SELECT abs(hashint8(('x' || substr(m.id::text, 25, 12))::bit(48)::bigint)) % 1000 AS r) h,
                LATERAL (SELECT CASE WHEN h.r < 5 THEN 'PENDING' WHEN h.r < 15 THEN 'FAILED' WHEN h.r < 25 THEN 'NOT_SENT' ELSE 'SENT' END AS status,
                                CASE WHEN h.r < 25 THEN NULL WHEN h.r < 715 THEN 'digital' ELSE 'paper' END AS channel) o`,
      ),
    );

    // Submissions: four published forms per municipality, the answers small (the data is the count).
    await timed('forms', () =>
      client.query(
        `INSERT INTO eforms_form (tenant_id, id, slug, unit)
           SELECT p.tenant_id, ${SQL_ID('0000000f', 'p.ord * 4 + f')}, 'form-' || f, (ARRAY['socialtjanst','utbildning','bygglov','omsorg'])[f + 1]
             FROM plan p, generate_series(0, 3) f;
         INSERT INTO eforms_form_version (tenant_id, id, form_id, major, minor, changelog, status, definition, published_at)
           SELECT f.tenant_id, f.id, f.id, 1, 0, 'Första versionen', 'published', '{"fields":[]}'::jsonb, now() - interval '3 years'
             FROM eforms_form f`,
      ),
    );
    await timed('submissions', () =>
      client.query(
        `INSERT INTO eforms_submission (tenant_id, id, form_id, form_version_id, subject_party_id, subject_kind, data, errand_number,
                                        idempotency_key, payload_hash, status, submitted_at, updated_at)
         SELECT p.tenant_id, ${SQL_ID('0000000b', 'n')}, fv.id, fv.id, ${SQL_PARTY_ID(`p.res_lo + ${H('n', 9, 'p.res_n')}`)}, 'person',
                jsonb_build_object('namn', 'Sökande ' || n, 'belopp', n % 1000), 'KOM-S' || n, 'gen-' || n, md5(n::text) || md5(n::text),
                (ARRAY['received','manual_handling','decided','decided'])[1 + ${H('n', 10, 4)}], t.at, t.at
           FROM plan p, generate_series(p.sub_lo, p.sub_lo + p.sub_n - 1) n,
                LATERAL (SELECT ${SQL_ID('0000000f', `p.ord * 4 + ${H('n', 11, 4)}`)} AS id) fv,
                LATERAL (SELECT now() - (${H('n', 12, 730 * 24)} * interval '1 hour') AS at) t`,
      ),
    );

    // Catalogue usage: per municipality, service, metric and month of the last two years, by population.
    await timed('catalogue usage', () =>
      client.query(
        `INSERT INTO catalogue_usage_monthly (tenant_id, service, metric, month, count)
         SELECT p.tenant_id, m.service, m.metric, (date_trunc('month', now()) - k * interval '1 month')::date,
                greatest(0, (p.res_n * m.per_resident * (0.8 + 0.4 * (abs(hashint8(p.ord * 1000 + k)) % 100) / 100.0))::bigint)
           FROM plan p, generate_series(0, 23) k,
                (VALUES ('e-forms', 'submissions', 0.04), ('e-forms', 'drafts', 0.02), ('minasidor', 'logins', 0.3),
                        ('minasidor', 'cases', 0.08), ('digital-mail', 'letters_digital', 0.09), ('digital-mail', 'letters_paper', 0.04)) AS m(service, metric, per_resident)`,
      ),
    );

    // Planner statistics, as production keeps them with autovacuum (bench/README.md: Statistics).
    await timed('analyze', () => client.query(`VACUUM (ANALYZE)`));
    const counts: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      const [row] = (await client.query(`SELECT count(*)::bigint AS n, pg_total_relation_size($1) AS bytes FROM ${table}`, [table])).rows;
      counts[table] = Number(row.n);
      log(`  ${table}: ${Number(row.n).toLocaleString('en')} rows, ${(Number(row.bytes) / 1024 / 1024).toFixed(0)} MB with indexes`);
    }
    return { db, scale, tenants: rows, counts, seconds };
  } finally {
    await client.end();
  }
}
