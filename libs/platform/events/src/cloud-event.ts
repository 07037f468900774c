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

/** The headers of every structured-mode message. */
const STRUCTURED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/cloudevents+json; charset=utf-8',
});

/** Sources, types and municipalities whose events the SDK has checked (strict) in this process. */
const checked = new Set<string>();

/**
 * An outbox event as a structured-mode message, the bytes `structuredMessage(toCloudEvent(…))`
 * gives, written directly: the SDK's strict check of a CloudEvent cost about 25 µs an event, most
 * of what the NATS bridge and the webhook fan-out spent per event. The SDK still checks the first
 * event of each source, type and municipality, the attributes that can fail its check (the id is a
 * uuid, the time a timestamp and the subject a non-empty string, as the outbox stores them).
 */
export function structuredOutboxEvent(
  event: OutboxEvent,
  tenantSlug: string,
): { cloudEventType: string; headers: Readonly<Record<string, string>>; body: string } {
  const contract = eventContractOf(event.type);
  if (!contract) throw new UnpublishedEventTypeError(event.type);
  const key = `${event.source}\n${event.type}\n${tenantSlug}`;
  if (!checked.has(key)) {
    toCloudEvent(event, tenantSlug);
    checked.add(key);
  }
  // The SDK's attribute order (its toJSON), so the bytes are the same as through it.
  const body = JSON.stringify({
    id: event.id,
    time: event.occurredAt.toISOString(),
    type: contract.cloudEventType,
    source: event.source,
    specversion: '1.0',
    datacontenttype: CLOUD_EVENT_DATA_CONTENT_TYPE,
    ...(event.subject ? { subject: event.subject } : {}),
    data: event.data,
    [TENANT_EXTENSION]: tenantSlug,
  });
  return { cloudEventType: contract.cloudEventType, headers: STRUCTURED_HEADERS, body };
}
