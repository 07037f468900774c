/**
 * GET /digital-mail/openapi.json: the REST interface for municipal systems, by hand. Every answer
 * the routes give is declared here, and the e2e tests validate every live answer against it
 * (openapi.e2e.spec.ts), so the two cannot drift. Request properties carry their defaults in the
 * description rather than as `default`: generators (openapi-typescript with its defaults) make a
 * property with a default required, which a sender need not send.
 */
import { problem, REST_COMMON_HEADERS, REST_COMMON_RESPONSES } from '../http/openapi-parts';

const error = {
  type: 'object',
  description:
    'Every error: a stable code to act on, a message for people, and for some codes details (e.g. every field problem of VALIDATION_FAILED).',
  required: ['code', 'message'],
  additionalProperties: false,
  properties: {
    code: {
      type: 'string',
      examples: [
        'INVALID_RECIPIENT',
        'UNSAFE_HTML',
        'UNSAFE_LINK',
        'ATTACHMENT_NOT_PDF',
        'ATTACHMENT_TOO_LARGE',
        'SUPPORT_INFO_MISSING',
        'VALIDATION_FAILED',
        'CONFLICT',
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'NOT_FOUND',
        'SERVICE_NOT_ENABLED',
        'RATE_LIMITED',
        'CSRF_REJECTED',
        'PAYLOAD_TOO_LARGE',
        'FST_ERR_CTP_INVALID_JSON_BODY',
        'FST_ERR_CTP_INVALID_MEDIA_TYPE',
        'INTERNAL_SERVER_ERROR',
      ],
    },
    message: { type: 'string' },
    details: { type: 'object' },
  },
};

const supportInfo = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    text: { type: 'string', maxLength: 1024 },
    url: { type: 'string', format: 'uri' },
    phone: { type: 'string' },
    email: { type: 'string', format: 'email' },
  },
};

export const DIGITAL_MAIL_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Kommuna digital mail',
    version: '1.0.0',
    description:
      'Send letters to residents and companies: delivered to their digital mailbox (Mina meddelanden) or, when they have none and paper is allowed, printed. ' +
      'Address the municipality with the X-Kommuna-Tenant header; authenticate with a service-account token (client credentials).',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    parameters: {
      tenant: { name: 'X-Kommuna-Tenant', in: 'header', required: true, schema: { type: 'string', examples: ['sundsvall'] } },
    },
    schemas: {
      Error: error,
      SupportInfo: supportInfo,
      SendMessage: {
        type: 'object',
        required: ['recipient', 'subject', 'body'],
        properties: {
          recipient: { type: 'string', description: 'Personnummer, samordningsnummer or organisationsnummer. Never returned.' },
          subject: { type: 'string', minLength: 1, maxLength: 255 },
          body: { type: 'string' },
          bodyFormat: {
            type: 'string',
            enum: ['TEXT', 'HTML'],
            description:
              'TEXT when left out. HTML may use p, br, strong, em, b, i, u, h1-h3, ul, ol, li, blockquote, table elements and a[href] with an absolute https URL; other markup is refused with UNSAFE_HTML, other links with UNSAFE_LINK.',
          },
          language: { type: 'string', enum: ['sv', 'en'], description: 'sv when left out.' },
          attachments: {
            type: 'array',
            maxItems: 20,
            items: {
              type: 'object',
              required: ['filename', 'contentBase64'],
              properties: {
                filename: { type: 'string', maxLength: 255 },
                contentBase64: {
                  type: 'string',
                  contentEncoding: 'base64',
                  contentMediaType: 'application/pdf',
                  description: "A PDF (checked by content); at most the municipality's size cap (default 5 MB)",
                },
                deliveryMode: { type: 'string', enum: ['DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER'], description: 'EITHER when left out.' },
              },
            },
          },
          supportInfo: { $ref: '#/components/schemas/SupportInfo' },
          department: { type: 'string', maxLength: 100 },
          externalReferences: {
            type: 'object',
            additionalProperties: { type: 'string', maxLength: 255 },
            examples: [{ caseId: 'SKM-2025-0042' }],
          },
          idempotencyKey: {
            type: 'string',
            maxLength: 200,
            description:
              'Or the Idempotency-Key header. The same key with the same payload returns the same message; another payload is 409 CONFLICT.',
          },
          allowPaper: {
            type: 'boolean',
            description: 'Whether the letter may be printed when the recipient has no digital mailbox; true when left out.',
          },
        },
      },
      Message: {
        type: 'object',
        required: [
          'id',
          'subject',
          'bodyFormat',
          'language',
          'status',
          'statusDetail',
          'channel',
          'mailboxOperator',
          'operatorTransactionId',
          'recipientPartyId',
          'department',
          'externalReferences',
          'sentBy',
          'sentByKind',
          'idempotencyKey',
          'sendBatchId',
          'attempts',
          'createdAt',
          'updatedAt',
          'contentPurged',
          'attachments',
        ],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          subject: { type: 'string' },
          bodyFormat: { type: 'string', enum: ['TEXT', 'HTML'] },
          language: { type: 'string', enum: ['sv', 'en'] },
          status: { type: 'string', enum: ['PENDING', 'SENT', 'NOT_SENT', 'FAILED', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND'] },
          statusDetail: { type: ['string', 'null'] },
          channel: { type: ['string', 'null'], enum: ['digital', 'paper', null] },
          mailboxOperator: { type: ['string', 'null'] },
          operatorTransactionId: { type: ['string', 'null'] },
          recipientPartyId: {
            type: 'string',
            format: 'uuid',
            description: 'The recipient as a party of this municipality; the identity number itself is never returned.',
          },
          department: { type: ['string', 'null'] },
          externalReferences: { type: 'object', additionalProperties: { type: 'string' } },
          sentBy: { type: 'string' },
          sentByKind: { type: 'string', enum: ['user', 'system'] },
          idempotencyKey: { type: ['string', 'null'] },
          sendBatchId: {
            type: ['string', 'null'],
            format: 'uuid',
            description: 'The bulk send the letter was part of (sent by staff over GraphQL); null for a single letter.',
          },
          attempts: { type: 'integer', minimum: 0 },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          contentPurged: { type: 'boolean' },
          attachments: {
            type: 'array',
            items: {
              type: 'object',
              required: ['filename', 'deliveryMode', 'sha256', 'sizeBytes'],
              additionalProperties: false,
              properties: {
                filename: { type: 'string' },
                deliveryMode: { type: 'string', enum: ['DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER'] },
                sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                sizeBytes: { type: 'integer', minimum: 0 },
              },
            },
          },
        },
      },
    },
    headers: REST_COMMON_HEADERS,
    responses: {
      BadRequest: problem(
        'Bad input (VALIDATION_FAILED with every field problem in details, INVALID_RECIPIENT, UNSAFE_HTML, UNSAFE_LINK, ATTACHMENT_NOT_PDF, ATTACHMENT_TOO_LARGE, SUPPORT_INFO_MISSING), or a body that is not JSON (FST_ERR_CTP_INVALID_JSON_BODY); nothing was stored',
      ),
      ...REST_COMMON_RESPONSES,
      Forbidden: problem(
        "FORBIDDEN: not a service account of the municipality named by X-Kommuna-Tenant (or none named), or a unit's account asking for another unit's letter",
      ),
      ServiceNotEnabled: problem('SERVICE_NOT_ENABLED: the municipality has not enabled digital mail'),
    },
  },
  paths: {
    '/digital-mail/messages': {
      post: {
        operationId: 'sendMessage',
        summary: 'Accept a letter for delivery (answers at once; delivery happens in the background)',
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SendMessage' } } } },
        responses: {
          '202': {
            description: 'Accepted (status PENDING), or the earlier message for a repeated idempotency key',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '409': problem('CONFLICT: the idempotency key was used for another payload'),
          '413': problem('PAYLOAD_TOO_LARGE: the body is over 12 MiB; it was not read'),
          '415': problem(
            'The body is not application/json (CSRF_REJECTED for a type a browser may send cross-site, FST_ERR_CTP_INVALID_MEDIA_TYPE for others)',
          ),
          '422': { $ref: '#/components/responses/ServiceNotEnabled' },
          '429': { $ref: '#/components/responses/TooManyRequests' },
          '500': { $ref: '#/components/responses/InternalError' },
        },
      },
    },
    '/digital-mail/messages/{id}': {
      get: {
        operationId: 'getMessage',
        summary: 'A letter and its delivery status',
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': { description: 'The letter', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '404': problem('NOT_FOUND: no such letter in this municipality (or in this unit)'),
          '422': { $ref: '#/components/responses/ServiceNotEnabled' },
          '429': { $ref: '#/components/responses/TooManyRequests' },
          '500': { $ref: '#/components/responses/InternalError' },
        },
      },
    },
  },
} as const;
