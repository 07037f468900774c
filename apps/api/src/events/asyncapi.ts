import { EVENT_SUBJECT_PREFIX, INBOUND_SUBJECT_PREFIX, MAX_INBOUND_BATCH, TENANT_EXTENSION } from '@kommuna/platform-events';
import { EVENT_CONTRACTS, EventContract, INBOUND_EVENT_CONTRACTS, InboundEventContract } from '@kommuna/shared-service-contracts';

/** A schema as AsyncAPI's default schema format takes it: the JSON Schema without its own $schema and $id. */
function asAsyncApiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));
}

/** Message ids are AsyncAPI keys: the CloudEvents type with its dots and hyphens as underscores. */
const messageId = (contract: EventContract) => contract.cloudEventType.replace(/[.-]/g, '_');

/** An AsyncAPI message of one CloudEvents type in structured mode (application/cloudevents+json), out or in. */
function cloudEventMessage(
  cloudEventType: string,
  summary: string,
  required: string[],
  properties: Record<string, unknown>,
): Record<string, unknown> {
  return {
    name: cloudEventType,
    title: cloudEventType,
    summary,
    contentType: 'application/cloudevents+json',
    payload: { type: 'object', required, properties: { specversion: { const: '1.0' }, type: { const: cloudEventType }, ...properties } },
  };
}

/** One event type as a structured-mode CloudEvent (application/cloudevents+json). */
function message(contract: EventContract): Record<string, unknown> {
  return cloudEventMessage(
    contract.cloudEventType,
    contract.summary,
    ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data', TENANT_EXTENSION],
    {
      id: { type: 'string', format: 'uuid', description: 'Unique per source; the de-duplication key (NATS Nats-Msg-Id)' },
      source: { const: contract.source, description: 'The emitting service (a URI reference)' },
      time: { type: 'string', format: 'date-time', description: 'When the change that caused the event committed' },
      subject: { type: 'string', description: 'What the event is about (an id, never an identity number)' },
      datacontenttype: { const: 'application/json' },
      [TENANT_EXTENSION]: {
        type: 'string',
        pattern: '^[a-z0-9-]+$',
        description: 'The municipality (tenant slug) the event belongs to',
        examples: ['sundsvall'],
      },
      data: asAsyncApiSchema(contract.dataSchema),
    },
  );
}

/** An inbound type's message id: its CloudEvents type with dots and hyphens as underscores. */
const inboundMessageId = (contract: InboundEventContract) => `inbound_${contract.cloudEventType.replace(/[.-]/g, '_')}`;

/** One inbound type as its senders send it: a CloudEvent whose data its schema accepts. */
function inboundMessage(contract: InboundEventContract): Record<string, unknown> {
  return cloudEventMessage(contract.cloudEventType, contract.summary, ['specversion', 'id', 'source', 'type', 'data'], {
    id: { type: 'string', description: 'Unique per source: Kommuna stores an event once per source and id (a retry is a duplicate)' },
    source: { type: 'string', description: 'The sending system or sensor (a URI reference), e.g. /sensors/pollen/S-12' },
    time: { type: 'string', format: 'date-time' },
    subject: { type: 'string' },
    datacontenttype: { const: 'application/json' },
    [TENANT_EXTENSION]: {
      type: 'string',
      description: 'Optional; when given it must name the municipality the event is delivered to (else refused)',
    },
    data: asAsyncApiSchema(contract.dataSchema),
  });
}

/**
 * GET /events/asyncapi.json: the events Kommuna publishes, and the shared types it takes in, as
 * an AsyncAPI 3 document built from the contracts (libs/shared/service-contracts event-schemas.ts
 * and inbound-event-schemas.ts), so it cannot drift from them. Each event is a CloudEvent 1.0;
 * out over NATS JetStream in structured mode on kommuna.events.<municipality>.<type>, in on
 * kommuna.inbound.<municipality>.<type> or POST /events/inbound.
 */
export function buildEventsAsyncApi(): Record<string, unknown> {
  const messages = Object.fromEntries(EVENT_CONTRACTS.map((contract) => [messageId(contract), message(contract)]));
  const refs = EVENT_CONTRACTS.map((contract) => ({ $ref: `#/channels/municipalityEvents/messages/${messageId(contract)}` }));
  const inbound = Object.fromEntries(INBOUND_EVENT_CONTRACTS.map((contract) => [inboundMessageId(contract), inboundMessage(contract)]));
  const inboundRefs = (channel: string) =>
    INBOUND_EVENT_CONTRACTS.map((contract) => ({ $ref: `#/channels/${channel}/messages/${inboundMessageId(contract)}` }));
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Kommuna events',
      version: '1.0.0',
      description:
        'Domain events of the shared services (e-forms, Mina sidor, digital mail) as CloudEvents 1.0. Every event names its municipality in the ' +
        `\`${TENANT_EXTENSION}\` extension attribute; a municipality's subjects carry only its own events. Types are versioned (…v1); ` +
        'a change a consumer could not read is a new version. Delivery is at least once: de-duplicate by id. ' +
        "Events in: a municipality's systems and sensors deliver CloudEvents of the inbound types below over HTTP (POST /events/inbound, " +
        `binary, structured or batch mode, at most ${MAX_INBOUND_BATCH} per batch, a service account of the municipality with the scope events-in) ` +
        `or NATS (${INBOUND_SUBJECT_PREFIX}.<municipality>.<type>). A municipality may register types of its own (GET /events/inbound/types lists what it accepts).`,
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      nats: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description: 'NATS with JetStream (streams KOMMUNA_EVENTS out, KOMMUNA_INBOUND in); each deployment names its own cluster',
      },
      api: {
        host: '127.0.0.1:3000',
        protocol: 'http',
        description: "The api; each deployment names its own host. Events in: POST /events/inbound with the municipality's service account",
      },
    },
    channels: {
      municipalityEvents: {
        address: `${EVENT_SUBJECT_PREFIX}.{municipality}.{type}`,
        title: "One municipality's events",
        description: `Subscribe to ${EVENT_SUBJECT_PREFIX}.<municipality>.> for all of one municipality's events. The type token is the CloudEvents type (it contains dots).`,
        parameters: {
          municipality: { description: 'The tenant slug, e.g. sundsvall', examples: ['sundsvall', 'timra'] },
          type: { description: 'The CloudEvents type', enum: EVENT_CONTRACTS.map((c) => c.cloudEventType) },
        },
        servers: [{ $ref: '#/servers/nats' }],
        messages,
      },
      municipalityInbound: {
        address: `${INBOUND_SUBJECT_PREFIX}.{municipality}.{type}`,
        title: "Events in from one municipality's systems and sensors (NATS)",
        description:
          'Publish each event to the subject of its municipality and type (binary mode with ce-* headers, or structured mode); use Nats-Msg-Id = the event id. An event naming another municipality in kommunatenant, or of another type than its subject, is refused.',
        parameters: {
          municipality: { description: 'The tenant slug, e.g. sundsvall', examples: ['sundsvall', 'timra'] },
          type: { description: 'The inbound CloudEvents type', enum: INBOUND_EVENT_CONTRACTS.map((c) => c.cloudEventType) },
        },
        servers: [{ $ref: '#/servers/nats' }],
        messages: inbound,
      },
      httpInbound: {
        address: '/events/inbound',
        title: 'Events in over HTTP',
        description:
          "POST with X-Kommuna-Tenant (or the municipality's host) and a bearer token of its service account granted events-in. 202 with each event's inboundEventId and whether it was a duplicate; a refusal names every problem and stores nothing (INBOUND_EVENT_MALFORMED 400, INBOUND_EVENT_WRONG_MUNICIPALITY 403, INBOUND_EVENT_ID_CONFLICT 409, INBOUND_BATCH_TOO_LARGE 413, INBOUND_EVENT_TYPE_UNKNOWN or INBOUND_EVENT_INVALID 422).",
        servers: [{ $ref: '#/servers/api' }],
        messages: inbound,
      },
    },
    operations: {
      publishMunicipalityEvents: {
        action: 'send',
        title: 'Kommuna publishes',
        summary: 'The worker publishes each outbox event once (JetStream de-duplicates by Nats-Msg-Id = the event id)',
        channel: { $ref: '#/channels/municipalityEvents' },
        messages: refs,
      },
      receiveMunicipalityInbound: {
        action: 'receive',
        title: 'Kommuna takes in (NATS)',
        summary: "The worker consumes each municipality's inbound subjects and stores each event once per source and id",
        channel: { $ref: '#/channels/municipalityInbound' },
        messages: inboundRefs('municipalityInbound'),
      },
      receiveHttpInbound: {
        action: 'receive',
        title: 'Kommuna takes in (HTTP)',
        summary: 'The api takes CloudEvents in binary, structured or batch mode',
        channel: { $ref: '#/channels/httpInbound' },
        messages: inboundRefs('httpInbound'),
      },
    },
  };
}
