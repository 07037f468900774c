import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The realm a bearer token is asked for (RFC 6750), named in every 401's WWW-Authenticate. */
const REALM = 'kommuna';

const isGraphQL = (request: FastifyRequest) => request.url.startsWith('/graphql') || request.url.startsWith('/graphiql');

/** `Not Found` → `NOT_FOUND`: the code of an error that came with none but its status. */
const codeOfStatus = (status: number) => (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/**
 * The REST routes' answers as their OpenAPI documents promise. Every 401 names its scheme in
 * WWW-Authenticate (RFC 9110 requires it; RFC 6750 says how), with `error="invalid_token"` when a
 * token was sent and refused. An error that Fastify or Nest answered themselves before any route
 * ran (a body that is not JSON, a media type no parser takes, an unknown route) comes in their
 * shape, `{ statusCode, error, message }`: it is answered in the REST error shape, `{ code,
 * message }`, keeping Fastify's code where it gave one. GraphQL answers are left to the GraphQL
 * error formatter.
 */
export function registerRestAnswers(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) {
      reply.header(
        'www-authenticate',
        request.headers.authorization ? `Bearer realm="${REALM}", error="invalid_token"` : `Bearer realm="${REALM}"`,
      );
    }
    if (
      reply.statusCode < 400 ||
      isGraphQL(request) ||
      typeof payload !== 'string' ||
      !String(reply.getHeader('content-type') ?? '').startsWith('application/json')
    ) {
      return done(null, payload);
    }
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return done(null, payload);
    }
    const framework = body as { statusCode?: unknown; error?: unknown; code?: unknown; message?: unknown };
    if (typeof framework?.statusCode !== 'number' || typeof framework.error !== 'string') return done(null, payload);
    const code = typeof framework.code === 'string' ? framework.code : codeOfStatus(reply.statusCode);
    const message = Array.isArray(framework.message) ? framework.message.join('; ') : String(framework.message ?? framework.error);
    done(null, JSON.stringify({ code, message }));
  });
}
