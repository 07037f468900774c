import { tracing } from './tracing';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { loadPlatformConfig } from '@kommuna/platform-config';
import { JsonLogger } from '@kommuna/platform-logging';
import { platformMetrics } from '@kommuna/platform-metrics';
import { Database, TenantDirectory } from '@kommuna/platform-persistence';
import { composeServices, loadValidatedTenants, natsBridgeFromEnv } from '@kommuna/services';
import { createHealthServer } from './health-server';
import { stopInStages } from './shutdown';
import { WORKER_DATABASE_SCHEMA, workerSettingsFromEnv } from './background-tasks';

/**
 * The worker: publishes the outbox and runs the services' background jobs against a PostgreSQL
 * server. Any number of replicas may run: work is claimed with FOR UPDATE SKIP LOCKED.
 */
async function main(): Promise<void> {
  const config = loadPlatformConfig();
  const logger = new JsonLogger(config.logLevel);
  const settings = workerSettingsFromEnv();
  const healthPortSetting = process.env.KOMMUNA_WORKER_HEALTH_PORT ?? '3002';
  if (!/^\d+$/.test(healthPortSetting) || Number(healthPortSetting) > 65535) {
    throw new Error(`KOMMUNA_WORKER_HEALTH_PORT must be a port number (0-65535; 0 picks a free one), not "${healthPortSetting}"`);
  }
  if (config.database.kind !== 'postgres') {
    throw new Error(
      'The worker needs a PostgreSQL server (DATABASE_URL). On the embedded database `npm start` runs this work inside the api.',
    );
  }
  // Each tenant.yaml and every service's settings, checked as the api and tenants:validate check them.
  const tenantConfigs = loadValidatedTenants(config.tenantsDir).map((loaded) => loaded.config);
  // Migrations are the api's or the migration job's to run; a pending one stops the worker here.
  const database = await Database.open(
    { kind: 'postgres', url: config.database.url, poolSize: config.database.poolSize },
    WORKER_DATABASE_SCHEMA,
  );
  const tenants = new TenantDirectory(database);
  await tenants.sync(tenantConfigs);
  platformMetrics.setTenants(tenants.all());
  // The same composed services as the api's: the outbox over every service's handlers, then each service's jobs.
  const services = composeServices(database, tenants, config);
  // With NATS_URL, the outbox also publishes every event to JetStream (kommuna.events.<municipality>.<type>).
  const nats = await natsBridgeFromEnv(process.env, tenants);
  const tasks = services.backgroundTasks({
    settings,
    eventHandlers: nats ? [nats] : [],
    onError: (error, context) => logger.event('warn', 'background work failed; will retry', { ...context, error: error.message }),
  });
  for (const task of tasks) task.start();

  const { server: health, stopping: healthStopping } = createHealthServer(database, { metricsToken: config.metricsToken });
  await new Promise<void>((resolve, reject) => {
    health.once('error', reject);
    health.listen(Number(healthPortSetting), config.host, () => resolve());
  });
  // The port actually bound (0 picks a free one); a wildcard address is reached on loopback.
  const healthPort = (health.address() as AddressInfo).port;
  const healthHost =
    config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.event('info', 'worker stopping', { signal });
    healthStopping();
    health.close();
    // Each task ends or hands back the work in hand (a round finishes its claim, a drain stops
    // after it), then the connections close: claimed work is committed or rolled back, never half-done.
    const clean = await stopInStages(
      [
        tasks,
        nats ? [{ name: 'nats', stop: () => nats.close() }] : [],
        [{ name: 'database', stop: () => database.close() }],
        [{ name: 'tracing', stop: async () => await tracing?.shutdown() }],
      ],
      {
        report: ({ waitingFor, elapsedMs }) => logger.event('info', 'worker still stopping', { signal, waitingFor, elapsedMs }),
        failed: (name, error) => logger.event('error', 'could not stop cleanly', { signal, part: name, error: error.message }),
      },
    );
    logger.event('info', 'worker stopped', { signal, clean });
    process.exit(clean ? 0 : 1);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // The handlers are on before the ready line: a supervisor (or a test) may signal as soon as it reads it.
  logger.event('info', 'Kommuna worker ready', {
    tasks: tasks.map((t) => t.name),
    nats: nats ? 'connected' : 'off',
    tenants: tenants.all().length,
    healthPort,
    health: `http://${healthHost}:${healthPort}/health/ready`,
  });
}

main().catch((error: Error) => {
  process.stderr.write(`Kommuna worker could not start:\n${error.message}\n`);
  process.exit(1);
});
