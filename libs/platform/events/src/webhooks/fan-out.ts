import type { EntityManager } from 'typeorm';
import { EVENT_CONTRACTS, eventContractOf } from '@kommuna/shared-service-contracts';
import { structuredMessage, toCloudEvent } from '../cloud-event';
import { UnknownEventTenantError } from '../nats-bridge';
import type { EventHandler, OutboxEvent } from '../outbox-dispatcher';

/** One event as every subscription to it is sent it: the structured-mode CloudEvent, built once. */
interface Envelope {
  id: string;
  cloudEventType: string;
  time: Date;
  body: string;
}

function envelope(event: OutboxEvent, slug: string): Envelope {
  const cloudEvent = toCloudEvent(event, slug);
  return { id: event.id, cloudEventType: cloudEvent.type, time: event.occurredAt, body: structuredMessage(cloudEvent).body };
}

/**
 * The outbox's consumer for webhooks: each event becomes one queued delivery per active
 * subscription of its municipality that names its type, in the outbox's transaction and under
 * row-level security (a subscription only ever gets its own municipality's events). Idempotent:
 * an event delivered by the outbox again is queued once per subscription (unique event id).
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
      { conflict: 'keep' },
    );
  }
}

/**
 * Queues again every published event of a subscription's types that occurred in [from, to):
 * one it had keeps its delivery (and so its webhook-id) and is sent again from the start of the
 * retry schedule; one it never had is queued new. Returns how many deliveries were queued.
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
  const types = EVENT_CONTRACTS.filter((contract) => cloudEventTypes.includes(contract.cloudEventType)).map((contract) => contract.type);
  const rows: Array<{ id: string; type: string; source: string; subject: string | null; data: unknown; occurred_at: Date }> =
    await em.query(
      `SELECT id, type, source, subject, data, occurred_at FROM outbox_event
      WHERE tenant_id = $1 AND type = ANY($2::text[]) AND published_at IS NOT NULL AND occurred_at >= $3 AND occurred_at < $4
      ORDER BY occurred_at, id`,
      [tenantId, types, from, to],
    );
  const envelopes = rows
    .filter((row) => eventContractOf(row.type))
    .map((row) =>
      envelope(
        {
          id: row.id,
          tenantId,
          type: row.type,
          source: row.source,
          subject: row.subject,
          data: row.data,
          occurredAt: new Date(row.occurred_at),
          attempts: 0,
        },
        slug,
      ),
    );
  return insertDeliveries(em, tenantId, envelopes, { conflict: 'resend', subscriptionId });
}

async function insertDeliveries(
  em: EntityManager,
  tenantId: string,
  envelopes: Envelope[],
  options: { conflict: 'keep' | 'resend'; subscriptionId?: string },
): Promise<number> {
  if (envelopes.length === 0) return 0;
  const rows: unknown[] = await em.query(
    `INSERT INTO webhook_delivery (tenant_id, subscription_id, event_id, event_type, event_time, body)
     SELECT $1::uuid, s.id, e.id, e.type, e.time, e.body
       FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) AS e(id, type, time, body)
       JOIN webhook_subscription s ON s.tenant_id = $1 AND s.status = 'ACTIVE' AND e.type = ANY(s.event_types) AND ($6::uuid IS NULL OR s.id = $6)
     ON CONFLICT ON CONSTRAINT "UQ_webhook_delivery_event" DO ${
       options.conflict === 'keep'
         ? 'NOTHING'
         : `UPDATE SET status = 'PENDING', attempts = 0, next_attempt_at = now(), claim_id = NULL, delivered_at = NULL`
     }
     RETURNING id`,
    [
      tenantId,
      envelopes.map((e) => e.id),
      envelopes.map((e) => e.cloudEventType),
      envelopes.map((e) => e.time),
      envelopes.map((e) => e.body),
      options.subscriptionId ?? null,
    ],
  );
  return rows.length;
}
