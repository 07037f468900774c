// Load from this process (the api, worker and ceiling servers run in their own processes):
// autocannon with a fresh body and headers per request, and a check of every response body, so a
// GraphQL error answered with status 200 still counts as an error.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  /** The next request's body and headers (called once per request). */
  next: () => { body: string; headers: Record<string, string> };
  /** True when a 2xx response body is a success (default: it has no "errors" member). */
  ok?: (body: string) => boolean;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  errors: number;
  /** Responses that were successes (2xx and an answer without errors). */
  successes: number;
  /** A few error bodies, to say what went wrong. */
  errorSamples: string[];
}

const defaultOk = (body: string) => !body.includes('"errors"');

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let badBodies = 0;
  let successes = 0;
  const errorSamples: string[] = [];
  const ok = options.ok ?? defaultOk;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    requests: [
      {
        setupRequest: (request) => {
          const next = options.next();
          return { ...request, method: 'POST', body: next.body, headers: { 'content-type': 'application/json', ...next.headers } };
        },
        onResponse: (status: number, body: string) => {
          if (status >= 200 && status < 300 && ok(body)) successes++;
          else if (status >= 200 && status < 300) {
            badBodies++;
            if (errorSamples.length < 5) errorSamples.push(body.slice(0, 500));
          } else if ((status < 200 || status >= 300) && errorSamples.length < 5) errorSamples.push(`${status} ${body?.slice(0, 500)}`);
        },
      },
    ],
  });
  return {
    requestsPerSecond: +result.requests.average.toFixed(1),
    requests: result.requests.total,
    p50ms: result.latency.p50,
    p90ms: result.latency.p90,
    p99ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx + badBodies,
    successes,
    errorSamples,
  };
}
