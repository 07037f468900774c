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
 * DESIGN.md §5): it is published if and only if the change that caused it commits.
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
