import type { EntityManager } from 'typeorm';
import { OutboxEventEntity, RawRow, rowsOf, selectColumns } from '@kommuna/platform-persistence';
import { EVENT_CONTRACTS, eventContractOf } from '@kommuna/shared-service-contracts';
import { structuredOutboxEvent } from '../cloud-event';
import { UnknownEventTenantError } from '../nats-bridge';
import type { AfterTransaction, EventHandler, OutboxEvent } from '../outbox-dispatcher';
import type { HandOverRoom, WebhookDeliveryWorker } from './delivery-worker';
import { WebhookDeliveryEntity, WebhookEventEntity } from './entities';

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
 *
 * Given the delivery worker running in the same process (`handOverTo`), a batch's deliveries to
 * subscriptions whose lanes have room are not queued but handed to it once the outbox's
 * transaction has committed: they are written already held (claim_id, with a webhook_hand_over
 * lease in the same statement), so no claim writes them again, and the worker has their bodies.
 * The rest are queued as without it. Should the process die before they are recorded, the lease
 * runs out and any worker puts them back in the queue under the same webhook-ids.
 */
export class WebhookFanOut implements EventHandler {
  readonly name = 'webhooks';
  readonly types = EVENT_CONTRACTS.map((contract) => contract.type);

  constructor(
    private readonly slugOf: (tenantId: string) => string | undefined,
    private readonly handOverTo?: WebhookDeliveryWorker,
  ) {}

  /** One event (the outbox's rerun after a failure): queued, never handed over, since nothing runs after its savepoint commits. */
  async handle(event: OutboxEvent, em: EntityManager): Promise<void> {
    const tenantId = event.tenantId;
    const slug = this.slugOf(tenantId);
    if (!slug) throw new UnknownEventTenantError(tenantId);
    await insertDeliveries(em, tenantId, [envelope(event, slug)], { conflict: 'keep', log: true });
  }

  async handleBatch(events: OutboxEvent[], em: EntityManager): Promise<void | AfterTransaction> {
    const tenantId = events[0]?.tenantId;
    if (!tenantId) return;
    const slug = this.slugOf(tenantId);
    if (!slug) throw new UnknownEventTenantError(tenantId);
    const envelopes = events.map((event) => envelope(event, slug));
    const worker = this.handOverTo;
    const room = worker?.handOverRoom();
    if (!worker || !room) {
      await insertDeliveries(em, tenantId, envelopes, { conflict: 'keep', log: true });
      return;
    }
    const { handed } = await insertDeliveries(em, tenantId, envelopes, { conflict: 'keep', log: true, handOver: room });
    if (handed.length === 0) return;
    const bodies = new Map(envelopes.map((e) => [e.id, e.body]));
    return (committed) => {
      if (committed)
        worker.takeHandOver(
          tenantId,
          room.leaseId,
          handed.map((row) => ({ id: row.id, subscriptionId: row.subscriptionId, attempts: 0, body: bodies.get(row.eventId) ?? '' })),
        );
    };
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
  // Older events go into the event log too: a delivery's body is read from there.
  return (await insertDeliveries(em, tenantId, envelopes, { conflict: 'resend', subscriptionId, log: true })).queued;
}

/** A delivery written already held by a hand-over: its columns the worker needs. */
const HANDED_COLUMNS = ['id', 'subscriptionId', 'eventId'] as const;
type HandedRow = Pick<WebhookDeliveryEntity, (typeof HANDED_COLUMNS)[number]>;

/**
 * Logs the events (with `log`) and queues one delivery per matching active subscription, in one
 * statement. With `handOver`, the first deliveries of each subscription, as many as its lane has
 * room for (`handOver.rooms`, else `handOver.unknownRoom`) and `handOver.total` in all, are
 * written held by the hand-over's lease instead of due, the lease row with them; those are returned.
 */
async function insertDeliveries(
  em: EntityManager,
  tenantId: string,
  envelopes: Envelope[],
  options: { conflict: 'keep' | 'resend'; subscriptionId?: string; log?: boolean; handOver?: HandOverRoom },
): Promise<{ queued: number; handed: HandedRow[] }> {
  if (envelopes.length === 0) return { queued: 0, handed: [] };
  const handOver = options.handOver;
  const params: unknown[] = [
    tenantId,
    envelopes.map((e) => e.id),
    envelopes.map((e) => e.cloudEventType),
    envelopes.map((e) => e.time),
    envelopes.map((e) => e.body),
    options.subscriptionId ?? null,
  ];
  // With `log`, the events go into the event log in the same statement (a data-modifying WITH runs whatever the rest returns).
  const log = options.log
    ? `logged AS (
         INSERT INTO webhook_event (tenant_id, id, event_type, event_time, body)
         SELECT $1::uuid, e.id, e.type, e.time, e.body FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::text[]) AS e(id, type, time, body)
         ON CONFLICT DO NOTHING),
       `
    : '';
  // With a hand-over: a delivery is written held by its lease (claim_id) when its rank within its
  // subscription is within that lane's room and its rank in the batch within the total.
  let claim = 'NULL::uuid';
  let rooms = '';
  let lease = '';
  if (handOver) {
    params.push(
      handOver.leaseId,
      [...handOver.rooms.keys()],
      [...handOver.rooms.values()],
      handOver.unknownRoom,
      handOver.total,
      handOver.leaseUntil,
    );
    claim = `CASE WHEN m.in_lane <= coalesce(r.room, $10::int) AND m.in_all <= $11::int THEN $7::uuid END`;
    rooms = `LEFT JOIN unnest($8::uuid[], $9::int[]) AS r(subscription_id, room) ON r.subscription_id = m.subscription_id`;
    lease = `, lease AS (
         INSERT INTO webhook_hand_over (tenant_id, id, event_ids, lease_until)
         SELECT $1::uuid, $7::uuid, array_agg(DISTINCT q.event_id), $12::timestamptz FROM queued q WHERE q.claim_id IS NOT NULL
         HAVING count(*) > 0)`;
  }
  // A handed-over delivery has no next attempt: it is in no claim's reach, nor in the due index.
  const rows: RawRow[] = await em.query(
    `WITH ${log}matched AS (
       SELECT s.id AS subscription_id, e.id AS event_id, e.type, e.time,
              row_number() OVER (PARTITION BY s.id ORDER BY e.n) AS in_lane, row_number() OVER (ORDER BY e.n, s.id) AS in_all
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS e(id, type, time, n)
         JOIN webhook_subscription s ON s.tenant_id = $1 AND s.status = 'ACTIVE' AND e.type = ANY(s.event_types) AND ($6::uuid IS NULL OR s.id = $6)),
     queued AS (INSERT INTO webhook_delivery (tenant_id, subscription_id, event_id, event_type, event_time, next_attempt_at, claim_id)
       SELECT $1::uuid, m.subscription_id, m.event_id, m.type, m.time, CASE WHEN c.claim IS NULL THEN now() END, c.claim
         FROM matched m ${rooms} CROSS JOIN LATERAL (SELECT ${claim} AS claim) c
     ON CONFLICT ON CONSTRAINT "UQ_webhook_delivery_event" DO ${
       options.conflict === 'keep'
         ? 'NOTHING'
         : `UPDATE SET status = 'PENDING', attempts = 0, next_attempt_at = now(), claim_id = NULL, delivered_at = NULL`
     }
     RETURNING id, subscription_id, event_id, claim_id)${lease}
     SELECT (SELECT count(*)::int FROM queued) AS queued, q.id, q.subscription_id, q.event_id
       FROM (SELECT 1) one LEFT JOIN queued q ON q.claim_id IS NOT NULL`,
    params,
  );
  // One row when nothing was handed over (its id null), else one per handed delivery; each with the count.
  return {
    queued: Number(rows[0]?.queued ?? 0),
    handed: rowsOf(
      em,
      WebhookDeliveryEntity,
      rows.filter((row) => row.id !== null),
      HANDED_COLUMNS,
    ),
  };
}
