/** GET /digital-mail/openapi.json: the REST interface for municipal systems, by hand. */
const error = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', examples: ['INVALID_RECIPIENT', 'UNSAFE_HTML', 'ATTACHMENT_NOT_PDF', 'ATTACHMENT_TOO_LARGE', 'SUPPORT_INFO_MISSING', 'VALIDATION_FAILED', 'CONFLICT'] },
    message: { type: 'string' },
    details: { type: 'object' },
  },
};

const supportInfo = {
  type: 'object',
  required: ['text'],
  properties: { text: { type: 'string', maxLength: 1024 }, url: { type: 'string', format: 'uri' }, phone: { type: 'string' }, email: { type: 'string', format: 'email' } },
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
          bodyFormat: { type: 'string', enum: ['TEXT', 'HTML'], default: 'TEXT', description: 'HTML may use p, br, strong, em, b, i, u, h1-h3, ul, ol, li, blockquote, table elements and a[href] with an absolute https URL; other markup is refused with UNSAFE_HTML, other links with UNSAFE_LINK.' },
          language: { type: 'string', enum: ['sv', 'en'], default: 'sv' },
          attachments: {
            type: 'array',
            maxItems: 20,
            items: {
              type: 'object',
              required: ['filename', 'contentBase64'],
              properties: {
                filename: { type: 'string', maxLength: 255 },
                contentBase64: { type: 'string', contentEncoding: 'base64', contentMediaType: 'application/pdf', description: 'A PDF (checked by content); at most the municipality\'s size cap (default 5 MB)' },
                deliveryMode: { type: 'string', enum: ['DIGITAL_ONLY', 'PAPER_ONLY', 'EITHER'], default: 'EITHER' },
              },
            },
          },
          supportInfo: { $ref: '#/components/schemas/SupportInfo' },
          department: { type: 'string', maxLength: 100 },
          externalReferences: { type: 'object', additionalProperties: { type: 'string', maxLength: 255 }, examples: [{ caseId: 'SKM-2025-0042' }] },
          idempotencyKey: { type: 'string', maxLength: 200, description: 'Or the Idempotency-Key header. The same key with the same payload returns the same message; another payload is 409 CONFLICT.' },
          allowPaper: { type: 'boolean', default: true },
        },
      },
      Message: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          subject: { type: 'string' },
          status: { type: 'string', enum: ['PENDING', 'SENT', 'NOT_SENT', 'FAILED', 'NO_CONTACT_WANTED', 'NO_CONTACT_SETTINGS_FOUND'] },
          statusDetail: { type: ['string', 'null'] },
          channel: { type: ['string', 'null'], enum: ['digital', 'paper', null] },
          mailboxOperator: { type: ['string', 'null'] },
          operatorTransactionId: { type: ['string', 'null'] },
          recipientPartyId: { type: 'string', format: 'uuid' },
          department: { type: ['string', 'null'] },
          externalReferences: { type: 'object', additionalProperties: { type: 'string' } },
          sentBy: { type: 'string' },
          sentByKind: { type: 'string', enum: ['user', 'system'] },
          idempotencyKey: { type: ['string', 'null'] },
          attempts: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          contentPurged: { type: 'boolean' },
          attachments: {
            type: 'array',
            items: { type: 'object', properties: { filename: { type: 'string' }, deliveryMode: { type: 'string' }, sha256: { type: 'string' }, sizeBytes: { type: 'integer' } } },
          },
        },
      },
    },
  },
  paths: {
    '/digital-mail/messages': {
      post: {
        operationId: 'sendMessage',
        summary: 'Accept a letter for delivery (answers at once; delivery happens in the background)',
        parameters: [{ $ref: '#/components/parameters/tenant' }, { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/SendMessage' } } } },
        responses: {
          '202': { description: 'Accepted (status PENDING), or the earlier message for a repeated idempotency key', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
          '400': { description: 'Bad input; nothing was stored', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          '401': { description: 'No valid token' },
          '403': { description: 'Not a service account of this municipality' },
          '409': { description: 'The idempotency key was used for another payload', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
    '/digital-mail/messages/{id}': {
      get: {
        operationId: 'getMessage',
        summary: 'A letter and its delivery status',
        parameters: [{ $ref: '#/components/parameters/tenant' }, { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'The letter', content: { 'application/json': { schema: { $ref: '#/components/schemas/Message' } } } },
          '404': { description: 'No such letter in this municipality', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
  },
} as const;
