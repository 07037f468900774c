// Shared by the submit and overview scenarios: one fresh database; first a *census* api whose
// database logs every statement (log_statement = all), where one submission and one overview
// page of each size are made and their statements read back from the server log; then the
// logging is switched off and a fresh api process takes the load. The ceiling servers run the
// captured statements against the same database (same tenant and form ids).
import * as path from 'node:path';
import { CapturedStatement, parseLoggedParameters } from '../ceiling/server';
import { LoggedStatement, StatementCensus } from '../lib/census';
import { BENCH_FORM_DEFINITION, BENCH_FORM_SLUG, benchAnswers, CREATE_FORM, PUBLISH_FORM, SUBMIT_MUTATION } from '../lib/form';
import {
  Api,
  citizenToken,
  graphql,
  serviceToken,
  staffToken,
  startApi,
  startTestRealm,
  TestRealm,
  testPersonnummer,
} from '../lib/platform';
import { BenchDatabase, freshDatabase } from '../lib/postgres';

/** BENCH_PROFILE=1: the load api writes a CPU profile (node --cpu-prof) to bench/results/profiles/ when it stops. */
export const profileFlags = (name: string): string[] =>
  process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(__dirname, '../results/profiles')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`]
    : [];

export const OVERVIEW_CITIZEN = 900_000;
export const OVERVIEW_MUNICIPALITIES: Array<[string, number]> = [
  ['sundsvall', 20],
  ['timra', 15],
  ['ange', 15],
];
export const CASE_FIELDS = `id errandNumber title { sv en } municipality { slug names { sv en } }
  status { status label { sv en } changedAt } whoseTurn unreadCount
  timeline { kind occurredAt whoseTurn text { sv } statusLabel { sv } becameCurrent }
  decisions { outcome decidedAt legalBasis { sfs chapter section } reasons { ruleId text { sv } } appealInstructions { sv } automated validFrom validTo }
  messages { author body sentAt readAt }`;
export const MY_CASES = `query($first: Int, $after: String) { myCases(first: $first, after: $after) { nodes { ${CASE_FIELDS} } endCursor hasNextPage } }`;

export interface Capture {
  statements: CapturedStatement[];
  /** Values that belonged to the captured request (its citizen, key, ids). */
  requestValues: string[];
}

export interface RequestsFixture {
  db: BenchDatabase;
  realm: TestRealm;
  api: Api;
  /** The census: statements of the second of two submissions (the first created the citizen's party... and so did the second). */
  submitCapture: Capture | null;
  submitStatementCount: number | null;
  /** A citizen's first submission (the party look-up too). */
  submitFirstStatementCount: number | null;
  /** The party look-up, run by the api (and the ceiling) the first time it sees a citizen. */
  partyStatement: CapturedStatement | null;
  overviewCapture: Capture | null;
  /** Statements per overview request, by page size. */
  overviewStatementCounts: Record<number, number> | null;
  overviewCases: number;
  notes: string[];
  close(): Promise<void>;
}

let shared: Promise<RequestsFixture> | undefined;

export function requestsFixture(): Promise<RequestsFixture> {
  shared ??= createFixture();
  return shared;
}

export async function closeRequestsFixture(): Promise<void> {
  if (!shared) return;
  const fixture = await shared;
  shared = undefined;
  await fixture.close();
}

const toCapture = (logged: LoggedStatement[], requestValues: string[]): Capture => ({
  statements: logged.map((s) => ({ sql: s.sql, params: parseLoggedParameters(s.parameters) })),
  requestValues,
});

async function createFixture(): Promise<RequestsFixture> {
  const notes: string[] = [];
  const db = await freshDatabase('requests', { log_statement: 'all' });
  const realm = await startTestRealm('kommuna');
  let api: Api | undefined;
  try {
    const census = StatementCensus.open(db.name);
    if (!census)
      notes.push(
        'The PostgreSQL server log is not readable (set BENCH_PG_LOG): statements were not counted and no ceiling could be captured.',
      );
    const censusApi = await startApi(db, realm, { port: 4301 });
    const admin = { authorization: `Bearer ${staffToken(realm, 'sundsvall', ['tenant_admin'])}`, 'x-kommuna-tenant': 'sundsvall' };
    await graphql(
      censusApi.url,
      CREATE_FORM,
      { input: { slug: BENCH_FORM_SLUG, unit: 'samhallsbyggnad', definition: BENCH_FORM_DEFINITION, changelog: 'Benchmark' } },
      admin,
    );
    await graphql(censusApi.url, PUBLISH_FORM, { slug: BENCH_FORM_SLUG }, admin);
    const overviewCases = await seedOverviewCases(censusApi.url, realm);
    // Statistics, as autovacuum keeps them in production (this machine's server runs without it).
    await db.admin('ANALYZE');

    let submitCapture: Capture | null = null;
    let overviewCapture: Capture | null = null;
    let overviewStatementCounts: Record<number, number> | null = null;
    let submitStatementCount: number | null = null;
    let submitFirstStatementCount: number | null = null;
    let partyStatement: CapturedStatement | null = null;
    if (census) {
      // Two submissions by one citizen: the first (a citizen the api has not seen) also shows the
      // party look-up; the second is the steady state, and the ceiling's template.
      const i = 900_001;
      for (const attempt of [1, 2]) {
        const key = `census-submission-${attempt}`;
        census.mark();
        const { submitForm } = await graphql<{ submitForm: { submissionId: string; errandNumber: string } }>(
          censusApi.url,
          SUBMIT_MUTATION,
          { input: { formSlug: BENCH_FORM_SLUG, idempotencyKey: key, data: benchAnswers(i) } },
          citizen(realm, i, 'sundsvall'),
        );
        const logged = await census.since();
        const partyId = (await db.admin<{ id: string }>(`SELECT id FROM party WHERE identity_number = $1`, [testPersonnummer(i)]))[0].id;
        const capture = toCapture(logged, [testPersonnummer(i), key, partyId, submitForm.submissionId, submitForm.errandNumber]);
        partyStatement ??= capture.statements.find((s) => /^WITH found AS \(SELECT id FROM party/.test(s.sql)) ?? null;
        if (attempt === 1) submitFirstStatementCount = logged.length;
        submitCapture = capture;
        submitStatementCount = logged.length;
      }
      overviewStatementCounts = {};
      const partyId = (
        await db.admin<{ id: string }>(`SELECT id FROM party WHERE identity_number = $1`, [testPersonnummer(OVERVIEW_CITIZEN)])
      )[0].id;
      // The citizen has logged in before (as in any session after the first request).
      await graphql(censusApi.url, MY_CASES, { first: 1 }, citizen(realm, OVERVIEW_CITIZEN));
      for (const first of [5, 20, 50]) {
        census.mark();
        const { myCases } = await graphql<{ myCases: { nodes: unknown[] } }>(
          censusApi.url,
          MY_CASES,
          { first },
          citizen(realm, OVERVIEW_CITIZEN),
        );
        if (myCases.nodes.length !== first) throw new Error(`overview census: asked for ${first} cases, got ${myCases.nodes.length}`);
        const logged = await census.since();
        overviewStatementCounts[first] = logged.length;
        if (first === 20) overviewCapture = toCapture(logged, [testPersonnummer(OVERVIEW_CITIZEN), partyId]);
      }
    }
    await censusApi.stop();
    // The load runs without statement logging: new connections no longer log.
    await db.admin(`ALTER DATABASE ${db.name} RESET log_statement`);
    api = await startApi(db, realm, { port: 4302, nodeFlags: profileFlags('api') });
    const started = api;
    return {
      db,
      realm,
      api: started,
      submitCapture,
      submitStatementCount,
      submitFirstStatementCount,
      partyStatement,
      overviewCapture,
      overviewStatementCounts,
      overviewCases,
      notes,
      async close() {
        await started.stop();
        await realm.close();
        await db.drop();
      },
    };
  } catch (error) {
    await api?.stop();
    await realm.close();
    await db.drop().catch(() => undefined);
    throw error;
  }
}

export const citizen = (realm: TestRealm, index: number, tenant?: string): Record<string, string> => ({
  authorization: `Bearer ${citizenToken(realm, index)}`,
  ...(tenant ? { 'x-kommuna-tenant': tenant } : {}),
});

/** 50 cases of one citizen in three municipalities, each with a status change, a message and a decision (as municipal systems report them). */
async function seedOverviewCases(apiUrl: string, realm: TestRealm): Promise<number> {
  let n = 0;
  for (const [slug, count] of OVERVIEW_MUNICIPALITIES) {
    const system = { authorization: `Bearer ${serviceToken(realm, slug)}`, 'x-kommuna-tenant': slug };
    for (let i = 0; i < count; i++) {
      n++;
      const key = { source: 'procapita', externalCaseId: `bench-${slug}-${i}` };
      const day = String(1 + (n % 27)).padStart(2, '0');
      await graphql(
        apiUrl,
        `mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }`,
        {
          input: {
            ...key,
            errandNumber: `${slug.slice(0, 3).toUpperCase()}-2026-${String(n).padStart(5, '0')}`,
            caseType: 'bistand',
            title: { sv: `Ansökan om bistånd ${n}`, en: `Application for assistance ${n}` },
            unit: 'socialtjanst',
            subject: { personnummer: testPersonnummer(OVERVIEW_CITIZEN) },
            statusOccurredAt: `2026-01-${day}T09:00:00Z`,
          },
        },
        system,
      );
      await graphql(
        apiUrl,
        `mutation($input: CaseStatusInput!) { recordCaseStatus(input: $input) { replayed } }`,
        { input: { ...key, status: 'in_progress', occurredAt: `2026-02-${day}T10:00:00Z` } },
        system,
      );
      await graphql(
        apiUrl,
        `mutation($input: CaseMessageInput!) { postCaseMessage(input: $input) { replayed } }`,
        { input: { ...key, externalMessageId: `m-${n}`, body: 'Vi har tagit emot din ansökan och återkommer inom två veckor.' } },
        system,
      );
      await graphql(
        apiUrl,
        `mutation($input: CaseDecisionInput!) { recordCaseDecision(input: $input) { replayed } }`,
        {
          input: {
            ...key,
            externalDecisionId: `d-${n}`,
            decisionType: 'bistand',
            outcome: 'APPROVAL',
            decidedAt: `2026-03-${day}T10:00:00Z`,
            legalBasis: { sfs: '2001:453', chapter: '4', section: '1' },
          },
        },
        system,
      );
    }
  }
  return n;
}
