/**
 * GET /home-care/imports/openapi.json: uploading a home-care file over REST, by hand (the same
 * import as GraphQL's importHomeCareFile, streamed). Every answer the route gives is declared here
 * and the e2e test validates each live answer against it (home-care-import.e2e.spec.ts).
 */
import { IMPORT_FORMATS, IMPORT_KINDS, VENDOR_EXPORT_ADAPTERS } from '@kommuna/home-care';
import { problem, REST_COMMON_HEADERS, REST_COMMON_RESPONSES } from '../http/openapi-parts';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const problemSchema = {
  type: 'object',
  required: ['file', 'line', 'reason'],
  additionalProperties: false,
  properties: {
    file: { type: 'string', description: 'The file name the upload gave' },
    line: { type: 'integer', minimum: 0, description: "The file's line (1 = the first, the header of a CSV); 0: the file as a whole" },
    reason: { type: 'string', description: "What is wrong, never the row's content" },
  },
};

export const HOME_CARE_IMPORT_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Kommuna home-care file upload',
    version: '1.0.0',
    description:
      "Send a home-care file (docs/home-care.md) to a municipality: the body is the file itself, read as it arrives, so a file of a million rows is never held whole. A file is imported whole or not at all; the same file again changes nothing. Address the municipality with the X-Kommuna-Tenant header; authenticate as the municipality's system (a service account) or a case worker of its responsible unit. The same import is in GraphQL (importHomeCareFile).",
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: "An access token of the municipality's service account, or of a case worker of its home-care responsible unit",
      },
    },
    parameters: {
      tenant: { name: 'X-Kommuna-Tenant', in: 'header', required: true, schema: { type: 'string', examples: ['sundsvall'] } },
    },
    schemas: {
      Error: {
        type: 'object',
        description: 'Every error: a stable code to act on, a message for people, and for some codes details.',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: {
            type: 'string',
            examples: ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR'],
          },
          message: { type: 'string' },
          details: {
            type: ['object', 'array'],
            description:
              'VALIDATION_FAILED of a parameter (400): the problems, each { field, message }. VALIDATION_FAILED of the file (422): { problems, total }, each problem naming its line (at most 100 listed; total counts all)',
            properties: { problems: { type: 'array', items: problemSchema }, total: { type: 'integer', minimum: 1 } },
            items: {
              type: 'object',
              required: ['field', 'message'],
              properties: { field: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
      ImportResult: {
        type: 'object',
        required: ['importId', 'kind', 'rows', 'alreadyImported'],
        additionalProperties: false,
        properties: {
          importId: { type: 'string', format: 'uuid', description: "The import's id" },
          kind: { type: 'string', enum: [...IMPORT_KINDS], description: 'What the file held' },
          rows: { type: 'integer', minimum: 0, description: 'Rows imported' },
          alreadyImported: { type: 'boolean', description: 'true when the same file was imported before: nothing changed' },
        },
      },
    },
    headers: REST_COMMON_HEADERS,
    responses: {
      ...REST_COMMON_RESPONSES,
      Forbidden: problem(
        "FORBIDDEN: not the municipality's service account or a case worker of its responsible unit, or a token of another municipality than X-Kommuna-Tenant names",
      ),
    },
  },
  paths: {
    '/home-care/imports/{kind}': {
      post: {
        operationId: 'uploadHomeCareFile',
        summary: 'Import a file of one kind into the municipality: whole or not at all; the same file again is a no-op',
        parameters: [
          { $ref: '#/components/parameters/tenant' },
          {
            name: 'kind',
            in: 'path',
            required: true,
            description: 'What the file holds',
            schema: { type: 'string', enum: [...IMPORT_KINDS] },
          },
          {
            name: 'format',
            in: 'query',
            required: false,
            description: 'The open format the file is in (csv by default); not used with adapter',
            schema: { type: 'string', enum: [...IMPORT_FORMATS] },
          },
          {
            name: 'adapter',
            in: 'query',
            required: false,
            description: "A vendor's export instead of the open format, read by this adapter (its kind must be the path's)",
            schema: { type: 'string', enum: [...VENDOR_EXPORT_ADAPTERS.keys()] },
          },
          {
            name: 'fileName',
            in: 'query',
            required: false,
            description: 'The file name every problem names (default: `<kind>.<format>`)',
            schema: { type: 'string', minLength: 1, maxLength: 200 },
          },
          {
            name: 'month',
            in: 'query',
            required: false,
            description:
              'The month the file belongs to (YYYY-MM): rows of visits, planned visits and invoices outside it are refused; a visits file replaces the visits file of the same month imported before',
            schema: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' },
          },
        ],
        requestBody: {
          required: true,
          description: 'The file, UTF-8, at most 200 MB; it may be sent chunked',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
            'application/jsonl': { schema: { type: 'string' } },
          },
        },
        responses: {
          '200': {
            description: 'Imported (or the same file, imported before)',
            content: json({ $ref: '#/components/schemas/ImportResult' }),
          },
          '400': problem('VALIDATION_FAILED: an unknown kind, format or adapter, or no file body; nothing was read'),
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': { $ref: '#/components/responses/Forbidden' },
          '413': problem('PAYLOAD_TOO_LARGE: the file is over 200 MB; it was not read further, nothing was imported'),
          '415': problem('FST_ERR_CTP_INVALID_MEDIA_TYPE: the body is not text/csv, application/x-ndjson or application/jsonl'),
          '422': problem(
            'VALIDATION_FAILED: the file was refused whole, nothing was imported; details.problems name the file, line and reason (a row of another municipality among them)',
          ),
          '429': { $ref: '#/components/responses/TooManyRequests' },
          '500': { $ref: '#/components/responses/InternalError' },
        },
      },
    },
  },
};
