// An open-loop load: requests arrive at a constant rate whatever the server does, as independent
// residents do, and each one's latency counts from the moment it was due to be sent, not from when
// it went out. A closed loop (autocannon: N connections, each waiting for its answer) sends less
// while the server stalls and so leaves the stall out of its figures (coordinated omission);
// measuring from the schedule keeps it in, including any delay in this process itself.
import * as http from 'node:http';

export interface OpenLoopOptions {
  url: string;
  /** Requests per second, spread evenly. */
  ratePerS: number;
  durationS: number;
  /** The next request's body and headers (called once per request). */
  next: () => { body: string; headers: Record<string, string> };
  /** True when a 2xx response body is a success (default: it has no "errors" member). */
  ok?: (body: string) => boolean;
  /** A request still unanswered this long after it was due counts as an error (default 10 s). */
  timeoutMs?: number;
  /** Connections at most (default 256); requests beyond wait for one, their wait counted. */
  maxSockets?: number;
}

export interface OpenLoopResult {
  ratePerS: number;
  durationS: number;
  /** Requests due in the period, all sent. */
  requests: number;
  /** Answered requests per second over the period (below the rate when the server falls behind). */
  answeredPerS: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  errors: number;
  /** How late this process sent requests after they were due (its own delay, counted in the latencies). */
  sendDelayP99ms: number;
  sendDelayMaxMs: number;
  /** Connections the agent opened: how many requests were in flight at once, at most. */
  socketsOpened: number;
  errorSamples: string[];
}

const defaultOk = (body: string) => !body.includes('"errors"');

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const r2 = (v: number) => +v.toFixed(2);

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(options.url);
  const ok = options.ok ?? defaultOk;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const sockets = new WeakSet<object>();
  let socketsOpened = 0;
  const total = Math.round(options.ratePerS * options.durationS);
  const intervalMs = 1000 / options.ratePerS;
  const latencies: number[] = [];
  const sendDelays: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let answered = 0;
  const pending = new Set<Promise<void>>();
  const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
  const start = nowMs();

  const fail = (why: string) => {
    errors++;
    if (errorSamples.length < 5) errorSamples.push(why.slice(0, 500));
  };

  const send = (dueAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const { body, headers } = options.next();
      sendDelays.push(nowMs() - dueAt);
      let settled = false;
      const finish = (success: boolean, why?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        latencies.push(nowMs() - dueAt);
        if (success) answered++;
        else fail(why ?? 'failed');
        resolve();
      };
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300 && ok(text)) finish(true);
            else finish(false, `${status} ${text}`);
          });
          response.on('error', (error) => finish(false, error.message));
        },
      );
      request.on('socket', (socket) => {
        if (sockets.has(socket)) return;
        sockets.add(socket);
        socketsOpened++;
      });
      request.on('error', (error) => finish(false, error.message));
      // Timed from when it was due, like its latency.
      const timer = setTimeout(
        () => {
          finish(false, `no answer within ${timeoutMs} ms of being due`);
          request.destroy();
        },
        Math.max(0, dueAt + timeoutMs - nowMs()),
      );
      request.end(body);
    });

  // Sends every request that is due, then sleeps until the next one is; a late wake-up sends the
  // overdue ones at once (their lateness is counted in their latency).
  await new Promise<void>((done) => {
    let sent = 0;
    const tick = () => {
      const now = nowMs();
      while (sent < total && start + sent * intervalMs <= now) {
        const p = send(start + sent * intervalMs);
        pending.add(p);
        void p.then(() => pending.delete(p));
        sent++;
      }
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, start + sent * intervalMs - nowMs()));
    };
    tick();
  });
  await Promise.all([...pending]);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  sendDelays.sort((a, b) => a - b);
  return {
    ratePerS: options.ratePerS,
    durationS: options.durationS,
    requests: total,
    answeredPerS: r2(answered / options.durationS),
    p50ms: r2(percentile(latencies, 50)),
    p90ms: r2(percentile(latencies, 90)),
    p99ms: r2(percentile(latencies, 99)),
    maxMs: r2(latencies[latencies.length - 1] ?? NaN),
    errors,
    sendDelayP99ms: r2(percentile(sendDelays, 99)),
    sendDelayMaxMs: r2(sendDelays[sendDelays.length - 1] ?? NaN),
    socketsOpened,
    errorSamples,
  };
}
