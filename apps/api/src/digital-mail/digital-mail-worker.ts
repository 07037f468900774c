import { digitalMailBackgroundTasks } from '@kommuna/digital-mail';
import type { Database, TenantDirectory } from '@kommuna/platform-persistence';
import type { JsonLogger } from '@kommuna/platform-logging';

/**
 * Digital mail's background work inside the api, for the embedded database only (one process
 * holds the PGlite folder, as with the outbox); on a PostgreSQL server apps/worker runs it.
 */
export function startDigitalMailWorker(database: Database, tenants: TenantDirectory, logger: JsonLogger): { stop(): Promise<void> } {
  const tasks = digitalMailBackgroundTasks(database, tenants, {
    onError: (error, context) => logger.event('warn', 'digital-mail step failed; will retry', { tenantId: context.tenantId, step: context.step, error: error.message }),
  });
  for (const task of tasks) task.start();
  return { stop: async () => void (await Promise.all(tasks.map((t) => t.stop()))) };
}
