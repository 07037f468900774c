import { DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS } from '@kommuna/platform-events';
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
 * KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS (days the webhook event log keeps an event, the replay window) and
 * KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS (days a finished delivery is kept, at least the replay window), checked.
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
  const webhookEventRetentionDays = read('KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS', 1, 'days');
  const webhookDeliveryRetentionDays = read('KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS', 1, 'days');
  // A replay sends an event a subscription had under its delivery's webhook-id: the delivery must outlive the event in the log.
  const replayWindow = webhookEventRetentionDays ?? DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS;
  if (webhookDeliveryRetentionDays !== undefined && webhookDeliveryRetentionDays < replayWindow)
    throw new Error(
      `KOMMUNA_WEBHOOK_DELIVERY_RETENTION_DAYS (${webhookDeliveryRetentionDays}) may not be shorter than the webhook event log's retention, ` +
        `KOMMUNA_WEBHOOK_EVENT_RETENTION_DAYS (${replayWindow} days): a replay would send events again under new webhook-ids`,
    );
  return {
    deliveryLeaseMs: read('KOMMUNA_DELIVERY_LEASE_MS', 1000),
    deliveryIntervalMs: read('KOMMUNA_DELIVERY_INTERVAL_MS', 10),
    retentionIntervalMs: read('KOMMUNA_RETENTION_INTERVAL_MS', 1000),
    outboxRetentionDays: read('KOMMUNA_OUTBOX_RETENTION_DAYS', 1, 'days'),
    webhookEventRetentionDays,
    webhookDeliveryRetentionDays,
  };
}
