import type { JsonLogger } from '@kommuna/platform-logging';
import { natsBridgeFromEnv } from '@kommuna/services';
import type { PlatformRuntime } from './platform-runtime';

/**
 * On the embedded database only this process can open the PGlite folder, so the api does the
 * worker's job itself: the same background tasks apps/worker runs (the outbox over every service's
 * handlers, digital-mail deliveries, the retention purges), from the same composed services.
 * With NATS_URL set, the outbox publishes to NATS JetStream here too, as the worker's does.
 * With a PostgreSQL server, apps/worker does it (any number of replicas) and this returns undefined.
 */
export async function startEmbeddedWorker(
  runtime: PlatformRuntime,
  logger: JsonLogger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (runtime.config.database.kind !== 'pglite') return undefined;
  const nats = await natsBridgeFromEnv(env, runtime.tenants);
  const tasks = runtime.services.backgroundTasks({
    eventHandlers: nats ? [nats] : [],
    onError: (error, context) => logger.event('warn', 'background work failed; will retry', { ...context, error: error.message }),
  });
  for (const task of tasks) task.start();
  return {
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
      await nats?.close();
    },
  };
}
