import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { requestContext } from '@kommuna/platform-tenancy';

/** A domain event as a service states it; the outbox adds id, tenant and time (CloudEvents-shaped). */
export interface DomainEvent<TData = Record<string, unknown>> {
  /** CloudEvents `type`, e.g. se.kommuna.eforms.submission.received */
  type: string;
  /** CloudEvents `source`: the emitting service, e.g. /e-forms */
  source: string;
  /** CloudEvents `subject`: what the event is about (an id, never an identity number). */
  subject?: string;
  data: TData;
}

/**
 * Writes an event into the outbox inside the caller's transaction (transactional outbox,
 * docs/architecture.md#events-and-background-work): it is published if and only if the change that caused it commits.
 * Runs in the current tenant context; returns the event id.
 */
export async function recordEvent<TData>(em: EntityManager, event: DomainEvent<TData>): Promise<string> {
  const tenantId = requestContext.tenantId();
  const [row] = await em.query(
    `INSERT INTO outbox_event (tenant_id, type, source, subject, data) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [tenantId, event.type, event.source, event.subject ?? null, JSON.stringify(event.data)],
  );
  return row.id;
}

/**
 * Writes many events into the outbox in one statement inside the caller's transaction (a bulk
 * step would otherwise pay a round trip per event). Same guarantees as recordEvent; returns the
 * event ids in the order given (they are made here, so the order is certain).
 */
export async function recordEvents<TData>(em: EntityManager, events: ReadonlyArray<DomainEvent<TData>>): Promise<string[]> {
  const tenantId = requestContext.tenantId();
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  await em.query(
    `INSERT INTO outbox_event (tenant_id, id, type, source, subject, data)
     SELECT $1::uuid, e.id, e.type, e.source, e.subject, e.data::jsonb
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS e(id, type, source, subject, data)`,
    [
      tenantId,
      ids,
      events.map((e) => e.type),
      events.map((e) => e.source),
      events.map((e) => e.subject ?? null),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
  return ids;
}
