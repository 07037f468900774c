import { OutboxDispatcher } from '@kommuna/platform-events';
import type { JsonLogger } from '@kommuna/platform-logging';
import { serviceEventHandlers } from './event-handlers';
import type { PlatformRuntime } from './platform-runtime';

/**
 * On the embedded database only this process can open the PGlite folder, so the api publishes
 * the outbox itself. With a PostgreSQL server, apps/worker does it (any number of replicas).
 */
export function startEmbeddedWorker(runtime: PlatformRuntime, logger: JsonLogger): { stop(): Promise<void> } | undefined {
  if (runtime.config.database.kind !== 'pglite') return undefined;
  const dispatcher = new OutboxDispatcher(runtime.database, serviceEventHandlers(runtime), {
    onError: (error, failed) =>
      logger.event('warn', 'outbox event not delivered; will retry', {
        eventId: failed?.event.id,
        eventType: failed?.event.type,
        handler: failed?.handler,
        error: error.message,
      }),
  });
  dispatcher.start(200);
  return dispatcher;
}
