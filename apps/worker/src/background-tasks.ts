import { OutboxDispatcher, OutboxDispatcherOptions } from '@kommuna/platform-events';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';
import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';

/**
 * The worker's composition: every service's tables and background work. The api composes the
 * same services for its requests (apps/api/src/database-schema.ts, event-handlers.ts): a service
 * added there is added here too.
 */
export const WORKER_DATABASE_SCHEMA: DatabaseSchema = {
  entities: [...(PLATFORM_DATABASE_SCHEMA.entities as []), ...(AUDIT_DATABASE_SCHEMA.entities as [])],
  migrations: [...PLATFORM_DATABASE_SCHEMA.migrations, ...AUDIT_DATABASE_SCHEMA.migrations],
};

export interface WorkerRuntime {
  database: Database;
  tenants: TenantDirectory;
}

/** A loop the worker runs until shutdown. */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

export function backgroundTasks(runtime: WorkerRuntime, options: Pick<OutboxDispatcherOptions, 'onError'> = {}): BackgroundTask[] {
  const outbox = new OutboxDispatcher(runtime.database, [], options);
  return [{ name: 'outbox', start: () => outbox.start(200), stop: () => outbox.stop() }];
}
