// Fairness between municipalities (issue 24, item 1; measurement only): how long one municipality's
// single letter takes from acceptance to delivery while another municipality's bulk send is being
// delivered, against the same on a quiet platform. Timrå sends single letters (sendDigitalMail)
// one at a time; in the busy phase Sundsvall's batch (BENCH_FAIRNESS_LETTERS, default 20,000;
// the 100,000 by hand) is delivering meanwhile, 30 % of it on paper. Times are the
// database's own (mail_delivery.completed_at - created_at), so polling adds nothing to them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { graphql, staffToken, startApi, startSimulator, startTestRealm, startWorker, testPersonnummer } from '../lib/platform';
import { Running } from '../lib/processes';
import { BenchDatabase, freshDatabase } from '../lib/postgres';
import { goal, round, ScenarioResult } from '../lib/results';

const BIG = Number(process.env.BENCH_FAIRNESS_LETTERS ?? 20_000);
const SINGLES = Number(process.env.BENCH_FAIRNESS_SINGLES ?? 30);
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
    await new Promise((resolve) => setTimeout(resolve, 1000));
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

export async function runFairness(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const realm = await startTestRealm('kommuna');
  const db = await freshDatabase('fairness');
  const printDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-print-'));
  const running: Running[] = [];
  try {
    const simulator = await startSimulator(4340, { SIM_REACHABLE_SHARE: '0.7' });
    running.push(simulator);
    const api = await startApi(db, realm, { port: 4343, env: { DIGITAL_MAIL_SIMULATOR_URL: simulator.url } });
    running.push(api);
    running.push(await startWorker(db, { healthPort: WORKER_HEALTH_PORT, simulatorUrl: simulator.url, printDir }));
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
    let next = 3_000_000;
    // Timrå's single letters, one every GAP_MS, as a case worker sends them.
    const singles = async (): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < SINGLES; i++) {
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
    // Warm-up and statistics (bench/README.md: Statistics), then the quiet measurement.
    await latencies(db, await singles(), simulator.url);
    await db.admin('ANALYZE');
    await workerLoopDelay(WORKER_HEALTH_PORT);
    const quiet = await latencies(db, await singles(), simulator.url);
    const quietLoop = await workerLoopDelay(WORKER_HEALTH_PORT);
    log(
      `  quiet: Timrå's digital letters p50 ${quiet.p50s} s, p99 ${quiet.p99s} s (${quiet.digital} of ${quiet.letters} digital; to the operator p50 ${quiet.toOperator.p50s} s, p99 ${quiet.toOperator.p99s} s; then recorded p50 ${quiet.recorded.p50s} s, p99 ${quiet.recorded.p99s} s)`,
    );

    const csv = `recipient\n${Array.from({ length: BIG }, (_, i) => testPersonnummer(1_000_000 + i)).join('\n')}\n`;
    const { createDigitalMailSendBatch: batch } = await graphql<{ createDigitalMailSendBatch: { id: string; total: number } }>(
      api.url,
      'mutation($input: CreateMailSendBatchInput!) { createDigitalMailSendBatch(input: $input) { id total } }',
      { input: { template: { name: 'avfallstaxa-2027' }, department: 'samhallsbyggnad', csv } },
      staff('sundsvall'),
    );
    const batchAccepted = Date.now();
    await workerLoopDelay(WORKER_HEALTH_PORT);
    const busyIds = await singles();
    const busy = await latencies(db, busyIds, simulator.url);
    const busyLoop = await workerLoopDelay(WORKER_HEALTH_PORT);
    log(
      `  worker event-loop delay (ms, mean / p99 / max): quiet ${Object.values(quietLoop).join(' / ')}, busy ${Object.values(busyLoop).join(' / ')}`,
    );
    const [backlog] = await db.admin<{ open: number; done: number; expanded: number }>(
      `SELECT count(*) FILTER (WHERE completed_at IS NULL)::int AS open, count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS done,
              (SELECT expanded FROM mail_send_batch WHERE id = $1) AS expanded
         FROM mail_delivery WHERE send_batch_id = $1`,
      [batch.id],
    );
    const [lastSingle] = await db.admin<{ at: Date }>(
      `SELECT max(completed_at) AS at FROM mail_delivery WHERE message_id = ANY($1::uuid[])`,
      [busyIds],
    );
    const [bigDone] = await db.admin<{ n: number }>(
      `SELECT count(*)::int AS n FROM mail_delivery WHERE send_batch_id = $1 AND completed_at <= $2`,
      [batch.id, lastSingle.at],
    );
    log(
      `  busy (Sundsvall's ${BIG} letters accepted ${Math.round((Date.now() - batchAccepted) / 1000)} s ago, ${backlog.expanded} expanded into letters, ${bigDone.n} delivered when Timrå's last letter was, ${backlog.open} still open): ` +
        `Timrå p50 ${busy.p50s} s, p99 ${busy.p99s} s, max ${busy.maxS} s (${busy.digital} of ${busy.letters} digital, ${busy.unfinished} unfinished; to the operator p50 ${busy.toOperator.p50s} s, p99 ${busy.toOperator.p99s} s; then recorded p50 ${busy.recorded.p50s} s, p99 ${busy.recorded.p99s} s)`,
    );
    const overlapped = bigDone.n < BIG;
    return {
      scenario: 'fairness',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal(
          "another municipality's single letter during a bulk send: p99 to delivery",
          '< 5 s',
          busy.p99s,
          busy.p99s !== null && busy.p99s < 5 && busy.unfinished === 0 && overlapped,
        ),
      ],
      figures: {
        workerLoopDelayMs: { quiet: quietLoop, busy: busyLoop },
        bulkLetters: BIG,
        singles: SINGLES,
        quiet,
        busy,
        bulkDeliveredWhenLastSingleWas: bigDone.n,
        bulkOpenAfterSingles: backlog.open,
        bulkExpandedAfterSingles: backlog.expanded,
        loadAverage: os.loadavg().map((l) => round(l)),
        table: [
          {
            phase: 'quiet',
            'digital letters': quiet.digital,
            'p50 s': quiet.p50s,
            'p99 s': quiet.p99s,
            'max s': quiet.maxS,
            unfinished: quiet.unfinished,
            'to operator p50 / p99 s': `${quiet.toOperator.p50s} / ${quiet.toOperator.p99s}`,
            'then recorded p50 / p99 s': `${quiet.recorded.p50s} / ${quiet.recorded.p99s}`,
          },
          {
            phase: `Sundsvall sending ${BIG.toLocaleString('en')}`,
            'digital letters': busy.digital,
            'p50 s': busy.p50s,
            'p99 s': busy.p99s,
            'max s': busy.maxS,
            unfinished: busy.unfinished,
            'to operator p50 / p99 s': `${busy.toOperator.p50s} / ${busy.toOperator.p99s}`,
            'then recorded p50 / p99 s': `${busy.recorded.p50s} / ${busy.recorded.p99s}`,
          },
        ],
      },
      notes: [
        `Timrå sends ${SINGLES} single letters ${GAP_MS} ms apart (sendDigitalMail; 70 % of recipients have a digital mailbox in the simulator), quiet and while Sundsvall's batch of ${BIG.toLocaleString('en')} (30 % paper) is being delivered by one worker; time to delivery is mail_delivery.completed_at − created_at of Timrå's digital letters.`,
        overlapped
          ? `The bulk send was still delivering when Timrå's last letter was delivered (${bigDone.n.toLocaleString('en')} of ${BIG.toLocaleString('en')} done; ${backlog.expanded.toLocaleString('en')} expanded into letters by the end of the busy phase), so every busy figure was measured under contention.`
          : `The bulk send had finished before Timrå's last letter was delivered: the busy figures are not all under contention; raise BENCH_FAIRNESS_LETTERS.`,
        `The worker's event-loop delay (ms, mean / p99 / max) over each phase: quiet ${Object.values(quietLoop).join(' / ')}, busy ${Object.values(busyLoop).join(' / ')}: every step of Timrå's letter (a dozen database round trips, two HTTP calls, a signature) waits that long for the worker's thread.`,
        `With ${busy.digital} digital letters per phase, p99 is the slowest one; the figures say how far off the goal is, not its third digit.`,
        `Machine load average (1/5/15 min) at the end ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join('/')} on ${os.cpus().length} cores.`,
      ],
    };
  } finally {
    for (const process of running.reverse()) await process.stop();
    await db.drop();
    fs.rmSync(printDir, { recursive: true, force: true });
    await realm.close();
  }
}
