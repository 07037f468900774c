// Fairness between municipalities (issue 24, item 1; measurement only): what one municipality's
// ordinary work gets while another municipality's bulk send is being delivered, against the same
// on a quiet platform (same api, worker and clients, one after the other). Timrå's work, in this
// order in each phase:
//  1. single letters (sendDigitalMail) one at a time, as a case worker sends them; their time to
//     delivery is the database's own (mail_delivery.completed_at - created_at), so polling adds
//     nothing to it;
//  2. a resident's Mina sidor overview (the overview scenario's request): at saturation with the
//     overview scenario's closed loop, then at a steady rate with the latency scenario's open loop
//     (a quarter of the quiet saturated throughput, the same rate in both phases), whose p99 is
//     what a resident waits for;
//  3. its residents' form submissions with the submit scenario's closed loop (its throughput).
// Submissions come last because each one's outbox event becomes a letter to the applicant: the
// quiet phase's backlog is drained before Sundsvall's send is accepted. In the busy phase
// Sundsvall's send of BENCH_FAIRNESS_LETTERS (default the 100,000; in send batches of at
// most BENCH_FAIRNESS_BATCH, 50,000: a batch's CSV must fit the api's 1 MiB GraphQL body) with
// 30 % on paper is being delivered by one worker, which also publishes Sundsvall's outbox (each
// letter's status event). Each window records where the send stood at its start and end, and a
// goal is met only if the send was delivering across its whole window.
// BENCH_FAIRNESS_QUICK=1 checks the machinery on small numbers (with BENCH_WARMUP=1, about 3 minutes).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  backlog,
  batchSizes,
  closedLoop,
  describeProgress,
  drain,
  openLoop,
  overviewRequest,
  publishBenchForm,
  seedCitizenCases,
  SendProgress,
  sendProgress,
  tenantId,
  tenantSubmissions,
  notUnderLoad,
} from '../lib/fairness-load';
import { OpenLoopResult } from '../lib/open-loop';
import { graphql, staffToken, startApi, startSimulator, startTestRealm, startWorker, testPersonnummer } from '../lib/platform';
import { Running } from '../lib/processes';
import { BenchDatabase, freshDatabase } from '../lib/postgres';
import { goal, round, ScenarioResult } from '../lib/results';
import { Measured, SETTINGS } from './compare';
import { OVERVIEW_CITIZEN } from './requests-fixture';

const QUICK = process.env.BENCH_FAIRNESS_QUICK === '1';
const BIG = Number(process.env.BENCH_FAIRNESS_LETTERS ?? (QUICK ? 12_000 : 100_000));
const PER_BATCH = Number(process.env.BENCH_FAIRNESS_BATCH ?? 50_000);
const SINGLES = Number(process.env.BENCH_FAIRNESS_SINGLES ?? (QUICK ? 10 : 30));
/** Seconds of each measured load period (after BENCH_WARMUP s of warm-up). */
const LOAD_S = Number(process.env.BENCH_FAIRNESS_DURATION ?? (QUICK ? 3 : SETTINGS.durationS));
/** The open-loop overview's rate, as a share of the quiet saturated overview throughput. */
const OVERVIEW_SHARE = 0.25;
const OVERVIEW_CASES = 20;
const GAP_MS = 500;
const WORKER_HEALTH_PORT = 4345;
const TIMEOUT_S = Number(process.env.BENCH_FAIRNESS_TIMEOUT ?? 180);

interface Latencies {
  letters: number;
  digital: number;
  p50s: number | null;
  p99s: number | null;
  maxS: number | null;
  /** Letters without a final status when the wait ended. */
  unfinished: number;
  /**
   * Where the digital letters' time went: from acceptance until the operator (the simulator) took
   * the letter (waiting for a free place, the claim, the reachability call, signing, the request),
   * and from then until its status was recorded (the answer back, the claim's other letters, the
   * recording transaction). p50 and p99 of each, in seconds.
   */
  toOperator: { p50s: number | null; p99s: number | null };
  recorded: { p50s: number | null; p99s: number | null };
}

/**
 * The worker's event-loop delay since the last scrape (prom-client's default metrics: the
 * histogram is reset on each collect), in ms: how long a ready callback, Timrå's among them,
 * waited for the worker's one thread.
 */
async function workerLoopDelay(healthPort: number): Promise<{ meanMs: number; p99Ms: number; maxMs: number }> {
  const text = await (
    await fetch(`http://127.0.0.1:${healthPort}/metrics`, { headers: { authorization: 'Bearer bench-metrics-token-not-secret' } })
  ).text();
  const value = (name: string) => Number(new RegExp(`^kommuna_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { meanMs: round(value('mean') * 1000, 1), p99Ms: round(value('p99') * 1000, 1), maxMs: round(value('max') * 1000, 1) };
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))], 2) : null;

/** Timrå's letters' time to delivery (digital ones: the simulator accepted them), once all have a final status. */
async function latencies(db: BenchDatabase, ids: string[], simulatorUrl: string): Promise<Latencies> {
  const until = Date.now() + TIMEOUT_S * 1000;
  let rows: { id: string; channel: string | null; seconds: number | null; created: number; completed: number | null }[] = [];
  while (Date.now() < until) {
    rows = await db.admin(
      `SELECT message_id AS id, channel, extract(epoch FROM completed_at - created_at)::float8 AS seconds,
              extract(epoch FROM created_at)::float8 AS created, extract(epoch FROM completed_at)::float8 AS completed
         FROM mail_delivery WHERE message_id = ANY($1::uuid[])`,
      [ids],
    );
    if (rows.length === ids.length && rows.every((r) => r.seconds !== null)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const digital = rows
    .filter((r) => r.channel === 'digital' && r.seconds !== null)
    .map((r) => r.seconds!)
    .sort((a, b) => a - b);
  // The simulator's clock is this machine's: when it accepted each letter.
  const records = (await (await fetch(`${simulatorUrl}/_records`)).json()) as {
    deliveries: Array<{ messageId: string; receivedAt: string }>;
  };
  const received = new Map(records.deliveries.map((d) => [d.messageId, Date.parse(d.receivedAt) / 1000]));
  const split = rows.filter((r) => r.channel === 'digital' && r.completed !== null && received.has(r.id));
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const toOperator = sorted(split.map((r) => received.get(r.id)! - r.created));
  const recorded = sorted(split.map((r) => r.completed! - received.get(r.id)!));
  return {
    toOperator: { p50s: pct(toOperator, 50), p99s: pct(toOperator, 99) },
    recorded: { p50s: pct(recorded, 50), p99s: pct(recorded, 99) },
    letters: ids.length,
    digital: digital.length,
    p50s: pct(digital, 50),
    p99s: pct(digital, 99),
    maxS: digital.length ? round(digital[digital.length - 1], 2) : null,
    unfinished: ids.length - rows.filter((r) => r.seconds !== null).length,
  };
}

/** Timrå's work in one phase, and where Sundsvall's send stood at each boundary (busy phase only). */
interface Phase {
  letters: Latencies;
  workerLoopDelay: { meanMs: number; p99Ms: number; maxMs: number };
  overviewSaturated: Measured;
  overviewSteady: OpenLoopResult;
  submit: Measured;
  /** The send's progress at the start, after the letters, after the overview, after the submissions. */
  marks?: { start: SendProgress; letters: SendProgress; overview: SendProgress; submit: SendProgress };
}

export async function runFairness(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const realm = await startTestRealm('kommuna');
  const db = await freshDatabase('fairness');
  const printDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-print-'));
  const running: Running[] = [];
  try {
    const simulator = await startSimulator(4340, { SIM_REACHABLE_SHARE: '0.7' });
    running.push(simulator);
    const api = await startApi(db, realm, { port: 4343, env: { DIGITAL_MAIL_SIMULATOR_URL: simulator.url } });
    running.push(api);
    const worker = await startWorker(db, { healthPort: WORKER_HEALTH_PORT, simulatorUrl: simulator.url, printDir });
    running.push(worker);
    // A worker that died (the full run's quiet submissions once took it past its heap cap) fails the run at once.
    const workerAlive = () => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null)
        throw new Error(`the worker stopped (${worker.child.signalCode ?? worker.child.exitCode}); its stderr is above`);
    };
    const staff = (tenant: string) => ({
      authorization: `Bearer ${staffToken(realm, tenant, ['tenant_admin', 'case_worker'], { unit: 'samhallsbyggnad' })}`,
      'x-kommuna-tenant': tenant,
    });
    await graphql(
      api.url,
      'mutation($input: SaveMailTemplateInput!) { saveDigitalMailTemplate(input: $input) { id } }',
      {
        input: {
          name: 'avfallstaxa-2027',
          subject: { sv: 'Ny avfallstaxa 2027', en: 'New charges 2027' },
          body: { sv: 'Den nya avfallstaxan gäller från 1 januari 2027.', en: 'The new charges apply from 1 January 2027.' },
        },
      },
      staff('sundsvall'),
    );
    // Timrå's form and a resident with a page of cases in Timrå.
    await publishBenchForm(api.url, realm, 'timra');
    await seedCitizenCases(api.url, realm, 'timra', OVERVIEW_CITIZEN, OVERVIEW_CASES);
    const timra = await tenantId(db, 'timra');
    const sundsvall = await tenantId(db, 'sundsvall');
    const overview = overviewRequest(realm, OVERVIEW_CITIZEN);
    const submissions = tenantSubmissions(realm, 'timra');

    let next = 3_000_000;
    // Timrå's single letters, one every GAP_MS, as a case worker sends them.
    const singles = async (count = SINGLES): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const { sendDigitalMail } = await graphql<{ sendDigitalMail: { id: string } }>(
          api.url,
          'mutation($input: SendDigitalMailInput!) { sendDigitalMail(input: $input) { id } }',
          { input: { recipient: testPersonnummer(next++), subject: 'Beslut om bygglov', body: 'Hej! Ditt bygglov är beviljat.' } },
          staff('timra'),
        );
        ids.push(sendDigitalMail.id);
        await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      }
      return ids;
    };
    let overviewRate = 0;
    const phase = async (name: 'quiet' | 'busy', progress?: () => Promise<SendProgress>): Promise<Phase> => {
      const start = await progress?.();
      await workerLoopDelay(WORKER_HEALTH_PORT);
      const letters = await latencies(db, await singles(), simulator.url);
      const loopDelay = await workerLoopDelay(WORKER_HEALTH_PORT);
      const afterLetters = await progress?.();
      log(
        `  ${name}: Timrå's digital letters p50 ${letters.p50s} s, p99 ${letters.p99s} s, max ${letters.maxS} s (${letters.digital} of ${letters.letters} digital, ${letters.unfinished} unfinished; ` +
          `to the operator p50 ${letters.toOperator.p50s} s, p99 ${letters.toOperator.p99s} s; then recorded p50 ${letters.recorded.p50s} s, p99 ${letters.recorded.p99s} s); ` +
          `worker loop delay mean / p99 / max ${Object.values(loopDelay).join(' / ')} ms`,
      );
      const overviewSaturated = await closedLoop(api, overview, LOAD_S);
      if (name === 'quiet') overviewRate = Math.max(1, Math.round(overviewSaturated.requestsPerSecond * OVERVIEW_SHARE));
      const overviewSteady = await openLoop(api, overview, overviewRate, LOAD_S);
      const afterOverview = await progress?.();
      log(
        `  ${name}: Timrå's overview saturated ${overviewSaturated.requestsPerSecond} req/s, p99 ${overviewSaturated.p99ms} ms; ` +
          `at ${overviewRate} req/s (open loop) p50 ${overviewSteady.p50ms} ms, p99 ${overviewSteady.p99ms} ms, answered ${overviewSteady.answeredPerS} req/s`,
      );
      const submit = await closedLoop(api, submissions(name), LOAD_S);
      const afterSubmit = await progress?.();
      log(`  ${name}: Timrå's submissions ${submit.requestsPerSecond} req/s, p99 ${submit.p99ms} ms, errors ${submit.errors}`);
      const marks =
        start && afterLetters && afterOverview && afterSubmit
          ? { start, letters: afterLetters, overview: afterOverview, submit: afterSubmit }
          : undefined;
      if (marks)
        log(
          `  Sundsvall's send at the busy phase's start: ${describeProgress(marks.start)}; after the letters: ${describeProgress(marks.letters)}; ` +
            `after the overview: ${describeProgress(marks.overview)}; at the end: ${describeProgress(marks.submit)}`,
        );
      return { letters, workerLoopDelay: loopDelay, overviewSaturated, overviewSteady, submit, marks };
    };
    const drained = async (what: string) => {
      const left = await drain(db, timra, TIMEOUT_S, workerAlive);
      log(
        `  Timrå's backlog after ${what}: ${left.events} events unpublished, ${left.letters} letters unfinished (waited ${left.waitedS} s)`,
      );
      return left;
    };

    // Warm-up (every path once, short) and statistics (bench/README.md: Statistics), then the quiet phase.
    await latencies(db, await singles(Math.min(SINGLES, 10)), simulator.url);
    await closedLoop(api, overview, 1);
    await closedLoop(api, submissions('warm-up'), 1);
    await drained('the warm-up');
    await db.admin('ANALYZE');
    const quiet = await phase('quiet');
    const quietLeft = await drained('the quiet phase');

    // Sundsvall's send, in batches accepted back to back.
    const batchIds: string[] = [];
    let first = 1_000_000;
    for (const size of batchSizes(BIG, PER_BATCH)) {
      const csv = `recipient\n${Array.from({ length: size }, (_, i) => testPersonnummer(first + i)).join('\n')}\n`;
      first += size;
      const { createDigitalMailSendBatch: batch } = await graphql<{ createDigitalMailSendBatch: { id: string; total: number } }>(
        api.url,
        'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id total } }',
        { input: { template: { name: 'avfallstaxa-2027' }, department: 'samhallsbyggnad', csv } },
        staff('sundsvall'),
      );
      batchIds.push(batch.id);
    }
    const acceptedAt = Date.now();
    const progress = () => sendProgress(db, batchIds, sundsvall, acceptedAt);
    // The busy phase starts once delivery is under way, not while the send is still being expanded.
    const underWay = Math.max(1, Math.min(1000, Math.round(BIG * 0.01)));
    for (let p = await progress(); p.finished < underWay && Date.now() - acceptedAt < TIMEOUT_S * 1000; p = await progress()) {
      workerAlive();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const busy = await phase('busy', progress);
    workerAlive();
    const marks = busy.marks!;

    const why = {
      letters: notUnderLoad(marks.start, marks.letters),
      overview: notUnderLoad(marks.letters, marks.overview),
      submit: notUnderLoad(marks.overview, marks.submit),
    };
    const windows = { letters: why.letters === null, overview: why.overview === null, submit: why.submit === null };
    // A ratio to a quiet figure of 0 (nothing measured) is no ratio.
    const ratio = (busyValue: number, quietValue: number) => (quietValue > 0 ? round(busyValue / quietValue) : null);
    const submitRatio = ratio(busy.submit.requestsPerSecond, quiet.submit.requestsPerSecond);
    const overviewRatio = ratio(busy.overviewSteady.p99ms, quiet.overviewSteady.p99ms);
    const overviewSaturatedRatio = ratio(busy.overviewSaturated.p99ms, quiet.overviewSaturated.p99ms);
    const errors = [quiet, busy].reduce((sum, p) => sum + p.overviewSaturated.errors + p.overviewSteady.errors + p.submit.errors, 0);
    const loadAfter = os.loadavg();
    const row = (name: string, p: Phase) => ({
      phase: name,
      'letters p50 / p99 / max s': `${p.letters.p50s} / ${p.letters.p99s} / ${p.letters.maxS}`,
      'letters unfinished': p.letters.unfinished,
      'overview saturated req/s': p.overviewSaturated.requestsPerSecond,
      'overview saturated p99 ms': p.overviewSaturated.p99ms,
      [`overview at ${overviewRate} req/s p50 / p99 ms`]: `${p.overviewSteady.p50ms} / ${p.overviewSteady.p99ms}`,
      'submit req/s': p.submit.requestsPerSecond,
      'submit p99 ms': p.submit.p99ms,
      errors: p.overviewSaturated.errors + p.overviewSteady.errors + p.submit.errors,
    });
    return {
      scenario: 'fairness',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal(
          "another municipality's single letter during a bulk send: p99 to delivery",
          '< 5 s',
          busy.letters.p99s,
          busy.letters.p99s !== null && busy.letters.p99s < 5 && busy.letters.unfinished === 0 && windows.letters,
        ),
        goal(
          "another municipality's form submissions during a bulk send: throughput vs quiet (closed loop)",
          '≥ 0.9',
          submitRatio,
          submitRatio !== null && submitRatio >= 0.9 && windows.submit,
        ),
        goal(
          `another municipality's Mina sidor overview during a bulk send: p99 vs quiet (open loop, ${overviewRate} req/s)`,
          '≤ 1.5',
          overviewRatio,
          overviewRatio !== null && overviewRatio <= 1.5 && windows.overview,
        ),
        goal("another municipality's submissions and overviews: errors (both phases)", '0', errors, errors === 0),
      ],
      figures: {
        bulkLetters: BIG,
        bulkBatches: batchIds.length,
        singles: SINGLES,
        loadSeconds: LOAD_S,
        warmupSeconds: SETTINGS.warmupS,
        connections: SETTINGS.connections,
        overviewRatePerS: overviewRate,
        quiet,
        busy,
        busyWindowsUnderLoad: windows,
        busyWindowsNotUnderLoadBecause: why,
        ratios: { submitThroughput: submitRatio, overviewSteadyP99: overviewRatio, overviewSaturatedP99: overviewSaturatedRatio },
        timraBacklogBeforeSend: quietLeft,
        timraBacklogAfterBusy: await backlog(db, timra),
        loadAverage: { before: loadBefore.map((l) => round(l)), after: loadAfter.map((l) => round(l)) },
        table: [row('quiet', quiet), row(`Sundsvall sending ${BIG.toLocaleString('en')}`, busy)],
      },
      notes: [
        `Timrå, in each phase: ${SINGLES} single letters ${GAP_MS} ms apart (sendDigitalMail; 70 % of recipients have a digital mailbox in the simulator; time to delivery is mail_delivery.completed_at − created_at of the digital ones), ` +
          `then a resident's Mina sidor overview (myCases, ${OVERVIEW_CASES} cases in Timrå, every detail) at saturation (${SETTINGS.connections} connections, closed loop) and at a steady ${overviewRate} req/s (open loop, ${OVERVIEW_SHARE} of the quiet saturated throughput, each latency from when the request was due), ` +
          `then 2,000 residents' 20-field form submissions at saturation (${SETTINGS.connections} connections, closed loop); each load ${SETTINGS.warmupS} s of warm-up and ${LOAD_S} s measured. ` +
          `Quiet first, then while Sundsvall's send of ${BIG.toLocaleString('en')} letters (${batchIds.length} send batch(es) accepted back to back, 30 % on paper) is delivered by one worker, which also publishes Sundsvall's outbox.`,
        `Sundsvall's send when the busy phase began: ${describeProgress(marks.start)}; after Timrå's letters: ${describeProgress(marks.letters)}; after the overview: ${describeProgress(marks.overview)}; at the end: ${describeProgress(marks.submit)}.`,
        ...(['letters', 'overview', 'submit'] as const)
          .filter((w) => why[w] !== null)
          .map((w) => `The busy ${w} window was not under the send's load: ${why[w]}; its goal is not met whatever its figure.`),
        `Timrå's backlog (unpublished events, unfinished letters) was ${quietLeft.events} / ${quietLeft.letters} when Sundsvall's send was accepted (the quiet submissions' notification letters, drained first).`,
        `Overview p99 at saturation (closed loop): quiet ${quiet.overviewSaturated.p99ms} ms, busy ${busy.overviewSaturated.p99ms} ms (${overviewSaturatedRatio}×); at saturation the p99 follows the throughput (Little's law), so the goal uses the steady rate.`,
        `The worker's event-loop delay (ms, mean / p99 / max) during Timrå's letters: quiet ${Object.values(quiet.workerLoopDelay).join(' / ')}, busy ${Object.values(busy.workerLoopDelay).join(' / ')}.`,
        `With ${busy.letters.digital} digital letters per phase, the letters' p99 is the slowest one; the figures say how far off the goal is, not its third digit.`,
        `Everything runs on this machine's ${os.cpus().length} cores: the api, the worker, PostgreSQL, the simulator and the load clients share them, so the busy phase's Timrå figures include the CPU the worker and PostgreSQL spend on Sundsvall's letters. ` +
          `Machine load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(1)).join('/')}, after ${loadAfter.map((l) => l.toFixed(1)).join('/')}.`,
      ],
    };
  } finally {
    for (const process of running.reverse()) await process.stop();
    await db.drop();
    fs.rmSync(printDir, { recursive: true, force: true });
    await realm.close();
  }
}
