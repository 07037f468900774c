import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, freePort, NodeProcess, startNodeProcess } from '@kommuna/platform-testing';
import { APP_DATABASE_SCHEMA } from './database-schema';

/** A stand-in OpenTelemetry collector: keeps every OTLP/HTTP trace export it receives. */
function startCollector(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe('tracing (OpenTelemetry, switched on by OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports spans of the api’s requests and, on a server, of its SQL statements', async () => {
    const collector = await startCollector();
    const port = await freePort();
    // On a server, a fresh migrated database; embedded, a fresh data folder.
    const server = process.env.DATABASE_URL ? await createTestDatabase(APP_DATABASE_SCHEMA) : undefined;
    const databaseUrl = server ? (server.dataSource.options as { url: string }).url : undefined;
    let api: NodeProcess | undefined;
    try {
      api = await startNodeProcess({
        script: 'apps/api/src/main.ts',
        env: {
          NODE_ENV: 'test',
          PORT: String(port),
          KOMMUNA_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'kommuna-tracing-')),
          DATABASE_URL: databaseUrl,
          DATABASE_MIGRATION_URL: undefined,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        readyText: 'Kommuna api ready',
        timeoutMs: 30_000,
      });
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ tenants { slug } }' }),
      });
      expect(response.status).toBe(200);
      const exported = () => collector.bodies.join('\n');
      for (let i = 0; i < 100 && !exported().includes('/graphql'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(exported()).toContain('kommuna-api');
      expect(exported()).toContain('/graphql');
      if (server) expect(exported()).toMatch(/"db\.system(\.name)?"/);
    } finally {
      await api?.stop();
      await collector.close();
      await server?.close();
    }
  }, 60_000);
});
