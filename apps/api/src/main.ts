import { tracing } from './tracing';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { JsonLogger } from '@kommuna/platform-logging';
import { createApi } from './bootstrap';
import { startEmbeddedWorker } from './embedded-worker';
import { startPlatformRuntime } from './platform-runtime';

/** How a client reaches an address the api listens on (a wildcard address is reached on loopback). */
const urlHost = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadPlatformConfig();
  const logger = new JsonLogger(config.logLevel);
  const runtime = await startPlatformRuntime(config);
  const app = await createApi(runtime, logger);
  const worker = await startEmbeddedWorker(runtime, logger);
  // Nest closes the database on shutdown: the outbox loop stops first.
  if (worker)
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('preClose', () => worker.stop());
  // The last spans are sent before the process ends.
  if (tracing)
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onClose', () => tracing?.shutdown());
  await app.listen({ host: config.host, port: config.port });
  // The port actually bound: PORT=0 picks a free one.
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://${urlHost(config.host)}:${port}`;
  logger.event('info', 'Kommuna api ready', {
    ms: Date.now() - started,
    port,
    database: config.database.kind,
    tenants: runtime.tenants.all().map((t) => t.slug),
    graphql: `${base}/graphql`,
    graphiql: config.env === 'production' ? undefined : `${base}/graphiql`,
    health: `${base}/health/ready`,
  });
}

main().catch((error: Error) => {
  // Start-up failures (a broken tenant file, a failed migration) are for people: say it plainly.
  process.stderr.write(`Kommuna api could not start:\n${error.message}\n`);
  process.exit(1);
});
