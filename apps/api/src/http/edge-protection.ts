import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '@kommuna/platform-auth';
import type { MeteredRequest } from './request-context.hook';
import { RequestBudgets } from './rate-limits';

/** Content types a browser may send cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-kommuna-csrf';

/**
 * Request bodies: 1 MiB everywhere but the letter routes, which carry PDFs and bulk CSVs, and the
 * call-recording upload and the home-care file upload (streamed by their routes, which stop
 * reading at the same limit).
 */
export const BODY_LIMITS = {
  default: 1024 * 1024,
  digitalMail: 12 * 1024 * 1024,
  aiRecording: 50 * 1024 * 1024,
  homeCareImport: 200 * 1024 * 1024,
} as const;
const AI_RECORDING_ROUTE = /^\/ai\/cases\/[^/?]+\/call-notes(\?|$)/;
const HOME_CARE_IMPORT_ROUTE = /^\/home-care\/imports\/[^/?]+(\?|$)/;
export const bodyLimitFor = (url: string): number =>
  url.startsWith('/digital-mail/')
    ? BODY_LIMITS.digitalMail
    : AI_RECORDING_ROUTE.test(url)
      ? BODY_LIMITS.aiRecording
      : HOME_CARE_IMPORT_ROUTE.test(url)
        ? BODY_LIMITS.homeCareImport
        : BODY_LIMITS.default;

/** A refusal in the shape of the route's answers: a GraphQL error on /graphql, the REST error body (`{ code, message }`) elsewhere. */
function refuse(reply: FastifyReply, status: number, code: string, message: string): void {
  const body = reply.request.url.startsWith('/graphql') ? { errors: [{ message, extensions: { code } }] } : { code, message };
  reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/**
 * The api's edge: security headers on every answer, CSRF refusal of cross-site "simple" requests
 * (bearer tokens are not ambient credentials, but nothing browser-reachable should act on a form
 * post), and rate limits per client and per municipality answered with 429 and Retry-After.
 * Registered after the request-context hook, so the caller and tenant are known.
 */
export function registerEdgeProtection(fastify: FastifyInstance, options: { production: boolean; budgets: RequestBudgets }): void {
  const { budgets } = options;
  fastify.addHook('onClose', async () => budgets.close());

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > bodyLimitFor(request.url)) {
      return refuse(reply, 413, 'PAYLOAD_TOO_LARGE', `Request body too large: at most ${bodyLimitFor(request.url)} bytes here`);
    }
    if (UNSAFE_METHODS.has(request.method)) {
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if ((type === '' || SIMPLE_CONTENT_TYPES.includes(type)) && request.headers[CSRF_HEADER] === undefined) {
        return refuse(reply, 415, 'CSRF_REJECTED', `Send application/json, or the ${CSRF_HEADER} header with this content type`);
      }
    }
    done();
  });

  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith('/health/')) return;
    const principal = (request as unknown as AuthenticatedRequest).authentication?.principal;
    const client = principal ? `sub:${principal.issuer}|${principal.subject}` : `ip:${request.ip}`;
    // The municipality as resolved from header or host: spellings of one name share one budget.
    const tenant = (request as MeteredRequest).kommunaTenantId ?? 'unknown';
    const wait = await budgets.take(client, tenant);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      refuse(reply, 429, 'RATE_LIMITED', `Too many requests; try again in ${wait} s`);
      return reply;
    }
  });

  // PostgreSQL text cannot hold NUL, so no valid input contains one: refuse it here with a clear
  // error instead of letting it reach a query (where it would fail as an internal error).
  fastify.addHook('preValidation', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const query = (request.body as { query?: unknown } | null | undefined)?.query;
    // In a GraphQL document a NUL may also come as the escape \u0000 inside a string literal.
    if (request.body !== undefined && (containsNul(request.body) || (typeof query === 'string' && /\\u0000/i.test(query)))) {
      return refuse(reply, 400, 'VALIDATION_FAILED', 'Text must not contain NUL characters (\\u0000)');
    }
    done();
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-resource-policy', 'same-site');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    // GraphiQL (development only) is a page with scripts; everything else is data.
    if (!request.url.startsWith('/graphiql')) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      reply.header('x-frame-options', 'DENY');
    }
    if (request.url.startsWith('/graphql')) reply.header('cache-control', 'no-store');
    if (options.production) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done(null, payload);
  });
}

/** Whether a parsed body holds a NUL in any string or key; iterative, so deep nesting is safe. */
export function containsNul(body: unknown): boolean {
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (value !== null && typeof value === 'object') {
      if (Buffer.isBuffer(value)) continue;
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}
