import { AUDIT_DATABASE_SCHEMA } from '@kommuna/platform-audit';
import { CATALOGUE_DATABASE_SCHEMA, CatalogueMeteringHandler } from '@kommuna/catalogue';
import { CaseNotificationHandler, DeliveryMetricsHandler, DIGITAL_MAIL_DATABASE_SCHEMA, digitalMailBackgroundTasks } from '@kommuna/digital-mail';
import { E_FORMS_DATABASE_SCHEMA, eFormsBackgroundTasks } from '@kommuna/e-forms';
import { Minasidor, MINASIDOR_DATABASE_SCHEMA } from '@kommuna/minasidor';
import { OutboxDispatcher, OutboxEvent } from '@kommuna/platform-events';
import { Database, DatabaseSchema, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';

/**
 * The worker's composition: every service's tables and background work. The api composes the
 * same services for its requests (apps/api/src/database-schema.ts, event-handlers.ts and, on the
 * embedded database, embedded-worker.ts): a service added there is added here too.
 */
const SCHEMAS = [PLATFORM_DATABASE_SCHEMA, AUDIT_DATABASE_SCHEMA, E_FORMS_DATABASE_SCHEMA, MINASIDOR_DATABASE_SCHEMA, DIGITAL_MAIL_DATABASE_SCHEMA, CATALOGUE_DATABASE_SCHEMA];
export const WORKER_DATABASE_SCHEMA: DatabaseSchema = {
  entities: SCHEMAS.flatMap((s) => s.entities as []),
  migrations: SCHEMAS.flatMap((s) => s.migrations),
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

export interface WorkerErrors {
  onError?: (error: Error, context: { eventId?: string; handler?: string; step?: string; tenantId?: string }) => void;
}

/** Tuning from the environment; defaults suit production. Tests shorten the lease and intervals. */
export interface WorkerSettings {
  /** KOMMUNA_DELIVERY_LEASE_MS: how long a claimed delivery is held before another replica may take it over. */
  deliveryLeaseMs?: number;
  /** KOMMUNA_DELIVERY_INTERVAL_MS: pause between delivery rounds when nothing is due. */
  deliveryIntervalMs?: number;
  /** KOMMUNA_RETENTION_INTERVAL_MS: how often the retention purges run (hourly by default). */
  retentionIntervalMs?: number;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const read = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of milliseconds, at least ${min} (got "${raw}")`);
    return value;
  };
  return {
    deliveryLeaseMs: read('KOMMUNA_DELIVERY_LEASE_MS', 1000),
    deliveryIntervalMs: read('KOMMUNA_DELIVERY_INTERVAL_MS', 10),
    retentionIntervalMs: read('KOMMUNA_RETENTION_INTERVAL_MS', 1000),
  };
}

export function backgroundTasks(runtime: WorkerRuntime, options: WorkerErrors & { settings?: WorkerSettings } = {}): BackgroundTask[] {
  const settings = options.settings ?? {};
  const handlers = [
    ...new Minasidor(runtime.database, runtime.tenants).eventHandlers(),
    new CaseNotificationHandler(runtime.tenants),
    new DeliveryMetricsHandler(),
    new CatalogueMeteringHandler(),
  ];
  const outbox = new OutboxDispatcher(runtime.database, handlers, {
    onError: (error, failed?: { event: OutboxEvent; handler: string }) => options.onError?.(error, { eventId: failed?.event.id, handler: failed?.handler }),
  });
  return [
    { name: 'outbox', start: () => outbox.start(200), stop: () => outbox.stop() },
    ...digitalMailBackgroundTasks(runtime.database, runtime.tenants, {
      onError: (error, context) => options.onError?.(error, context),
      leaseMs: settings.deliveryLeaseMs,
      deliveryIntervalMs: settings.deliveryIntervalMs,
      purgeIntervalMs: settings.retentionIntervalMs,
    }),
    ...eFormsBackgroundTasks(runtime.database, runtime.tenants, {
      intervalMs: settings.retentionIntervalMs,
      onError: (error, context) => options.onError?.(error, context),
    }),
  ];
}
