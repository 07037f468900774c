// Issue 24, item 1 (fairness): a second municipality's ordinary load — its residents' form
// submissions and their Mina sidor overview — made with the same clients as the submit and
// overview scenarios, and where a bulk send of another municipality stands while it is measured.
// Used by bench/scenarios/fairness.ts on its own database, api and worker.
import { randomUUID } from 'node:crypto';
import { measure, Measured, SETTINGS } from '../scenarios/compare';
import { MY_CASES } from '../scenarios/requests-fixture';
import { CITIZENS, submitRequests } from '../scenarios/submit';
import { BENCH_FORM_DEFINITION, BENCH_FORM_SLUG, CREATE_FORM, PUBLISH_FORM } from './form';
import { OpenLoopResult, runOpenLoop } from './open-loop';
import { Api, citizenToken, graphql, serviceToken, staffToken, TestRealm, testPersonnummer } from './platform';
import { BenchDatabase } from './postgres';

type Next = () => { body: string; headers: Record<string, string> };

/** The submit scenario's form, created and published by `tenant`'s admin. */
export async function publishBenchForm(apiUrl: string, realm: TestRealm, tenant: string): Promise<void> {
  const admin = { authorization: `Bearer ${staffToken(realm, tenant, ['tenant_admin'])}`, 'x-kommuna-tenant': tenant };
  await graphql(
    apiUrl,
    CREATE_FORM,
    { input: { slug: BENCH_FORM_SLUG, unit: 'samhallsbyggnad', definition: BENCH_FORM_DEFINITION, changelog: 'Benchmark' } },
    admin,
  );
  await graphql(apiUrl, PUBLISH_FORM, { slug: BENCH_FORM_SLUG }, admin);
}

/**
 * `count` cases of one citizen in `tenant`, each with a status change, a message and a decision, as
 * a municipal system reports them (the overview scenario's cases, in one municipality).
 */
export async function seedCitizenCases(apiUrl: string, realm: TestRealm, tenant: string, citizen: number, count: number): Promise<void> {
  const system = { authorization: `Bearer ${serviceToken(realm, tenant)}`, 'x-kommuna-tenant': tenant };
  for (let n = 1; n <= count; n++) {
    const key = { source: 'procapita', externalCaseId: `fairness-${tenant}-${n}` };
    const day = String(1 + (n % 27)).padStart(2, '0');
    await graphql(
      apiUrl,
      `mutation($input: CaseUpsertInput!) { upsertCase(input: $input) { caseId } }`,
      {
        input: {
          ...key,
          errandNumber: `${tenant.slice(0, 3).toUpperCase()}-2026-${String(n).padStart(5, '0')}`,
          caseType: 'bistand',
          title: { sv: `Ansökan om bistånd ${n}`, en: `Application for assistance ${n}` },
          unit: 'socialtjanst',
          subject: { personnummer: testPersonnummer(citizen) },
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

/** `tenant`'s residents' submissions: the submit scenario's requests (its citizens, a fresh key each), addressed to `tenant`. */
export function tenantSubmissions(realm: TestRealm, tenant: string): (phase: string) => Next {
  const tokens = Array.from({ length: CITIZENS }, (_, i) => citizenToken(realm, i + 1));
  return (phase) => submitRequests(tokens, `${tenant}-${phase}-${randomUUID().slice(0, 6)}`, () => tenant);
}

/** One citizen's Mina sidor overview: the overview scenario's request (myCases, 20 per page, every detail). */
export function overviewRequest(realm: TestRealm, citizen: number): Next {
  const body = JSON.stringify({ query: MY_CASES, variables: { first: 20 } });
  const headers = { authorization: `Bearer ${citizenToken(realm, citizen)}` };
  return () => ({ body, headers });
}

/** The submit and overview scenarios' closed loop (autocannon, their connections, BENCH_WARMUP s of warm-up), for `durationS`. */
export const closedLoop = (api: Api, next: Next, durationS: number): Promise<Measured> => measure(api, next, durationS);

/** The latency scenario's open loop at `ratePerS`: BENCH_WARMUP s at that rate, then `durationS` measured. */
export async function openLoop(api: Api, next: Next, ratePerS: number, durationS: number): Promise<OpenLoopResult> {
  const url = `${api.url}/graphql`;
  if (SETTINGS.warmupS > 0) await runOpenLoop({ url, ratePerS, durationS: SETTINGS.warmupS, next });
  return runOpenLoop({ url, ratePerS, durationS, next });
}

/** Where a bulk send (its send batches) stands, and its municipality's outbox. */
export interface SendProgress {
  at: string;
  /** Seconds since the send was accepted. */
  sinceAcceptedS: number;
  total: number;
  /** Letters the batches have been expanded into so far. */
  expanded: number;
  /** Letters with a final status (digital delivered, paper handed to print, or failed). */
  finished: number;
  /** The municipality's outbox events, and those published. */
  events: number;
  eventsPublished: number;
}

export async function sendProgress(db: BenchDatabase, batchIds: string[], tenantId: string, acceptedAt: number): Promise<SendProgress> {
  const [row] = await db.admin<Omit<SendProgress, 'at' | 'sinceAcceptedS'>>(
    `SELECT (SELECT coalesce(sum(total), 0) FROM mail_send_batch WHERE id = ANY($1::uuid[]))::int AS total,
            (SELECT coalesce(sum(expanded), 0) FROM mail_send_batch WHERE id = ANY($1::uuid[]))::int AS expanded,
            (SELECT count(*) FROM mail_delivery WHERE tenant_id = $2 AND send_batch_id = ANY($1::uuid[]) AND completed_at IS NOT NULL)::int AS finished,
            (SELECT count(*) FROM outbox_event WHERE tenant_id = $2)::int AS events,
            (SELECT count(*) FROM outbox_event WHERE tenant_id = $2 AND published_at IS NOT NULL)::int AS "eventsPublished"`,
    [batchIds, tenantId],
  );
  return { at: new Date().toISOString(), sinceAcceptedS: Math.round((Date.now() - acceptedAt) / 100) / 10, ...row };
}

/**
 * Why a measurement window was not under the bulk send's load, or null when it was: the send had
 * letters finished before the window began (delivery under way, not still being accepted or
 * expanded), finished more during it, and still had letters unfinished when it ended.
 */
export function notUnderLoad(start: SendProgress, end: SendProgress): string | null {
  if (start.finished === 0) return 'no letter of the send had finished when it began (the send was still being accepted or expanded)';
  if (end.finished >= end.total) return 'the send had finished by its end (raise BENCH_FAIRNESS_LETTERS)';
  if (end.finished <= start.finished) return 'the send finished no letter during it (the worker made no progress on it)';
  return null;
}

export const underLoad = (start: SendProgress, end: SendProgress): boolean => notUnderLoad(start, end) === null;

export const describeProgress = (p: SendProgress): string =>
  `${p.finished.toLocaleString('en')} of ${p.total.toLocaleString('en')} finished (${p.expanded.toLocaleString('en')} expanded, ` +
  `${p.eventsPublished.toLocaleString('en')} of ${p.events.toLocaleString('en')} events published) ${p.sinceAcceptedS} s after acceptance`;

/** A municipality's work still in the pipeline: unpublished outbox events and letters without a final status. */
export async function backlog(db: BenchDatabase, tenantId: string): Promise<{ events: number; letters: number }> {
  const [row] = await db.admin<{ events: number; letters: number }>(
    `SELECT (SELECT count(*) FROM outbox_event WHERE tenant_id = $1 AND published_at IS NULL AND dead_lettered_at IS NULL)::int AS events,
            (SELECT count(*) FROM mail_delivery WHERE tenant_id = $1 AND completed_at IS NULL)::int AS letters`,
    [tenantId],
  );
  return row;
}

/** Waits (at most `timeoutS`) until the municipality's events are published and its letters finished; returns what is left. */
export async function drain(
  db: BenchDatabase,
  tenantId: string,
  timeoutS: number,
  /** Throws when the work can no longer get done (its worker died), instead of waiting out the timeout. */
  check: () => void = () => undefined,
): Promise<{ events: number; letters: number; waitedS: number }> {
  const started = Date.now();
  for (;;) {
    check();
    const left = await backlog(db, tenantId);
    const waitedS = Math.round((Date.now() - started) / 1000);
    if ((left.events === 0 && left.letters === 0) || waitedS >= timeoutS) return { ...left, waitedS };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function tenantId(db: BenchDatabase, slug: string): Promise<string> {
  const [row] = await db.admin<{ id: string }>(`SELECT id FROM tenant WHERE slug = $1`, [slug]);
  if (!row) throw new Error(`no tenant ${slug}`);
  return row.id;
}

/** `letters` split into send batches of at most `perBatch` (a batch's CSV must fit the api's 1 MiB GraphQL body). */
export function batchSizes(letters: number, perBatch: number): number[] {
  if (letters < 1 || perBatch < 1) throw new Error('letters and batch size must be positive');
  const count = Math.ceil(letters / perBatch);
  return Array.from({ length: count }, (_, i) => Math.floor(letters / count) + (i < letters % count ? 1 : 0));
}
