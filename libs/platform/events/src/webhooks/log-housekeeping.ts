import { Database } from '@kommuna/platform-persistence';
import { RetentionPurge, RetentionPurgeOptions } from '../outbox-housekeeping';

/**
 * How long the webhook event log keeps an event by default: how far back a replay reaches. A
 * quarter, well past the outbox's week and the deliveries' day of retries, so a receiver that was
 * wrong or away for weeks can be given the events again.
 */
export const DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS = 90;

/**
 * How long the delivery log keeps a finished delivery by default: as long as the event log keeps
 * its event. A replay sends an event the subscription had before under that delivery's id (the
 * webhook-id a receiver de-duplicates by), so a delivery must outlive its event in the log: were
 * it purged first, a replay would send the event again under a new webhook-id.
 */
export const DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS = DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS;

export type WebhookEventLogHousekeepingOptions = RetentionPurgeOptions;

/**
 * Removes events from the webhook event log (webhook_event) once their retention has passed, per
 * municipality in its tenant context, chunk by chunk, as the outbox's housekeeping does. An event
 * with a delivery still pending (retrying, or parked on a disabled subscription) stays, however
 * old: its body is read from here when it is sent.
 */
export class WebhookEventLogHousekeeping extends RetentionPurge {
  constructor(database: Database, tenantIds: () => readonly string[], options: WebhookEventLogHousekeepingOptions = {}) {
    super(
      database,
      tenantIds,
      {
        name: 'webhook-event-log-housekeeping',
        description: 'The webhook event retention',
        table: 'webhook_event',
        ageColumn: 'event_time',
        finished: `NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.tenant_id = webhook_event.tenant_id AND d.event_id = webhook_event.id AND d.status = 'PENDING')`,
        defaultRetentionDays: DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS,
      },
      options,
    );
  }
}

export interface WebhookDeliveryLogHousekeepingOptions extends RetentionPurgeOptions {
  /**
   * The event log's retention (the replay window; its default unless given): the delivery log's
   * may not be shorter, and is the same when not given.
   */
  eventRetentionDays?: number;
}

/**
 * Removes finished deliveries (DELIVERED, or FAILED after every attempt) from the delivery log
 * (webhook_delivery) once their event is older than the retention, per municipality in its tenant
 * context, chunk by chunk. Pending ones (due, retrying, or parked on a disabled subscription) are
 * never touched, however old. Aged by the event's time, as the event log is, so every event a
 * replay can still reach keeps its delivery and its webhook-id.
 */
export class WebhookDeliveryLogHousekeeping extends RetentionPurge {
  constructor(database: Database, tenantIds: () => readonly string[], options: WebhookDeliveryLogHousekeepingOptions = {}) {
    super(
      database,
      tenantIds,
      {
        name: 'webhook-delivery-log-housekeeping',
        description: 'The webhook delivery retention',
        table: 'webhook_delivery',
        ageColumn: 'event_time',
        finished: `status IN ('DELIVERED', 'FAILED')`,
        defaultRetentionDays: DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS,
      },
      // Unset, it follows the event log's, so a longer replay window needs no second setting.
      { ...options, retentionDays: options.retentionDays ?? options.eventRetentionDays },
    );
    const replayWindow = options.eventRetentionDays ?? DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS;
    if (this.retentionDays < replayWindow)
      throw new Error(
        `The webhook delivery retention (${this.retentionDays} days) may not be shorter than the webhook event log's (${replayWindow} days): ` +
          'a replay would send events the receiver had under a new webhook-id',
      );
  }
}
