import type { BackgroundTaskSettings } from '@kommuna/platform-services';
import { SERVICES_DATABASE_SCHEMA } from '@kommuna/services';

/**
 * The worker opens the database with every table the platform and its services have: the same
 * schema the api migrates (@kommuna/services), so a pending migration stops the worker.
 */
export const WORKER_DATABASE_SCHEMA = SERVICES_DATABASE_SCHEMA;

/** Tuning from the environment; defaults suit production. Tests shorten the lease and intervals. */
export type WorkerSettings = BackgroundTaskSettings;

/**
 * KOMMUNA_DELIVERY_LEASE_MS, KOMMUNA_DELIVERY_INTERVAL_MS, KOMMUNA_RETENTION_INTERVAL_MS (milliseconds)
 * KOMMUNA_OUTBOX_RETENTION_DAYS (days a published outbox event is kept) and
 * KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS (days the webhook event log keeps an event, the replay window), checked.
 */
export function workerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const read = (name: string, min: number, unit = 'milliseconds'): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`${name} must be a whole number of ${unit}, at least ${min} (got "${raw}")`);
    return value;
  };
  return {
    deliveryLeaseMs: read('KOMMUNA_DELIVERY_LEASE_MS', 1000),
    deliveryIntervalMs: read('KOMMUNA_DELIVERY_INTERVAL_MS', 10),
    retentionIntervalMs: read('KOMMUNA_RETENTION_INTERVAL_MS', 1000),
    outboxRetentionDays: read('KOMMUNA_OUTBOX_RETENTION_DAYS', 1, 'days'),
    webhookEventRetentionDays: read('KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS', 1, 'days'),
  };
}
