/**
 * GET /events/webhooks/openapi.json: a municipality's webhook subscriptions over REST, by hand,
 * for its tenant admin (the same as GraphQL's webhookSubscriptions and its mutations). Every
 * answer the routes give is declared here and the e2e test validates each live answer against it
 * (webhooks.openapi.e2e.spec.ts).
 */
import { WEBHOOK_DELIVERY_COLUMNS, WEBHOOK_SUBSCRIPTION_COLUMNS } from '@kommuna/platform-events';
import { problem, REST_COMMON_HEADERS, REST_COMMON_RESPONSES } from '../http/openapi-parts';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };
const subscriptionId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const eventTypes = {
  type: 'array',
  minItems: 1,
  items: { type: 'string' },
  description:
    'CloudEvents types, versioned, e.g. se.kommuna.eforms.submission.received.v1 (GET /events/asyncapi.json lists them); an unknown one is VALIDATION_FAILED',
};

/** What every route may also answer. */
const common = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '429': { $ref: '#/components/responses/TooManyRequests' },
  '500': { $ref: '#/components/responses/InternalError' },
};
const withBody = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '413': problem('PAYLOAD_TOO_LARGE: the body is too large; it was not read'),
  '415': problem(
    'The body is not application/json (CSRF_REJECTED for a type a browser may send cross-site, FST_ERR_CTP_INVALID_MEDIA_TYPE for others)',
  ),
};
const notFound = { '404': problem('NOT_FOUND: no such subscription in this municipality') };

export const WEBHOOKS_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Kommuna webhook subscriptions',
    version: '1.0.0',
    description:
      "Manage where a municipality's events are delivered: each subscription names a target URL and the CloudEvents types it wants, and gets every such event as a structured-mode CloudEvent " +
      'signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature with the whsec_ secret shown once at creation), retried with backoff over more than a day. ' +
      'A subscription whose delivery fails on every attempt is disabled with the reason; enabling it sends what waited, and a replay sends a time range again. ' +
      'Address the municipality with the X-Kommuna-Tenant header; authenticate as its tenant admin. Every change is audited. The same is in GraphQL (webhookSubscriptions and its mutations).',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "An access token of the municipality's tenant admin" },
    },
    parameters: {
      tenant: { name: 'X-Kommuna-Tenant', in: 'header', required: true, schema: { type: 'string', examples: ['sundsvall'] } },
      csrf: {
        name: 'X-Kommuna-CSRF',
        in: 'header',
        required: false,
        description:
          'Any value; required on a DELETE (it has no body, so no application/json content type tells it from a cross-site request)',
        schema: { type: 'string' },
      },
    },
    schemas: {
      Error: {
        type: 'object',
        description:
          'Every error: a stable code to act on, a message for people, and for some codes details (e.g. the field problems of VALIDATION_FAILED).',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: {
            type: 'string',
            examples: [
              'VALIDATION_FAILED',
              'WEBHOOK_TARGET_REFUSED',
              'NOT_FOUND',
              'UNAUTHENTICATED',
              'FORBIDDEN',
              'RATE_LIMITED',
              'CSRF_REJECTED',
              'FST_ERR_CTP_INVALID_JSON_BODY',
              'INTERNAL_SERVER_ERROR',
            ],
          },
          message: { type: 'string' },
          details: {
            type: ['object', 'array'],
            description: 'VALIDATION_FAILED: the problems, each { field, message }',
            items: {
              type: 'object',
              required: ['field', 'message'],
              properties: { field: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      SubscriptionInput: {
        type: 'object',
        required: ['url', 'eventTypes'],
        properties: {
          url: {
            type: 'string',
            format: 'uri',
            maxLength: 2000,
            description:
              'http or https (https outside development); private, loopback and link-local targets are refused outside development',
          },
          eventTypes,
          description: { type: ['string', 'null'], maxLength: 200 },
        },
      },
      SubscriptionChange: {
        type: 'object',
        description: 'Only what is sent changes.',
        properties: {
          url: { type: 'string', format: 'uri', maxLength: 2000 },
          eventTypes,
          description: { type: ['string', 'null'], maxLength: 200, description: 'null removes it' },
          enabled: { type: 'boolean', description: 'false disables the subscription; true enables it again and sends what waited' },
        },
      },
      Subscription: {
        type: 'object',
        description: 'A subscription, never its secret',
        required: [...WEBHOOK_SUBSCRIPTION_COLUMNS],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          url: { type: 'string' },
          eventTypes: { type: 'array', items: { type: 'string' } },
          description: { type: ['string', 'null'] },
          status: { type: 'string', enum: ['ACTIVE', 'DISABLED'] },
          disabledReason: {
            type: ['string', 'null'],
            description: 'Why it is disabled: by an administrator, or the delivery that failed on every attempt',
          },
          disabledAt: nullableDateTime,
          createdBy: { type: 'string', examples: ['staff:3f9c…'] },
          createdAt: dateTime,
        },
      },
      CreatedSubscription: {
        type: 'object',
        required: ['subscription', 'secret'],
        additionalProperties: false,
        properties: {
          subscription: { $ref: '#/components/schemas/Subscription' },
          secret: {
            type: 'string',
            pattern: '^whsec_',
            description: 'Shown this once: the receiver verifies webhook-signature with it (Standard Webhooks)',
          },
        },
      },
      Delivery: {
        type: 'object',
        description: 'One event sent (or being sent) to one subscription; its id is the webhook-id header the receiver sees',
        // Every column of the delivery log, as the routes answer it.
        required: [...WEBHOOK_DELIVERY_COLUMNS],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          subscriptionId: { type: 'string', format: 'uuid' },
          eventId: { type: 'string', format: 'uuid', description: 'The CloudEvent id' },
          eventType: { type: 'string' },
          eventTime: dateTime,
          status: { type: 'string', enum: ['PENDING', 'DELIVERED', 'FAILED'] },
          attempts: { type: 'integer', minimum: 0 },
          nextAttemptAt: {
            ...nullableDateTime,
            description: 'When it is sent next; null when not pending or parked (subscription disabled)',
          },
          lastAttemptAt: nullableDateTime,
          lastStatusCode: { type: ['integer', 'null'] },
          lastError: { type: ['string', 'null'] },
          deliveredAt: nullableDateTime,
          createdAt: dateTime,
        },
      },
      Replay: {
        type: 'object',
        required: ['from', 'to'],
        properties: {
          from: { ...dateTime, description: 'Inclusive' },
          to: { ...dateTime, description: 'Exclusive; at most 31 days after from' },
        },
      },
      Replayed: {
        type: 'object',
        required: ['queued'],
        additionalProperties: false,
        properties: {
          queued: {
            type: 'integer',
            minimum: 0,
            description: 'How many deliveries were queued; one delivered before keeps its webhook-id',
          },
        },
      },
    },
    headers: REST_COMMON_HEADERS,
    responses: {
      BadRequest: problem(
        'Bad input (VALIDATION_FAILED with the field problems in details; WEBHOOK_TARGET_REFUSED for a target that is not allowed), or a body that is not JSON (FST_ERR_CTP_INVALID_JSON_BODY); nothing was changed',
      ),
      ...REST_COMMON_RESPONSES,
      Forbidden: problem('FORBIDDEN: not a tenant admin of the municipality named by X-Kommuna-Tenant (or none named)'),
    },
  },
  paths: {
    '/events/webhooks/subscriptions': {
      get: {
        operationId: 'listWebhookSubscriptions',
        summary: "The municipality's subscriptions, oldest first",
        parameters: [{ $ref: '#/components/parameters/tenant' }],
        responses: {
          '200': {
            description: 'The subscriptions',
            content: json({ type: 'array', items: { $ref: '#/components/schemas/Subscription' } }),
          },
          ...common,
        },
      },
      post: {
        operationId: 'createWebhookSubscription',
        summary: 'Subscribe a target to event types; the answer holds the signing secret, shown once',
        parameters: [{ $ref: '#/components/parameters/tenant' }],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/SubscriptionInput' }) },
        responses: {
          '201': { description: 'Created, active', content: json({ $ref: '#/components/schemas/CreatedSubscription' }) },
          ...withBody,
          ...common,
        },
      },
    },
    '/events/webhooks/subscriptions/{id}': {
      get: {
        operationId: 'getWebhookSubscription',
        summary: 'One subscription',
        parameters: [{ $ref: '#/components/parameters/tenant' }, subscriptionId],
        responses: {
          '200': { description: 'The subscription', content: json({ $ref: '#/components/schemas/Subscription' }) },
          ...notFound,
          ...common,
        },
      },
      patch: {
        operationId: 'updateWebhookSubscription',
        summary: 'Change target, types or description; disable or enable it',
        parameters: [{ $ref: '#/components/parameters/tenant' }, subscriptionId],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/SubscriptionChange' }) },
        responses: {
          '200': { description: 'The subscription as it is now', content: json({ $ref: '#/components/schemas/Subscription' }) },
          ...withBody,
          ...notFound,
          ...common,
        },
      },
      delete: {
        operationId: 'deleteWebhookSubscription',
        summary: 'Delete a subscription and its delivery log',
        parameters: [{ $ref: '#/components/parameters/tenant' }, { $ref: '#/components/parameters/csrf' }, subscriptionId],
        responses: {
          '204': { description: 'Deleted' },
          '415': problem('CSRF_REJECTED: the X-Kommuna-CSRF header is missing'),
          ...notFound,
          ...common,
        },
      },
    },
    '/events/webhooks/subscriptions/{id}/deliveries': {
      get: {
        operationId: 'listWebhookDeliveries',
        summary: "A subscription's delivery log, newest first",
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          subscriptionId,
          {
            name: 'first',
            in: 'query',
            required: false,
            description: 'How many, 1 to 200; 50 when left out',
            schema: { type: 'integer', minimum: 1, maximum: 200 },
          },
          { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['PENDING', 'DELIVERED', 'FAILED'] } },
        ],
        responses: {
          '200': { description: 'The deliveries', content: json({ type: 'array', items: { $ref: '#/components/schemas/Delivery' } }) },
          '400': { $ref: '#/components/responses/BadRequest' },
          ...notFound,
          ...common,
        },
      },
    },
    '/events/webhooks/subscriptions/{id}/replay': {
      post: {
        operationId: 'replayWebhookDeliveries',
        summary: "Send again every event of the subscription's types that occurred in [from, to)",
        parameters: [{ $ref: '#/components/parameters/tenant' }, subscriptionId],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/Replay' }) },
        responses: {
          '200': { description: 'Queued', content: json({ $ref: '#/components/schemas/Replayed' }) },
          ...withBody,
          ...notFound,
          ...common,
        },
      },
    },
  },
} as const;
