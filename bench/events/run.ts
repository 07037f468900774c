// `npm run bench:events`: the outgoing event paths of issue 18 against bare clients in the same run.
// Webhooks: events in the outbox fanned out (WebhookFanOut, five subscriptions per municipality)
// and delivered signed (WebhookDeliveryWorker) to a local receiver in its own process, against a
// bare HTTP client posting as many bodies of the same size to that receiver with the same number
// of requests in flight. NATS: the outbox published to JetStream through NatsEventBridge (and the
// bridge alone, no database), against a bare JetStream publisher with the same message sizes, the
// same de-duplication ids and the same publishes in flight. PostgreSQL as npm run bench has it
// (a fresh database), NATS at 127.0.0.1:4222. Writes bench/results/events.json and its own section
// of bench/RESULTS.md.
import { fork, ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { connect, headers as natsHeaders } from 'nats';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import {
  DEFAULT_OUTBOX_BATCH_SIZE,
  DEFAULT_OUTBOX_TENANT_CONCURRENCY,
  EVENT_STREAM,
  NatsEventBridge,
  OutboxDispatcher,
  OutboxEvent,
  recordEvents,
  WEBHOOKS_DATABASE_SCHEMA,
  WebhookDeliveryWorker,
  WebhookFanOut,
  WebhookSubscriptions,
} from '@kommuna/platform-events';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, Tenant } from '@kommuna/platform-persistence';
import { requestContext } from '@kommuna/platform-tenancy';
import { createTestTenants } from '@kommuna/platform-testing';
import { EVENT_TYPES } from '@kommuna/shared-service-contracts';
import { BenchDatabase, freshDatabase } from '../lib/postgres';
import { machineAndVersions } from '../lib/report';
import { goal, round, ScenarioResult, writeResult, RESULTS_DIR } from '../lib/results';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const TENANTS = ['benchev-a', 'benchev-b', 'benchev-c', 'benchev-d'];
const SUBSCRIPTIONS_PER_TENANT = 5;
const WEBHOOK_EVENTS_PER_TENANT = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
/** BENCH_WEBHOOK_HAND_OVER=0: the fan-out queues every delivery for the worker's claims (the path without a worker in the same process). */
const HAND_OVER = process.env.BENCH_WEBHOOK_HAND_OVER !== '0';
// 10,000 a municipality: at 2,500 the measured phases lasted about a second, and one stall moved the ratio by a tenth.
const NATS_EVENTS_PER_TENANT = Number(process.env.BENCH_NATS_EVENTS ?? 10_000);
/** The delivery worker's defaults: 10 per subscription, at most 200 in flight per process. */
const WEBHOOK_IN_FLIGHT = Math.min(TENANTS.length * SUBSCRIPTIONS_PER_TENANT * 10, 200);
/** The outbox's default batch, which the bridge publishes concurrently, times the municipalities dispatched side by side. */
const NATS_IN_FLIGHT = DEFAULT_OUTBOX_BATCH_SIZE * DEFAULT_OUTBOX_TENANT_CONCURRENCY;

const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, WEBHOOKS_DATABASE_SCHEMA];
const SCHEMA: DatabaseSchema = { entities: SCHEMAS.flatMap((s) => s.entities as []), migrations: SCHEMAS.flatMap((s) => s.migrations) };

const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const as = <T>(tenant: Tenant, work: () => Promise<T>) =>
  requestContext.run({ requestId: 'bench', tenantId: tenant.id, tenantSlug: tenant.slug }, work);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU time spent by this process, the receiver and the bench database's PostgreSQL backends
 * (found in pg_stat_activity, read from /proc) over a phase, in ms: where each path's work goes
 * on a machine whose two cores all three share. Other databases' backends are not counted.
 */
async function cpuMeter(pg: BenchDatabase, receiverPid?: number) {
  const ticks = (pid: number) => {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
    } catch {
      return null; // ended: its time since the last reading is lost
    }
  };
  const backends = async () =>
    (
      await pg.admin<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
    ).map((r) => r.pid);
  const pids = await backends();
  const before = new Map(pids.map((pid) => [pid, ticks(pid) ?? 0]));
  const receiverBefore = receiverPid ? (ticks(receiverPid) ?? 0) : 0;
  const own = process.cpuUsage();
  return async () => {
    const ownUsed = process.cpuUsage(own);
    let postgres = 0;
    for (const pid of new Set([...before.keys(), ...(await backends())])) {
      const now = ticks(pid);
      if (now !== null) postgres += now - (before.get(pid) ?? 0);
    }
    return {
      processMs: round((ownUsed.user + ownUsed.system) / 1000, 0),
      receiverMs: receiverPid ? (ticks(receiverPid) ?? receiverBefore) - receiverBefore : 0,
      postgresMs: postgres,
    };
  };
}

/** BENCH_PROFILE=1: a CPU profile of this process over one measured phase, to bench/results/profiles/events-<name>.cpuprofile. */
async function profiled<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!process.env.BENCH_PROFILE || !name) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const dir = path.join(RESULTS_DIR, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `events-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

let sequence = 0;
function event() {
  const n = ++sequence;
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    type: EVENT_TYPES.formCompletionRequested,
    source: '/e-forms',
    subject: id,
    data: {
      submissionId: id,
      errandNumber: `E-${n}`,
      message: { sv: 'Komplettera', en: 'Complete' },
      requestedAt: new Date().toISOString(),
      subjectPartyId: null,
    },
  };
}

async function recordFor(database: Database, tenants: Tenant[], perTenant: number): Promise<void> {
  for (const tenant of tenants)
    for (let done = 0; done < perTenant; done += 500)
      await as(tenant, () =>
        database.transaction((em) =>
          recordEvents(
            em,
            Array.from({ length: Math.min(500, perTenant - done) }, () => event()),
          ),
        ),
      );
}

async function startReceiver(): Promise<{ port: number; pid?: number; count(): Promise<number>; reset(): void; stop(): void }> {
  const child: ChildProcess = fork(path.join(__dirname, 'receiver.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return {
    port,
    pid: child.pid,
    count: () =>
      new Promise((resolve) => {
        child.once('message', (m: { count: number }) => resolve(m.count));
        child.send('count');
      }),
    reset: () => child.send('reset'),
    stop: () => child.disconnect(),
  };
}

/** `total` POSTs of `body`, `inFlight` at a time, with Node's default agent as the delivery worker uses it. */
async function bareHttp(url: string, body: string, total: number, inFlight: number): Promise<number> {
  let started = 0;
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  const lane = async () => {
    while (started < total) {
      started++;
      await post();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return total / ((performance.now() - t0) / 1000);
}

/** webhook_delivery's inserted, updated and HOT-updated tuples so far (the statistics collector's, flushed first). */
async function deliveryTuples(pg: BenchDatabase): Promise<{ inserted: number; updated: number; hotUpdated: number }> {
  await sleep(600); // the backends report their counts at most every 500 ms
  const [row] = await pg.admin<{ ins: string; upd: string; hot: string }>(
    `SELECT n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot FROM pg_stat_user_tables WHERE relname = 'webhook_delivery'`,
  );
  return { inserted: Number(row?.ins ?? 0), updated: Number(row?.upd ?? 0), hotUpdated: Number(row?.hot ?? 0) };
}

async function countRows(database: Database, tenants: Tenant[], sql: string): Promise<number> {
  let sum = 0;
  for (const tenant of tenants) sum += Number((await as(tenant, () => database.transaction((em) => em.query(sql, [tenant.id]))))[0].n);
  return sum;
}

async function webhooks(pg: BenchDatabase, database: Database, tenants: Tenant[], slugOf: (id: string) => string | undefined) {
  // One delivery worker and one fan-out for the warm-up and the measured phase, as the worker
  // process runs them for days: by the measured phase the worker has answered from this receiver
  // and knows its speed, so the fan-out hands over as in the steady state. (A fresh worker was
  // handed only two rounds of requests per subscription, about 54 % of the deliveries.) The
  // worker stays running, idle, while the bare client is measured, as in production.
  const worker = new WebhookDeliveryWorker(database, {
    env: 'development',
    onError: (error, context) => log(`webhook worker: ${context.step} ${context.tenantId}: ${error.message}`),
  });
  // As the worker process composes them: the fan-out hands its deliveries to the worker (BENCH_WEBHOOK_HAND_OVER=0: it queues them all).
  const dispatcher = new OutboxDispatcher(database, [new WebhookFanOut(slugOf, HAND_OVER ? worker : undefined)]);
  const receiver = await startReceiver();
  try {
    const url = `http://127.0.0.1:${receiver.port}/hook`;
    const subscriptions = new WebhookSubscriptions(database, 'development', slugOf);
    for (const tenant of tenants)
      for (let i = 0; i < SUBSCRIPTIONS_PER_TENANT; i++)
        await as(tenant, () => subscriptions.create({ url, eventTypes: ['se.kommuna.eforms.completion.requested.v1'] }, 'system:bench'));
    const expected = tenants.length * WEBHOOK_EVENTS_PER_TENANT * SUBSCRIPTIONS_PER_TENANT;

    // Rounds every 250 ms when idle, as the worker process runs it (libs/services: WEBHOOK_INTERVAL_MS).
    worker.start(250);

    // A warm-up round (connections, JIT, the receiver's answer times), then the measured one.
    const runPipeline = async (perTenant: number, profile?: string) => {
      receiver.reset();
      await recordFor(database, tenants, perTenant);
      const meter = await cpuMeter(pg, receiver.pid);
      const want = tenants.length * perTenant * SUBSCRIPTIONS_PER_TENANT;
      const statisticsBefore = worker.statistics();
      const tuplesBefore = await deliveryTuples(pg);
      const t0 = performance.now();
      const { seconds, fanOutMs, received } = await profiled(profile, async () => {
        const fanOut = dispatcher.drain().then(() => performance.now() - t0);
        let count = 0;
        while ((count = await receiver.count()) < want) await sleep(20);
        const took = (performance.now() - t0) / 1000;
        // Their records too, so the phase's CPU holds them (the worker keeps running).
        while (worker.statistics().recordedOutcomes - statisticsBefore.recordedOutcomes < want) await sleep(20);
        return { seconds: took, fanOutMs: await fanOut, received: count };
      });
      const cpu = await meter();
      const tuplesAfter = await deliveryTuples(pg);
      const tuples = {
        inserted: tuplesAfter.inserted - tuplesBefore.inserted,
        updated: tuplesAfter.updated - tuplesBefore.updated,
        hotUpdated: tuplesAfter.hotUpdated - tuplesBefore.hotUpdated,
      };
      const statisticsAfter = worker.statistics();
      const statistics = { ...statisticsAfter };
      for (const key of Object.keys(statistics) as Array<keyof typeof statistics>) statistics[key] -= statisticsBefore[key];
      return { seconds, fanOutSeconds: fanOutMs / 1000, received, want, statistics, cpu, tuples };
    };
    await runPipeline(50);
    const [sample]: Array<{ body: string }> = await as(tenants[0], () =>
      database.transaction((em) => em.query(`SELECT body FROM webhook_event WHERE tenant_id = $1 LIMIT 1`, [tenants[0].id])),
    );
    await bareHttp(url, sample.body, 2000, WEBHOOK_IN_FLIGHT);

    const bareMeter = await cpuMeter(pg, receiver.pid);
    const bareBefore = await profiled('bare-http', () => bareHttp(url, sample.body, expected, WEBHOOK_IN_FLIGHT));
    const bareCpu = await bareMeter();
    log(`bare HTTP client: ${Math.round(bareBefore)} requests/s`);
    const deliveredBefore = await countRows(
      database,
      tenants,
      `SELECT count(*) AS n FROM webhook_delivery WHERE tenant_id = $1 AND status = 'DELIVERED'`,
    );
    const pipeline = await runPipeline(WEBHOOK_EVENTS_PER_TENANT, 'webhooks');
    const pipelineCpu = pipeline.cpu;
    const delivered =
      (await countRows(database, tenants, `SELECT count(*) AS n FROM webhook_delivery WHERE tenant_id = $1 AND status = 'DELIVERED'`)) -
      deliveredBefore;
    const rate = pipeline.want / pipeline.seconds;
    const stats = pipeline.statistics;
    log(
      `webhook fan-out and delivery: ${Math.round(rate)} deliveries/s (${pipeline.want} in ${round(pipeline.seconds)} s; fan-out done after ${round(pipeline.fanOutSeconds)} s)`,
    );
    const perDelivery = (cpu: { processMs: number; receiverMs: number; postgresMs: number }) => ({
      processUs: round((cpu.processMs * 1000) / pipeline.want, 0),
      receiverUs: round((cpu.receiverMs * 1000) / pipeline.want, 0),
      postgresUs: round((cpu.postgresMs * 1000) / pipeline.want, 0),
    });
    log(`CPU per delivery (µs): pipeline ${JSON.stringify(perDelivery(pipelineCpu))}, bare ${JSON.stringify(perDelivery(bareCpu))}`);
    log(
      `handed over ${stats.handedOver} of ${pipeline.want}; claimed ${stats.claimedDeliveries} in ${stats.claims} claims; webhook_delivery tuples ${JSON.stringify(pipeline.tuples)}`,
    );
    const bareAfter = await bareHttp(url, sample.body, expected, WEBHOOK_IN_FLIGHT);
    log(`bare HTTP client again: ${Math.round(bareAfter)} requests/s`);
    const bare = Math.max(bareBefore, bareAfter);
    return {
      deliveries: pipeline.want,
      received: pipeline.received,
      deliveredRows: delivered,
      bodyBytes: Buffer.byteLength(sample.body),
      inFlight: WEBHOOK_IN_FLIGHT,
      deliveriesPerSecond: round(rate, 0),
      fanOutSeconds: round(pipeline.fanOutSeconds),
      totalSeconds: round(pipeline.seconds),
      bareRequestsPerSecond: [round(bareBefore, 0), round(bareAfter, 0)],
      ratio: round(rate / bare, 3),
      // Where the pipeline's time went: its claims and records (each one transaction of a few round trips).
      claims: stats.claims,
      deliveriesPerClaim: round(stats.claimedDeliveries / Math.max(stats.claims, 1), 1),
      claimMs: round(stats.claimMs / Math.max(stats.claims, 1), 1),
      records: stats.records,
      outcomesPerRecord: round(stats.recordedOutcomes / Math.max(stats.records, 1), 1),
      recordMs: round(stats.recordMs / Math.max(stats.records, 1), 1),
      handedOver: stats.handedOver,
      // webhook_delivery's row writes over the measured phase (pg_stat_user_tables; HOT: no index entry written).
      deliveryTuples: pipeline.tuples,
      // CPU per delivery, µs: this process, the receiver, the bench database's PostgreSQL backends.
      cpuPerDelivery: perDelivery(pipelineCpu),
      bareCpuPerRequest: perDelivery(bareCpu),
    };
  } finally {
    await worker.stop();
    receiver.stop();
  }
}

async function nats(pg: BenchDatabase, database: Database, tenants: Tenant[], slugOf: (id: string) => string | undefined) {
  const bridge = await NatsEventBridge.connect(NATS_URL, { slugOf });
  // The bridge's client options (no async stack traces), so the two differ only in what the bridge does.
  const bare = await connect({ servers: NATS_URL, name: 'kommuna-bench-bare', noAsyncTraces: true });
  const jetstream = bare.jetstream();
  const manager = await bare.jetstreamManager();
  const purge = async () => {
    for (const slug of [...TENANTS, 'benchev-bare']) await manager.streams.purge(EVENT_STREAM, { filter: `kommuna.events.${slug}.>` });
  };
  try {
    const total = tenants.length * NATS_EVENTS_PER_TENANT;
    // The outbox through the bridge, as the worker runs it with NATS_URL set: claim, publish, acknowledge.
    const dispatcher = new OutboxDispatcher(database, [bridge]);
    await recordFor(database, tenants, 50);
    await dispatcher.drain();
    await recordFor(database, tenants, NATS_EVENTS_PER_TENANT);
    const meter = await cpuMeter(pg);
    let t0 = performance.now();
    const published = await profiled('nats', () => dispatcher.drain());
    const outboxRate = published / ((performance.now() - t0) / 1000);
    const outboxCpu = await meter();
    const cpuPerEvent = {
      processUs: round((outboxCpu.processMs * 1000) / published, 0),
      postgresUs: round((outboxCpu.postgresMs * 1000) / published, 0),
    };
    log(
      `outbox to JetStream through the bridge: ${Math.round(outboxRate)} events/s (${published}); CPU per event (µs) ${JSON.stringify(cpuPerEvent)}`,
    );

    // The bridge alone: the same events, from memory, in the outbox's batches.
    const events: OutboxEvent[] = Array.from({ length: total }, (_, i) => {
      const e = event();
      return {
        id: randomUUID(),
        tenantId: tenants[i % tenants.length].id,
        type: e.type,
        source: e.source,
        subject: e.subject,
        data: e.data,
        occurredAt: new Date(),
        attempts: 0,
      };
    });
    t0 = performance.now();
    for (let i = 0; i < events.length; i += NATS_IN_FLIGHT)
      await bridge.handleBatch(events.slice(i, i + NATS_IN_FLIGHT), undefined as never);
    const bridgeRate = total / ((performance.now() - t0) / 1000);
    log(`the bridge alone: ${Math.round(bridgeRate)} events/s`);

    // A bare publisher: a payload and headers of the same size, a fresh msgID each, the same batches.
    const sample = await manager.streams.getMessage(EVENT_STREAM, {
      last_by_subj: `kommuna.events.${TENANTS[0]}.se.kommuna.eforms.completion.requested.v1`,
    });
    if (!sample) throw new Error('The bridge stored no event to take the message size from');
    const payload = sample.data;
    const bareHeaders = () => {
      const h = natsHeaders();
      h.set('content-type', 'application/cloudevents+json; charset=utf-8');
      return h;
    };
    const bareRun = async () => {
      const start = performance.now();
      for (let i = 0; i < total; i += NATS_IN_FLIGHT)
        await Promise.all(
          Array.from({ length: Math.min(NATS_IN_FLIGHT, total - i) }, () =>
            jetstream.publish('kommuna.events.benchev-bare.se.kommuna.eforms.completion.requested.v1', payload, {
              msgID: randomUUID(),
              headers: bareHeaders(),
            }),
          ),
        );
      return total / ((performance.now() - start) / 1000);
    };
    const bareMeter = await cpuMeter(pg);
    const bareBefore = await profiled('bare-nats', bareRun);
    const bareCpu = await bareMeter();
    const bareCpuPerMessage = round((bareCpu.processMs * 1000) / total, 0);
    log(`bare JetStream publisher: CPU per message (µs) ${bareCpuPerMessage}`);
    const bareAfter = await bareRun();
    log(`bare JetStream publisher: ${Math.round(bareBefore)} / ${Math.round(bareAfter)} messages/s`);
    const best = Math.max(bareBefore, bareAfter);
    return {
      events: total,
      payloadBytes: payload.length,
      inFlight: NATS_IN_FLIGHT,
      outboxEventsPerSecond: round(outboxRate, 0),
      bridgeEventsPerSecond: round(bridgeRate, 0),
      barePublishesPerSecond: [round(bareBefore, 0), round(bareAfter, 0)],
      ratio: round(outboxRate / best, 3),
      bridgeRatio: round(bridgeRate / best, 3),
      // CPU per event from the outbox, µs: this process and the bench database's PostgreSQL backends.
      cpuPerEvent,
      bareCpuPerMessage,
    };
  } finally {
    await purge().catch((error) => log(`purging the bench subjects failed: ${(error as Error).message}`));
    await bare.close();
    await bridge.close();
  }
}

function writeSection(result: ScenarioResult): void {
  const file = path.resolve(RESULTS_DIR, '../RESULTS.md');
  const w = result.figures.webhooks as Awaited<ReturnType<typeof webhooks>>;
  const n = result.figures.nats as Awaited<ReturnType<typeof nats>>;
  const fmt = (v: number) => v.toLocaleString('en-GB');
  const section = [
    '## events (webhooks and NATS, issue 18)',
    '',
    `Run ${result.date} (${result.durationS} s) with \`npm run bench:events\`. Full figures: [results/events.json](results/events.json).`,
    '',
    '| path | measured | bare client, same run | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    `| webhooks: outbox → fan-out (${SUBSCRIPTIONS_PER_TENANT} subscriptions × ${TENANTS.length} municipalities) → signed delivery to a local receiver | ${fmt(w.deliveriesPerSecond)} deliveries/s | ${w.bareRequestsPerSecond.map(fmt).join(' / ')} POSTs/s | ${w.ratio} | ≥ 0.5: ${w.ratio >= 0.5 ? 'met' : '**missed**'} |`,
    `| NATS: outbox → NatsEventBridge → JetStream (stored, acknowledged) | ${fmt(n.outboxEventsPerSecond)} events/s | ${n.barePublishesPerSecond.map(fmt).join(' / ')} publishes/s | ${n.ratio} | ≥ 0.5: ${n.ratio >= 0.5 ? 'met' : '**missed**'} |`,
    `| NATS: NatsEventBridge alone (no database) | ${fmt(n.bridgeEventsPerSecond)} events/s | the same | ${n.bridgeRatio} | |`,
    '',
    ...result.notes.map((note) => `- ${note}`),
    '',
    // A blank line after it, so a section another run appends starts as its own block.
    '',
  ].join('\n');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const start = text.indexOf('## events (webhooks and NATS');
  if (start === -1) {
    fs.writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + 1);
  fs.writeFileSync(file, text.slice(0, start) + section + (next === -1 ? '' : text.slice(next + 1)));
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  // BENCH_LOG_STATEMENTS=1: every statement's duration in the server log, to see where PostgreSQL's time goes.
  const pg = await freshDatabase('events', process.env.BENCH_LOG_STATEMENTS ? { log_min_duration_statement: '0' } : {});
  const database = await Database.open({ kind: 'postgres', url: pg.appUrl, migrationUrl: pg.ownerUrl, poolSize: 10 }, SCHEMA);
  try {
    const tenants = await createTestTenants(database, ...TENANTS.map((slug) => ({ slug })));
    const slugs = new Map(tenants.map((t) => [t.id, t.slug]));
    const slugOf = (id: string) => slugs.get(id);
    log(`== webhooks: ${TENANTS.length} municipalities × ${SUBSCRIPTIONS_PER_TENANT} subscriptions × ${WEBHOOK_EVENTS_PER_TENANT} events`);
    const webhookFigures = await webhooks(pg, database, tenants, slugOf);
    log(`== NATS: ${TENANTS.length} municipalities × ${NATS_EVENTS_PER_TENANT} events`);
    const natsFigures = await nats(pg, database, tenants, slugOf);
    const machine = await machineAndVersions();
    const result: ScenarioResult = {
      scenario: 'events',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals: [
        goal('webhook fan-out throughput / bare HTTP client', '≥ 0.5', webhookFigures.ratio, webhookFigures.ratio >= 0.5),
        goal('NATS publish throughput (from the outbox) / bare JetStream publisher', '≥ 0.5', natsFigures.ratio, natsFigures.ratio >= 0.5),
      ],
      figures: {
        webhooks: webhookFigures,
        nats: natsFigures,
        machine: { cpu: machine.cpu, cores: machine.cores, node: machine.node, postgresql: machine.postgresql },
      },
      notes: [
        `${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; PostgreSQL ${machine.postgresql}; NATS at ${NATS_URL}. The receiver runs in its own process; the bare clients run in the measuring process like the pipeline.`,
        `Load average (1 min) ${round(loadBefore, 1)} at the start and ${round(os.loadavg()[0], 1)} at the end, on ${machine.cores} cores: the pipelines wait on PostgreSQL (a few round trips per claimed batch and per recorded batch), the bare clients touch no database, so a busy machine lowers the ratios.`,
        `Webhooks: ${webhookFigures.deliveries} deliveries of ${webhookFigures.bodyBytes}-byte structured CloudEvents, timed from the first outbox round to the receiver's last request; the receiver counted ${webhookFigures.received} and the log holds ${webhookFigures.deliveredRows} DELIVERED. The bare client posts as many bodies of that size with ${webhookFigures.inFlight} in flight (the worker's default limit), no signing, no database; it ran before and after, the ratio is to the faster run.`,
        `Each delivery costs the pipeline a row in the fan-out's one INSERT per outbox batch (with the event log), its share of a claim (LeaseQueue; ${webhookFigures.claims} claims, ${webhookFigures.deliveriesPerClaim} deliveries each, ${webhookFigures.claimMs} ms each on average: BEGIN, set_config, the claim, COMMIT), a Standard Webhooks HMAC signature (node:crypto) and its share of a record (${webhookFigures.records} record statements, ${webhookFigures.outcomesPerRecord} outcomes each, ${webhookFigures.recordMs} ms each). The bare client pays none of the database round trips, whose latency grows with the machine's load.`,
        `CPU per delivery on the machine's 2 cores (µs; this process, the receiver, the bench database's PostgreSQL backends from /proc): pipeline ${webhookFigures.cpuPerDelivery.processUs} + ${webhookFigures.cpuPerDelivery.receiverUs} + ${webhookFigures.cpuPerDelivery.postgresUs}, bare client ${webhookFigures.bareCpuPerRequest.processUs} + ${webhookFigures.bareCpuPerRequest.receiverUs}. When the machine is otherwise idle both are CPU-bound, so the ratio is about the bare client's CPU per request over the pipeline's per delivery; under other load the pipeline waits on PostgreSQL as well.`,
        `NATS: ${natsFigures.events} events of ${natsFigures.payloadBytes} bytes; the bare publisher sends as many messages of that size to the same stream with a fresh Nats-Msg-Id each, ${natsFigures.inFlight} at a time (the outbox's batch of ${DEFAULT_OUTBOX_BATCH_SIZE}, which the bridge publishes concurrently, for each of the ${DEFAULT_OUTBOX_TENANT_CONCURRENCY} municipalities dispatched side by side), ran twice, the ratio is to the faster run. The bench's subjects are purged from ${EVENT_STREAM} afterwards. CPU per event from the outbox (µs): this process ${natsFigures.cpuPerEvent.processUs}, PostgreSQL ${natsFigures.cpuPerEvent.postgresUs}; the bare publisher ${natsFigures.bareCpuPerMessage} in this process (NATS's own CPU, the same for both, not counted).`,
      ],
    };
    writeResult(result);
    writeSection(result);
    for (const g of result.goals) log(`${g.met ? 'MET   ' : 'MISSED'} ${g.name}: ${g.value} (goal ${g.target})`);
  } finally {
    await database.close();
    await pg.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
