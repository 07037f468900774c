import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import { platformMetrics } from '@kommuna/platform-metrics';
import type { Database } from '@kommuna/platform-persistence';

/**
 * The worker's health port: liveness (the process answers), readiness (it can work: the database
 * answers and it is not stopping; the same rule as the api's /health/ready) and its metrics.
 * A replica that cannot reach the database does nothing useful, so it must not report ready.
 * With a metrics token (production must set KOMMUNA_METRICS_TOKEN), /metrics answers only a
 * scraper presenting it as a bearer token, as the api's does.
 */
export function createHealthServer(database: Database, options: { metricsToken?: string } = {}): { server: http.Server; stopping(): void } {
  let stopping = false;
  const answer = (response: http.ServerResponse, status: number, body: object) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = http.createServer((request, response) => {
    if (request.url === '/metrics') {
      if (options.metricsToken && !presents(request.headers.authorization, options.metricsToken))
        return answer(response, 403, { error: 'forbidden' });
      // Outbox lag, failures and deliveries as this replica saw them, plus its process figures.
      void platformMetrics.text().then((text) => response.writeHead(200, { 'content-type': platformMetrics.contentType }).end(text));
      return;
    }
    if (request.url === '/health/live') return answer(response, 200, { status: 'ok' });
    if (request.url !== '/health/ready') return answer(response, 404, { error: 'not found' });
    if (stopping) return answer(response, 503, { status: 'stopping' });
    void database.dataSource.query('SELECT 1').then(
      () => answer(response, 200, { status: 'ready' }),
      () => answer(response, 503, { status: 'database unavailable' }),
    );
  });
  return { server, stopping: () => (stopping = true) };
}

/** Whether the header carries the token, compared in constant time. */
function presents(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
