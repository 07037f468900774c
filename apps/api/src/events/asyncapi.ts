import { EVENT_SUBJECT_PREFIX, TENANT_EXTENSION } from '@kommuna/platform-events';
import { EVENT_CONTRACTS, EventContract } from '@kommuna/shared-service-contracts';

/** A schema as AsyncAPI's default schema format takes it: the JSON Schema without its own $schema and $id. */
function asAsyncApiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema' && key !== '$id'));
}

/** Message ids are AsyncAPI keys: the CloudEvents type with its dots and hyphens as underscores. */
const messageId = (contract: EventContract) => contract.cloudEventType.replace(/[.-]/g, '_');

/** One event type as a structured-mode CloudEvent (application/cloudevents+json). */
function message(contract: EventContract): Record<string, unknown> {
  return {
    name: contract.cloudEventType,
    title: contract.cloudEventType,
    summary: contract.summary,
    contentType: 'application/cloudevents+json',
    payload: {
      type: 'object',
      required: ['specversion', 'id', 'source', 'type', 'time', 'datacontenttype', 'data', TENANT_EXTENSION],
      properties: {
        specversion: { const: '1.0' },
        id: { type: 'string', format: 'uuid', description: 'Unique per source; the de-duplication key (NATS Nats-Msg-Id)' },
        source: { const: contract.source, description: 'The emitting service (a URI reference)' },
        type: { const: contract.cloudEventType },
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
    },
  };
}

/**
 * GET /events/asyncapi.json: the events Kommuna publishes, as an AsyncAPI 3 document built from
 * the published contracts (libs/shared/service-contracts event-schemas.ts), so it cannot drift
 * from them. Each event is a CloudEvent 1.0; over NATS JetStream in structured mode on
 * kommuna.events.<municipality>.<type>.
 */
export function buildEventsAsyncApi(): Record<string, unknown> {
  const messages = Object.fromEntries(EVENT_CONTRACTS.map((contract) => [messageId(contract), message(contract)]));
  const refs = EVENT_CONTRACTS.map((contract) => ({ $ref: `#/channels/municipalityEvents/messages/${messageId(contract)}` }));
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Kommuna events',
      version: '1.0.0',
      description:
        'Domain events of the shared services (e-forms, Mina sidor, digital mail) as CloudEvents 1.0. Every event names its municipality in the ' +
        `\`${TENANT_EXTENSION}\` extension attribute; a municipality's subjects carry only its own events. Types are versioned (…v1); ` +
        'a change a consumer could not read is a new version. Delivery is at least once: de-duplicate by id.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      nats: {
        host: '127.0.0.1:4222',
        protocol: 'nats',
        description: 'NATS with JetStream (stream KOMMUNA_EVENTS); each deployment names its own cluster',
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
    },
    operations: {
      publishMunicipalityEvents: {
        action: 'send',
        title: 'Kommuna publishes',
        summary: 'The worker publishes each outbox event once (JetStream de-duplicates by Nats-Msg-Id = the event id)',
        channel: { $ref: '#/channels/municipalityEvents' },
        messages: refs,
      },
    },
  };
}
