import { CloudEvent, HTTP } from 'cloudevents';
import { eventContractOf, KommunaError } from '@kommuna/shared-service-contracts';
import type { OutboxEvent } from './outbox-dispatcher';

/**
 * The CloudEvents extension attribute naming the municipality an event belongs to (its tenant
 * slug, e.g. sundsvall). Extension names are lowercase letters and digits only (CloudEvents 1.0).
 */
export const TENANT_EXTENSION = 'kommunatenant';

/** What every Kommuna event carries in `data`. */
export const CLOUD_EVENT_DATA_CONTENT_TYPE = 'application/json';

/** An outbox event that cannot leave Kommuna as a CloudEvent (a type without a published contract). */
export class UnpublishedEventTypeError extends KommunaError {
  readonly code = 'UNPUBLISHED_EVENT_TYPE';
  // A fault of the platform's own events, met in the worker: never the caller's to act on.
  readonly status = 500;
  override readonly exposeMessage = false;
  constructor(type: string) {
    super(
      `Event type ${type} has no published contract (libs/shared/service-contracts event-schemas.ts): it cannot be sent outside Kommuna`,
    );
  }
}

/**
 * The one mapping from an outbox row to a CloudEvent 1.0: id and subject as stored, source the
 * emitting service (a URI reference such as /e-forms), type versioned from the event's contract
 * (se.kommuna.eforms.submission.received.v1), time when the change committed, data as JSON, and
 * the municipality's slug as the `kommunatenant` extension. The SDK checks the result (strict).
 */
export function toCloudEvent(event: OutboxEvent, tenantSlug: string): CloudEvent<unknown> {
  const contract = eventContractOf(event.type);
  if (!contract) throw new UnpublishedEventTypeError(event.type);
  return new CloudEvent<unknown>(
    {
      specversion: '1.0',
      id: event.id,
      source: event.source,
      type: contract.cloudEventType,
      time: event.occurredAt.toISOString(),
      ...(event.subject ? { subject: event.subject } : {}),
      datacontenttype: CLOUD_EVENT_DATA_CONTENT_TYPE,
      data: event.data as unknown,
      [TENANT_EXTENSION]: tenantSlug,
    },
    true,
  );
}

/** A CloudEvent as an HTTP (or NATS) message: `ce-*` headers and the data as body (binary mode). */
export function binaryMessage(event: CloudEvent<unknown>): { headers: Record<string, string>; body: string } {
  const message = HTTP.binary(event);
  return { headers: stringHeaders(message.headers), body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}

/** A CloudEvent as one JSON document with content type application/cloudevents+json (structured mode). */
export function structuredMessage(event: CloudEvent<unknown>): { headers: Record<string, string>; body: string } {
  const message = HTTP.structured(event);
  return { headers: stringHeaders(message.headers), body: typeof message.body === 'string' ? message.body : JSON.stringify(message.body) };
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
}
