// The open-loop driver's machinery, on local servers whose behaviour is known (no timings of the
// platform: those are measured by `npm run bench -- latency`).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile, runOpenLoop } from './open-loop';

/** A server answering each POST after `delayMs(arrivalMs)` with `body`; the arrival time is ms since the server started. */
async function server(
  delayMs: (arrivalMs: number) => number,
  body: (n: number) => string = () => '{"data":{}}',
): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const started = Date.now();
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = received++;
      setTimeout(() => res.end(body(n)), delayMs(Date.now() - started)).unref();
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/graphql`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

const next = () => ({ body: '{"query":"{ x }"}', headers: { authorization: 'Bearer t' } });

describe('the open-loop driver', () => {
  it('sends at the asked rate whatever the answers, and times answers from when each request was due', async () => {
    const fast = await server(() => 5);
    try {
      const result = await runOpenLoop({ url: fast.url, ratePerS: 200, durationS: 1, next });
      expect(result.requests).toBe(200);
      expect(fast.received()).toBe(200);
      expect(result.errors).toBe(0);
      expect(result.answeredPerS).toBe(200);
      // The server's own 5 ms is the least any answer can take.
      expect(result.p50ms).toBeGreaterThanOrEqual(5);
      expect(result.p50ms).toBeLessThan(100);
    } finally {
      await fast.close();
    }
  });

  it("counts a server's stall in every request that arrived during it (no coordinated omission)", async () => {
    // Answers in 2 ms, except that whatever arrives between 200 and 500 ms waits until 500 ms.
    const stalling = await server((at) => (at >= 200 && at < 500 ? 500 - at : 2));
    try {
      const result = await runOpenLoop({ url: stalling.url, ratePerS: 100, durationS: 1, next });
      expect(result.requests).toBe(100);
      expect(result.errors).toBe(0);
      // About 30 of 100 requests arrived in the stall, waiting 150 ms on average: the tenth slowest
      // waited well over 50 ms. A closed loop with one connection would have recorded one slow request.
      expect(result.p90ms).toBeGreaterThan(50);
      expect(result.maxMs).toBeGreaterThan(200);
      expect(result.socketsOpened).toBeGreaterThan(10);
    } finally {
      await stalling.close();
    }
  });

  it("counts this process's own delay too: requests it sends late are late", async () => {
    const fast = await server(() => 1);
    try {
      // The driver's event loop is blocked for 300 ms, 200 ms into the run.
      const block = setTimeout(() => {
        const until = Date.now() + 300;
        while (Date.now() < until) {
          /* busy: nothing is sent meanwhile */
        }
      }, 200);
      const result = await runOpenLoop({ url: fast.url, ratePerS: 100, durationS: 1, next });
      clearTimeout(block);
      expect(result.sendDelayMaxMs).toBeGreaterThan(250);
      expect(result.p90ms).toBeGreaterThan(50);
    } finally {
      await fast.close();
    }
  });

  it('counts GraphQL errors answered with 200, other statuses and unanswered requests as errors', async () => {
    const failing = await server(
      (at) => (at > 600 ? 5_000 : 1),
      (n) => (n % 10 === 0 ? '{"errors":[{"message":"no"}]}' : '{"data":{}}'),
    );
    try {
      const result = await runOpenLoop({ url: failing.url, ratePerS: 50, durationS: 1, next, timeoutMs: 300 });
      expect(result.requests).toBe(50);
      // One in ten answers carries errors; what arrives after 600 ms is not answered within 300 ms.
      expect(result.errors).toBeGreaterThanOrEqual(5 + 15);
      expect(result.errors).toBeLessThan(50);
      expect(result.errorSamples.some((s) => s.includes('"errors"'))).toBe(true);
      expect(result.errorSamples.length).toBeLessThanOrEqual(5);
    } finally {
      await failing.close();
    }
  });

  it('reads percentiles as the value at or below which that share of samples lie', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 99)).toBeNaN();
  });
});
