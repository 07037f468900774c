import type { EntityManager } from 'typeorm';
import { OutboxEventEntity, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { EVENT_CONTRACTS, eventContractOf } from '@kommuna/shared-service-contracts';
import { structuredOutboxEvent } from '../cloud-event';
import { UnknownEventTenantError } from '../nats-bridge';
import type { EventHandler, OutboxEvent } from '../outbox-dispatcher';
import { WebhookEventEntity } from './entities';

/** One event as every subscription to it is sent it: the structured-mode CloudEvent, built once. */
interface Envelope {
  id: string;
  cloudEventType: string;
  time: Date;
  body: string;
}

function envelope(event: OutboxEvent, slug: string): Envelope {
  const { cloudEventType, body } = structuredOutboxEvent(event, slug);
  return { id: event.id, cloudEventType, time: event.occurredAt, body };
}

/**
 * The outbox's consumer for webhooks: each event is kept in the webhook event log (webhook_event,
 * for replays) and becomes one queued delivery per active subscription of its municipality that
 * names its type, in one statement in the outbox's transaction and under row-level security (a
 * subscription only ever gets its own municipality's events). Idempotent: an event delivered by
 * the outbox again is logged once and queued once per subscription (unique event id).
 */
export class WebhookFanOut implements EventHandler {
  readonly name = 'webhooks';
  readonly types = EVENT_CONTRACTS.map((contract) => contract.type);

  constructor(private readonly slugOf: (tenantId: string) => string | undefined) {}

  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    await this.handleBatch([event], em);
  }

  async handleBatch(events: OutboxEvent[], em: EntityManager): Promise<void> {
    const tenantId = events[0]?.tenantId;
    if (!tenantId) return;
    const slug = this.slugOf(tenantId);
    if (!slug) throw new UnknownEventTenantError(tenantId);
    await insertDeliveries(
      em,
      tenantId,
      events.map((event) => envelope(event, slug)),
      { conflict: 'keep', log: true },
    );
  }
}

/** The webhook event log's columns a replay sends. */
const LOGGED_COLUMNS = ['id', 'eventType', 'eventTime', 'body'] as const;
/** An outbox event's columns, for one published before the event log existed. */
const OLDER_COLUMNS = ['id', 'type', 'source', 'subject', 'data', 'occurredAt'] as const;

/**
 * Queues again every published event of a subscription's types that occurred in [from, to):
 * one it had keeps its delivery (and so its webhook-id) and is sent again from the start of the
 * retry schedule; one it never had is queued new. The events come from the webhook event log,
 * which keeps them for its own retention; events published before the log existed are still
 * found in the outbox while it keeps them. Returns how many deliveries were queued.
 */
export async function enqueueForSubscription(
  em: EntityManager,
  tenantId: string,
  slug: string,
  subscriptionId: string,
  cloudEventTypes: readonly string[],
  from: Date,
  to: Date,
): Promise<number> {
  const logged = rowsOf(
    em,
    WebhookEventEntity,
    await em.query(
      `SELECT ${selectColumns(em, WebhookEventEntity, { only: LOGGED_COLUMNS })} FROM webhook_event
        WHERE tenant_id = $1 AND event_type = ANY($2::text[]) AND event_time >= $3 AND event_time < $4
        ORDER BY event_time, id`,
      [tenantId, cloudEventTypes, from, to],
    ),
    LOGGED_COLUMNS,
  );
  const envelopes: Envelope[] = logged.map((row) => ({ id: row.id, cloudEventType: row.eventType, time: row.eventTime, body: row.body }));
  const types = EVENT_CONTRACTS.filter((contract) => cloudEventTypes.includes(contract.cloudEventType)).map((contract) => contract.type);
  const older = rowsOf(
    em,
    OutboxEventEntity,
    await em.query(
      `SELECT ${selectColumns(em, OutboxEventEntity, { alias: 'o', only: OLDER_COLUMNS })} FROM outbox_event o
        WHERE o.tenant_id = $1 AND o.type = ANY($2::text[]) AND o.published_at IS NOT NULL AND o.occurred_at >= $3 AND o.occurred_at < $4
          AND NOT EXISTS (SELECT 1 FROM webhook_event w WHERE w.tenant_id = o.tenant_id AND w.id = o.id)
        ORDER BY o.occurred_at, o.id`,
      [tenantId, types, from, to],
    ),
    OLDER_COLUMNS,
  );
  for (const row of older.filter((row) => eventContractOf(row.type))) envelopes.push(envelope({ ...row, tenantId, attempts: 0 }, slug));
  return insertDeliveries(em, tenantId, envelopes, { conflict: 'resend', subscriptionId });
}

async function insertDeliveries(
  em: EntityManager,
  tenantId: string,
  envelopes: Envelope[],
  options: { conflict: 'keep' | 'resend'; subscriptionId?: string; log?: boolean },
): Promise<number> {
  if (envelopes.length === 0) return 0;
  // With `log`, the events go into the event log in the same statement (a data-modifying WITH runs whatever the rest returns).
  const log = options.log
    ? `logged AS (
         INSERT INTO webhook_event (tenant_id, id, event_type, event_time, body)
         SELECT $1::uuid, e.id, e.type, e.time, e.body FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) AS e(id, type, time, body)
         ON CONFLICT DO NOTHING),
       `
    : '';
  // Counted in the database: the rows themselves are not needed here.
  const [{ queued }]: Array<{ queued: number }> = await em.query(
    `WITH ${log}queued AS (INSERT INTO webhook_delivery (tenant_id, subscription_id, event_id, event_type, event_time, body)
     SELECT $1::uuid, s.id, e.id, e.type, e.time, e.body
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) AS e(id, type, time, body)
       JOIN webhook_subscription s ON s.tenant_id = $1 AND s.status = 'ACTIVE' AND e.type = ANY(s.event_types) AND ($6::uuid IS NULL OR s.id = $6)
     ON CONFLICT ON CONSTRAINT "UQ_webhook_delivery_event" DO ${
       options.conflict === 'keep'
         ? 'NOTHING'
         : `UPDATE SET status = 'PENDING', attempts = 0, next_attempt_at = now(), claim_id = NULL, delivered_at = NULL`
     }
     RETURNING 1)
     SELECT count(*)::int AS queued FROM queued`,
    [
      tenantId,
      envelopes.map((e) => e.id),
      envelopes.map((e) => e.cloudEventType),
      envelopes.map((e) => e.time),
      envelopes.map((e) => e.body),
      options.subscriptionId ?? null,
    ],
  );
  return queued;
}
