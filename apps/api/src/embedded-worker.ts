import { digitalMailBackgroundTasks } from '@kommuna/digital-mail';
import { eFormsBackgroundTasks } from '@kommuna/e-forms';
import { OutboxDispatcher } from '@kommuna/platform-events';
import type { JsonLogger } from '@kommuna/platform-logging';
import { serviceEventHandlers } from './event-handlers';
import type { PlatformRuntime } from './platform-runtime';

/**
 * On the embedded database only this process can open the PGlite folder, so the api does the
 * worker's job itself: publishing the outbox, delivering digital mail and the retention purges.
 * With a PostgreSQL server, apps/worker does it (any number of replicas) and this returns undefined.
 */
export function startEmbeddedWorker(runtime: PlatformRuntime, logger: JsonLogger): { stop(): Promise<void> } | undefined {
  if (runtime.config.database.kind !== 'pglite') return undefined;
  const outbox = new OutboxDispatcher(runtime.database, serviceEventHandlers(runtime), {
    onError: (error, failed) =>
      logger.event('warn', 'outbox event not delivered; will retry', {
        eventId: failed?.event.id,
        eventType: failed?.event.type,
        handler: failed?.handler,
        error: error.message,
      }),
  });
  const mail = digitalMailBackgroundTasks(runtime.database, runtime.tenants, {
    onError: (error, context) => logger.event('warn', 'digital-mail step failed; will retry', { tenantId: context.tenantId, step: context.step, error: error.message }),
  });
  const forms = eFormsBackgroundTasks(runtime.database, runtime.tenants, {
    onError: (error, context) => logger.event('warn', 'e-forms retention failed; will retry', { tenantId: context.tenantId, step: context.step, error: error.message }),
  });
  const tasks = [...mail, ...forms];
  outbox.start(200);
  for (const task of tasks) task.start();
  return {
    stop: async () => {
      await Promise.all([outbox.stop(), ...tasks.map((task) => task.stop())]);
    },
  };
}
