import type { JsonLogger } from '@kommuna/platform-logging';
import type { PlatformRuntime } from './platform-runtime';

/**
 * On the embedded database only this process can open the PGlite folder, so the api does the
 * worker's job itself: the same background tasks apps/worker runs (the outbox over every service's
 * handlers, digital-mail deliveries, the retention purges), from the same composed services.
 * With a PostgreSQL server, apps/worker does it (any number of replicas) and this returns undefined.
 */
export function startEmbeddedWorker(runtime: PlatformRuntime, logger: JsonLogger): { stop(): Promise<void> } | undefined {
  if (runtime.config.database.kind !== 'pglite') return undefined;
  const tasks = runtime.services.backgroundTasks({
    onError: (error, context) => logger.event('warn', 'background work failed; will retry', { ...context, error: error.message }),
  });
  for (const task of tasks) task.start();
  return {
    stop: async () => {
      await Promise.all(tasks.map((task) => task.stop()));
    },
  };
}
