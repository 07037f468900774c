// Issue 24, item 3: latency at a realistic load, not at saturation. The ceiling (the same
// statements through node-pg, no framework) is measured at saturation first; then requests arrive
// at a constant rate of half its throughput (open loop, bench/lib/open-loop.ts: each latency from
// when the request was due), at the api and, for the machine's floor, at the ceiling itself, in
// alternating rounds. Submit and the Mina sidor overview, on the same processes as their
// saturation scenarios.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { startCeiling } from '../lib/ceiling';
import { OpenLoopResult, runOpenLoop } from '../lib/open-loop';
import { Api, citizenToken, imageNodeOptions } from '../lib/platform';
import { cpuSecondsOf, Running } from '../lib/processes';
import { goal, Goal, round, ScenarioResult } from '../lib/results';
import { measure, Measured, SETTINGS } from './compare';
import { MY_CASES, OVERVIEW_CITIZEN, requestsFixture } from './requests-fixture';
import { CITIZENS, submitRequests } from './submit';

/** Seconds of each open-loop period (after a warm-up of BENCH_WARMUP seconds at the same rate). */
const OPEN_DURATION_S = Number(process.env.BENCH_OPEN_DURATION ?? SETTINGS.durationS);
/** The share of the ceiling's saturated throughput the requests arrive at. */
const SHARE = 0.5;
const GOAL_P99_MS = 50;

type Next = () => { body: string; headers: Record<string, string> };

/** What went on inside the api (bench/lib/runtime-probe.cjs) and in PostgreSQL during one open-loop period. */
interface Inside {
  /** Heap allocated per request (kB). */
  allocatedKbPerRequest: number;
  /** Young-generation collections (scavenges): count, total and longest pause. */
  young: { count: number; totalMs: number; maxMs: number };
  /** Full collections (mark-compact), incremental marking steps included in the total. */
  full: { count: number; totalMs: number; maxMs: number };
  gcPauseTotalMs: number;
  gcPauseMaxMs: number;
  /** How late a 10 ms timer fired in the api: its p99 and maximum (ms). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** The share of the period the api's main thread was busy. */
  eventLoopUtilisation: number;
  /** CPU per request (ms): the api process, and the database's PostgreSQL backends. */
  apiCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
}

type Observed = OpenLoopResult & { inside: Inside };

/** CPU seconds used so far by each server process of one database (each backend's command line names it), from /proc. */
function postgresCpuOf(database: string): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of fs.readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name))) {
    try {
      const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.startsWith('postgres: ') && command.split(' ').includes(database)) used.set(Number(pid), cpuSecondsOf(Number(pid)));
    } catch {
      // gone meanwhile
    }
  }
  return used;
}

/** CPU the backends used between two readings: each one's difference (a backend that started meanwhile, all of its own; one that ended is not counted). */
const postgresCpuBetween = (before: Map<number, number>, after: Map<number, number>): number =>
  [...after].reduce((sum, [pid, seconds]) => sum + Math.max(0, seconds - (before.get(pid) ?? 0)), 0);

/** One open-loop period at the api, with what its process and the database did meanwhile. */
async function observed(api: Api, database: string, run: () => Promise<OpenLoopResult>): Promise<Observed> {
  await api.runtimeWindow();
  const apiCpu = api.cpuSeconds();
  const postgresCpu = postgresCpuOf(database);
  const result = await run();
  const postgresCpuS = postgresCpuBetween(postgresCpu, postgresCpuOf(database));
  const apiCpuS = api.cpuSeconds() - apiCpu;
  const window = await api.runtimeWindow();
  const perRequest = (seconds: number) => round((seconds * 1000) / Math.max(1, result.requests), 2);
  const none = { count: 0, totalMs: 0, maxMs: 0 };
  const young = window.gc.young ?? none;
  const marking = [window.gc.full, window.gc.incremental].filter((k) => k !== undefined);
  return {
    ...result,
    inside: {
      allocatedKbPerRequest: round((window.allocatedMb * 1024) / Math.max(1, result.requests), 0),
      young,
      full: {
        count: window.gc.full?.count ?? 0,
        totalMs: round(marking.reduce((sum, k) => sum + k.totalMs, 0)),
        maxMs: marking.reduce((max, k) => Math.max(max, k.maxMs), 0),
      },
      gcPauseTotalMs: window.gcPauseTotalMs,
      gcPauseMaxMs: window.gcPauseMaxMs,
      eventLoopDelayP99Ms: window.eventLoopDelayMs.p99,
      eventLoopDelayMaxMs: window.eventLoopDelayMs.max,
      eventLoopUtilisation: window.eventLoopUtilisation,
      apiCpuMsPerRequest: perRequest(apiCpuS),
      postgresCpuMsPerRequest: perRequest(postgresCpuS),
    },
  };
}

const insideLine = (i: Inside) =>
  `GC ${i.gcPauseTotalMs} ms in pauses (young ${i.young.count}, max ${i.young.maxMs} ms; full ${i.full.count}, max ${i.full.maxMs} ms), ` +
  `loop delay p99 ${i.eventLoopDelayP99Ms} ms max ${i.eventLoopDelayMaxMs} ms, busy ${i.eventLoopUtilisation}, ` +
  `${i.allocatedKbPerRequest} kB allocated and ${i.apiCpuMsPerRequest} ms CPU a request (PostgreSQL ${i.postgresCpuMsPerRequest} ms)`;

interface PathResult {
  path: 'submit' | 'overview';
  ceilingSaturated: Measured;
  /** The api at saturation in the same run (32 connections): whether it can serve the rate at all. */
  apiSaturated: Measured;
  ratePerS: number;
  api: Observed;
  ceiling: OpenLoopResult;
  /** The api at half of its own saturated throughput: its latency at a load it can carry on this machine. */
  apiAtHalfItsOwn: Observed;
  rounds: Array<{ target: 'api' | 'ceiling'; round: number } & OpenLoopResult & { inside?: Inside }>;
}

async function openLoopPath(
  name: PathResult['path'],
  api: Api,
  database: string,
  ceiling: Running & { url: string },
  nextFor: (target: 'api' | 'ceiling') => Next,
  log: (line: string) => void,
): Promise<PathResult> {
  const saturated = await measure(ceiling, nextFor('ceiling'));
  // A ceiling that answers errors is fast for the wrong reason: half of its rate would mean nothing.
  if (saturated.errors > 0)
    throw new Error(`latency: the ${name} ceiling answered ${saturated.errors} errors at saturation: ${saturated.errorSamples[0] ?? ''}`);
  const apiSaturated = await measure(api, nextFor('api'));
  const ratePerS = Math.max(1, Math.round(saturated.requestsPerSecond * SHARE));
  log(
    `  ${name}: saturated (32 connections) ceiling ${saturated.requestsPerSecond} req/s, api ${apiSaturated.requestsPerSecond} req/s (errors ${apiSaturated.errors}); open loop at ${ratePerS} req/s`,
  );
  const rounds: PathResult['rounds'] = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const [target, running] of [
      ['api', api],
      ['ceiling', ceiling],
    ] as const) {
      const next = nextFor(target);
      if (SETTINGS.warmupS > 0) await runOpenLoop({ url: `${running.url}/graphql`, ratePerS, durationS: SETTINGS.warmupS, next });
      const period = () => runOpenLoop({ url: `${running.url}/graphql`, ratePerS, durationS: OPEN_DURATION_S, next });
      const result: OpenLoopResult & { inside?: Inside } = target === 'api' ? await observed(api, database, period) : await period();
      rounds.push({ target, round, ...result });
      log(
        `  ${name} ${target} round ${round}: ${result.answeredPerS}/${ratePerS} req/s answered, p50 ${result.p50ms} ms, p99 ${result.p99ms} ms, max ${result.maxMs} ms, ` +
          `errors ${result.errors}, send delay p99 ${result.sendDelayP99ms} ms, ${result.socketsOpened} connections, load ${os.loadavg()[0].toFixed(1)}` +
          (result.inside ? `; ${insideLine(result.inside)}` : ''),
      );
    }
  }
  // Each keeps its best round (lowest p99), as the saturation scenarios keep their best; errors over all rounds.
  const best = (target: 'api' | 'ceiling'): OpenLoopResult & { inside?: Inside } => {
    const mine = rounds.filter((r) => r.target === target);
    const kept: OpenLoopResult & { inside?: Inside; target?: string; round?: number } = {
      ...[...mine].sort((a, b) => a.p99ms - b.p99ms)[0],
    };
    delete kept.target;
    delete kept.round;
    return { ...kept, errors: mine.reduce((sum, r) => sum + r.errors, 0) };
  };
  const ownRate = Math.max(1, Math.round(apiSaturated.requestsPerSecond * SHARE));
  if (SETTINGS.warmupS > 0)
    await runOpenLoop({ url: `${api.url}/graphql`, ratePerS: ownRate, durationS: SETTINGS.warmupS, next: nextFor('api') });
  const apiAtHalfItsOwn = await observed(api, database, () =>
    runOpenLoop({ url: `${api.url}/graphql`, ratePerS: ownRate, durationS: OPEN_DURATION_S, next: nextFor('api') }),
  );
  log(
    `  ${name} api at ${ownRate} req/s (half its own saturation): p50 ${apiAtHalfItsOwn.p50ms} ms, p99 ${apiAtHalfItsOwn.p99ms} ms, errors ${apiAtHalfItsOwn.errors}, load ${os.loadavg()[0].toFixed(1)}; ${insideLine(apiAtHalfItsOwn.inside)}`,
  );
  return {
    path: name,
    ceilingSaturated: saturated,
    apiSaturated,
    ratePerS,
    api: best('api') as Observed,
    ceiling: best('ceiling'),
    apiAtHalfItsOwn,
    rounds,
  };
}

export async function runLatency(log: (line: string) => void): Promise<ScenarioResult> {
  const started = Date.now();
  const loadBefore = os.loadavg();
  const fixture = await requestsFixture();
  if (!fixture.submitCapture || !fixture.overviewCapture) throw new Error('latency: no statements captured, no ceiling');
  const submitCeiling = await startCeiling({
    mode: 'submit',
    port: 4312,
    databaseUrl: fixture.db.appUrl,
    poolSize: 10,
    statements: fixture.submitCapture.statements,
    partyStatement: fixture.partyStatement,
    capturedRequestValues: fixture.submitCapture.requestValues,
  });
  const overviewCeiling = await startCeiling({
    mode: 'overview',
    port: 4313,
    databaseUrl: fixture.db.appUrl,
    poolSize: 10,
    statements: fixture.overviewCapture.statements,
    partyStatement: fixture.partyStatement,
    capturedRequestValues: fixture.overviewCapture.requestValues,
  });
  try {
    const tokens = Array.from({ length: CITIZENS }, (_, i) => citizenToken(fixture.realm, i + 1));
    const submit = await openLoopPath(
      'submit',
      fixture.api,
      fixture.db.name,
      submitCeiling,
      (target) => submitRequests(tokens, `open-${target}-${randomUUID().slice(0, 6)}`),
      log,
    );
    const overviewToken = citizenToken(fixture.realm, OVERVIEW_CITIZEN);
    const overviewBody = JSON.stringify({ query: MY_CASES, variables: { first: 20 } });
    const overview = await openLoopPath(
      'overview',
      fixture.api,
      fixture.db.name,
      overviewCeiling,
      () => () => ({ body: overviewBody, headers: { authorization: `Bearer ${overviewToken}` } }),
      log,
    );
    const loadAfter = os.loadavg();
    const paths = [submit, overview];
    const goals: Goal[] = paths.flatMap((p) => [
      goal(
        `${p.path}: p99 latency (ms) at ${p.ratePerS} req/s, half the ceiling's saturated ${p.ceilingSaturated.requestsPerSecond}, open loop`,
        `< ${GOAL_P99_MS}`,
        p.api.p99ms,
        p.api.p99ms < GOAL_P99_MS,
      ),
      goal(`${p.path}: errors (open loop)`, '0', p.api.errors, p.api.errors === 0),
    ]);
    const row = (p: PathResult, target: 'api' | 'ceiling' | 'apiAtHalfItsOwn') => {
      const m: OpenLoopResult & { inside?: Inside } = p[target];
      return {
        path: p.path,
        target: target === 'apiAtHalfItsOwn' ? 'api, half its own saturation' : `${target}, half the ceiling's`,
        'rate req/s': m.ratePerS,
        'answered req/s': m.answeredPerS,
        'p50 ms': m.p50ms,
        'p90 ms': m.p90ms,
        'p99 ms': m.p99ms,
        'max ms': m.maxMs,
        errors: m.errors,
        'send delay p99 ms': m.sendDelayP99ms,
        connections: m.socketsOpened,
        'GC pauses ms': m.inside?.gcPauseTotalMs ?? '',
        'GC max ms': m.inside?.gcPauseMaxMs ?? '',
        'loop delay p99 ms': m.inside?.eventLoopDelayP99Ms ?? '',
        busy: m.inside?.eventLoopUtilisation ?? '',
        'kB allocated/req': m.inside?.allocatedKbPerRequest ?? '',
        'api CPU ms/req': m.inside?.apiCpuMsPerRequest ?? '',
        'PostgreSQL CPU ms/req': m.inside?.postgresCpuMsPerRequest ?? '',
      };
    };
    return {
      scenario: 'latency',
      date: new Date().toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      goals,
      figures: {
        share: SHARE,
        openLoopSeconds: OPEN_DURATION_S,
        warmupSeconds: SETTINGS.warmupS,
        rounds: SETTINGS.rounds,
        loadAverage: { before: loadBefore.map((l) => round(l)), after: loadAfter.map((l) => round(l)) },
        paths,
        table: paths.flatMap((p) => [row(p, 'api'), row(p, 'ceiling'), row(p, 'apiAtHalfItsOwn')]),
      },
      notes: [
        `Open loop (bench/lib/open-loop.ts): requests are due at a constant rate, ${SHARE} × the ceiling's throughput at saturation measured just before (autocannon, ${SETTINGS.connections} connections, ${SETTINGS.durationS} s); ` +
          `each latency counts from when the request was due, so a stall of the server (or of this process: "send delay") is in the figures. ` +
          `${SETTINGS.rounds} round(s) of ${OPEN_DURATION_S} s per target after ${SETTINGS.warmupS} s at the same rate, api and ceiling alternating; each keeps its round with the lowest p99, errors are summed over all rounds.`,
        `The ceiling at the same rate is the floor on this machine: the same statements with no framework, run at the same time on the same two cores.`,
        ...paths.map(
          (p) =>
            `${p.path}: at saturation the ceiling reached ${p.ceilingSaturated.requestsPerSecond} req/s and the api ${p.apiSaturated.requestsPerSecond} req/s; ` +
            (p.apiSaturated.requestsPerSecond <= p.ratePerS * 1.1
              ? `half the ceiling (${p.ratePerS} req/s) is ${round(p.ratePerS / p.apiSaturated.requestsPerSecond)} of what the api can serve at all, so requests queue and the p99 measures the queue: the goal needs the api's throughput first (its ratio to the ceiling).`
              : `half the ceiling (${p.ratePerS} req/s) is ${round(p.ratePerS / p.apiSaturated.requestsPerSecond)} of the api's saturated throughput.`),
        ),
        `Inside the api (bench/lib/runtime-probe.cjs, preloaded into every api the bench starts): garbage-collection pauses by kind, how late a 10 ms timer fired (event-loop delay), ` +
          `the share of time its main thread was busy, heap allocated per request; CPU per request of the api process and of the database's PostgreSQL backends from /proc. ` +
          `The api runs with the api image's NODE_OPTIONS (infra/docker/Dockerfile: ${imageNodeOptions('api') ?? 'none'}).`,
        ...paths.flatMap((p) => [
          `${p.path}, what stands in the way at ${p.ratePerS} req/s (kept round, ${OPEN_DURATION_S} s): ${insideLine(p.api.inside)}.`,
          `${p.path}, at ${p.apiAtHalfItsOwn.ratePerS} req/s (half the api's own saturation): ${insideLine(p.apiAtHalfItsOwn.inside)}.`,
        ]),
        ...paths.map(
          (p) =>
            `${p.path}: the api answered ${p.api.answeredPerS} of ${p.ratePerS} req/s due, p99 ${p.api.p99ms} ms (ceiling ${p.ceiling.p99ms} ms); ` +
            `its p99 over the rounds ${p.rounds
              .filter((r) => r.target === 'api')
              .map((r) => r.p99ms)
              .join(', ')} ms.`,
        ),
        `Machine load average (1/5/15 min) before ${loadBefore.map((l) => l.toFixed(1)).join('/')}, after ${loadAfter
          .map((l) => l.toFixed(1))
          .join(
            '/',
          )} on ${os.cpus().length} cores. The load is this run's processes (api, ceilings, PostgreSQL, the driver) and whatever else the machine was running.`,
      ],
    };
  } finally {
    await submitCeiling.stop();
    await overviewCeiling.stop();
  }
}
