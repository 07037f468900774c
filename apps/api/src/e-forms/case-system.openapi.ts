/** GET /e-forms/case-system/openapi.json: the REST interface for a municipality's case system, by hand. */
const error = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', examples: ['VALIDATION_FAILED', 'SUBMISSION_NOT_FOUND', 'ATTACHMENT_NOT_FOUND', 'CONFLICT', 'FORBIDDEN'] },
    message: { type: 'string' },
    details: { type: 'object' },
  },
};
const json = (schema: unknown) => ({ 'application/json': { schema } });
const errorAnswer = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const localizedText = { type: 'object', required: ['sv', 'en'], properties: { sv: { type: 'string' }, en: { type: 'string' } } };
const submissionId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const refused = {
  '401': { description: 'No valid token' },
  '403': errorAnswer('Not a service account of this municipality, or its token lacks the scope eforms-submissions'),
};

export const CASE_SYSTEM_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Kommuna e-forms for case systems',
    version: '1.0.0',
    description:
      "Take a municipality's e-form submissions into its case system (ärendehanteringssystem): list them, fetch one with its answers, files and receipt PDF, " +
      "and acknowledge the registration with the case system's own reference (diarienummer), which the resident then sees in Mina sidor. " +
      'Address the municipality with the X-Kommuna-Tenant header; authenticate with its service-account token (client credentials) granted the scope eforms-submissions. ' +
      'The same is in GraphQL (caseSystemSubmissions, caseSystemSubmission, acknowledgeFormSubmission). Every read is audited. ' +
      'New submissions raise the CloudEvent se.kommuna.eforms.submission.received.v1 (GET /events/asyncapi.json); a registration raises se.kommuna.eforms.submission.registered.v1.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: ['eforms-submissions'] }],
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A service-account access token whose scope claim includes eforms-submissions',
      },
    },
    parameters: {
      tenant: { name: 'X-Kommuna-Tenant', in: 'header', required: true, schema: { type: 'string', examples: ['sundsvall'] } },
    },
    schemas: {
      Error: error,
      Attachment: {
        type: 'object',
        required: ['id', 'field', 'fileName', 'contentType', 'sizeBytes', 'sha256'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          field: { type: 'string', description: 'The form field the file answers' },
          fileName: { type: 'string' },
          contentType: { type: 'string', enum: ['application/pdf', 'image/png', 'image/jpeg'], description: 'Detected from the bytes' },
          sizeBytes: { type: 'integer' },
          sha256: { type: 'string', description: 'Hex SHA-256 of the bytes' },
        },
      },
      Submission: {
        type: 'object',
        required: [
          'id',
          'errandNumber',
          'formSlug',
          'formVersion',
          'title',
          'caseType',
          'unit',
          'status',
          'submittedAt',
          'answers',
          'data',
          'attachments',
          'registration',
        ],
        properties: {
          id: { type: 'string', format: 'uuid' },
          errandNumber: { type: 'string', description: "The errand number on the resident's receipt", examples: ['SUN-2026-000042'] },
          formSlug: { type: 'string' },
          formVersion: { type: 'string', examples: ['1.0'] },
          title: localizedText,
          caseType: { type: 'string' },
          unit: { type: 'string', description: 'The unit that handles the form', examples: ['socialtjanst'] },
          status: { type: 'string', enum: ['received', 'manual_handling', 'completion_requested', 'decided'] },
          submittedAt: { type: 'string', format: 'date-time' },
          subjectPartyId: { type: ['string', 'null'], format: 'uuid' },
          applicant: {
            type: ['object', 'null'],
            description: 'Null for an anonymous form',
            properties: {
              kind: { type: 'string', enum: ['person', 'organisation'] },
              identityNumber: { type: 'string', description: 'Personnummer (12 digits) or organisationsnummer' },
            },
          },
          answers: {
            type: 'array',
            description: 'The answers as a person reads them, in the order of the form',
            items: { type: 'object', properties: { field: { type: 'string' }, label: localizedText, value: localizedText } },
          },
          data: { type: 'object', description: "The answers as submitted (the form version's data schema)" },
          attachments: { type: 'array', items: { $ref: '#/components/schemas/Attachment' } },
          decision: { type: ['object', 'null'], description: 'An automated or case-worker decision, with its document at documentUrl' },
          completionRequest: {
            type: ['object', 'null'],
            properties: { message: localizedText, requestedAt: { type: 'string', format: 'date-time' } },
          },
          registration: {
            type: ['object', 'null'],
            description: 'Null until acknowledged',
            properties: {
              caseSystemReference: { type: 'string' },
              registeredAt: { type: 'string', format: 'date-time' },
              registeredBy: { type: 'string', description: 'The client id that acknowledged it' },
            },
          },
        },
      },
      SubmissionPage: {
        type: 'object',
        required: ['nodes', 'endCursor', 'hasNextPage'],
        properties: {
          nodes: { type: 'array', items: { $ref: '#/components/schemas/Submission' } },
          endCursor: { type: ['string', 'null'], description: 'Pass as after for the next page; keep it, newer submissions come after it' },
          hasNextPage: { type: 'boolean' },
        },
      },
      Registration: {
        type: 'object',
        required: ['caseSystemReference'],
        properties: {
          caseSystemReference: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
            description: 'The diarienummer: letters, digits, spaces and . _ : / # -',
            examples: ['KS 2026/0142'],
          },
        },
      },
    },
  },
  paths: {
    '/e-forms/case-system/submissions': {
      get: {
        operationId: 'listSubmissions',
        summary: "A page of the municipality's submissions, oldest first (submitted, then id)",
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['received', 'manual_handling', 'completion_requested', 'decided'] },
          },
          {
            name: 'registered',
            in: 'query',
            required: false,
            schema: { type: 'boolean' },
            description: 'false: only those not acknowledged yet',
          },
          { name: 'first', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'after', in: 'query', required: false, schema: { type: 'string' }, description: 'The endCursor of the previous page' },
        ],
        responses: {
          '200': { description: 'The page', content: json({ $ref: '#/components/schemas/SubmissionPage' }) },
          '400': errorAnswer('A bad status, first or cursor'),
          ...refused,
        },
      },
    },
    '/e-forms/case-system/submissions/{id}': {
      get: {
        operationId: 'getSubmission',
        summary: 'One submission with its answers, files and registration',
        parameters: [{ $ref: '#/components/parameters/tenant' }, submissionId],
        responses: {
          '200': { description: 'The submission', content: json({ $ref: '#/components/schemas/Submission' }) },
          '404': errorAnswer('No such submission in this municipality'),
          ...refused,
        },
      },
    },
    '/e-forms/case-system/submissions/{id}/receipt.pdf': {
      get: {
        operationId: 'getReceiptPdf',
        summary: 'The receipt (kvittens) the resident got, as an A4 PDF',
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          submissionId,
          { name: 'language', in: 'query', required: false, schema: { type: 'string', enum: ['sv', 'en'], default: 'sv' } },
        ],
        responses: {
          '200': {
            description: 'The PDF',
            content: { 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } },
          },
          '404': errorAnswer('No such submission in this municipality'),
          ...refused,
        },
      },
    },
    '/e-forms/case-system/submissions/{id}/attachments/{attachmentId}': {
      get: {
        operationId: 'getAttachment',
        summary: 'One file of the submission, as the resident uploaded it',
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          submissionId,
          { name: 'attachmentId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '200': {
            description: 'The bytes, with their detected content type',
            content: { 'application/pdf': {}, 'image/png': {}, 'image/jpeg': {} },
          },
          '404': errorAnswer('No such submission, or no such file in it'),
          ...refused,
        },
      },
    },
    '/e-forms/case-system/submissions/{id}/registration': {
      post: {
        operationId: 'acknowledgeRegistration',
        summary: "Acknowledge the registration under the case system's reference (diarienummer); the resident sees it in Mina sidor",
        parameters: [{ $ref: '#/components/parameters/tenant' }, submissionId],
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/Registration' }) },
        responses: {
          '200': {
            description: 'Registered (again with the same reference: unchanged)',
            content: json({ $ref: '#/components/schemas/Submission' }),
          },
          '400': errorAnswer('No or a malformed reference; nothing was stored'),
          '404': errorAnswer('No such submission in this municipality'),
          '409': errorAnswer('Already registered under another reference'),
          ...refused,
        },
      },
    },
  },
} as const;
