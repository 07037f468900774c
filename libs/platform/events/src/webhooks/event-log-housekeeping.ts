import { FairTenantRounds, inChunks, PeriodicTask, returnedRows } from '@kommuna/platform-jobs';
import { Database } from '@kommuna/platform-persistence';

/**
 * How long the webhook event log keeps an event by default: how far back a replay reaches. A
 * quarter, well past the outbox's week and the deliveries' day of retries, so a receiver that was
 * wrong or away for weeks can be given the events again.
 */
export const DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS = 90;

export interface WebhookEventLogHousekeepingOptions {
  /** Logged events older than this (by when they occurred) are deleted. */
  retentionDays?: number;
  /** Events deleted per statement and transaction. */
  chunkSize?: number;
  now?: () => Date;
}

/**
 * Removes events from the webhook event log (webhook_event) once their retention has passed, per
 * municipality in its tenant context, chunk by chunk (each its own short transaction), as the
 * outbox's housekeeping does. Deliveries keep their own copy of what they sent, so the delivery
 * log is not touched.
 */
export class WebhookEventLogHousekeeping {
  readonly retentionDays: number;
  private readonly chunkSize: number;
  private readonly now: () => Date;
  private readonly rounds = new FairTenantRounds({ label: 'webhook-event-log-housekeeping' });

  constructor(
    private readonly database: Database,
    /** The municipalities to look at (the tenant directory's). */
    private readonly tenantIds: () => readonly string[],
    options: WebhookEventLogHousekeepingOptions = {},
  ) {
    this.retentionDays = options.retentionDays ?? DEFAULT_WEBHOOK_EVENT_RETENTION_DAYS;
    if (!(this.retentionDays > 0)) throw new Error(`The webhook event retention must be more than 0 days (got ${this.retentionDays})`);
    this.chunkSize = options.chunkSize ?? 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** One pass over every municipality; how many logged events were deleted. */
  async purgeOnce(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - this.retentionDays * 86_400_000);
    const purged = await this.rounds.run(this.tenantIds(), (tenantId) =>
      inChunks(this.chunkSize, () =>
        this.database.transaction(
          async (em) =>
            returnedRows(
              await em.query(
                // The chunk in a MATERIALIZED CTE, chosen once (as LeaseQueue's claim): as
                // `id IN (SELECT … LIMIT …)` the planner may rescan it and delete more than a chunk.
                `WITH old AS MATERIALIZED (
                   SELECT id FROM webhook_event WHERE tenant_id = $1 AND event_time < $2
                    ORDER BY event_time LIMIT $3 FOR UPDATE SKIP LOCKED)
                 DELETE FROM webhook_event w USING old WHERE w.tenant_id = $1 AND w.id = old.id
                 RETURNING w.id`,
                [tenantId, cutoff, this.chunkSize],
              ),
            ).length,
        ),
      ),
    );
    return purged.reduce((sum, n) => sum + n, 0);
  }

  /** Housekeeping as a background task: at start, then every `intervalMs` (hourly by default). */
  task(options: { intervalMs?: number; onError?: (error: Error) => void } = {}): PeriodicTask {
    return new PeriodicTask({
      name: 'webhook-event-log-housekeeping',
      intervalMs: options.intervalMs ?? 3_600_000,
      run: async () => void (await this.purgeOnce()),
      onError: options.onError,
    });
  }
}
