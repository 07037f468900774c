import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '@kommuna/platform-auth';
import { TENANT_HEADER } from './request-context.hook';

export interface RateLimits {
  /** Requests per minute one client (a token subject, else an IP address) may make. */
  perClientPerMinute: number;
  /** Requests per minute all callers together may make to one municipality. */
  perTenantPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perClientPerMinute: 1200, perTenantPerMinute: 30000 };

/** Content types a browser may send cross-site without a CORS preflight. */
const SIMPLE_CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_HEADER = 'x-kommuna-csrf';

/** Request bodies: 1 MiB everywhere but the letter routes, which carry PDFs and bulk CSVs. */
export const BODY_LIMITS = { default: 1024 * 1024, digitalMail: 12 * 1024 * 1024 } as const;
export const bodyLimitFor = (url: string): number => (url.startsWith('/digital-mail/') ? BODY_LIMITS.digitalMail : BODY_LIMITS.default);

function refuse(reply: FastifyReply, status: number, code: string, message: string): void {
  reply.code(status).header('content-type', 'application/json; charset=utf-8').send({ errors: [{ message, extensions: { code } }] });
}

/**
 * Token buckets kept in a bounded map: an idle bucket is full again and may be forgotten, so the
 * oldest entries are evicted past `maxKeys` and memory stays flat however many clients call.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one token from `key`'s bucket; returns 0 when allowed, else the seconds to wait. */
  take(key: string, perMinute: number): number {
    const now = this.now();
    const ratePerMs = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: perMinute, at: now };
    this.buckets.delete(key); // re-inserted below: the map stays ordered by last use
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The api's edge: security headers on every answer, CSRF refusal of cross-site "simple" requests
 * (bearer tokens are not ambient credentials, but nothing browser-reachable should act on a form
 * post), and rate limits per client and per municipality answered with 429 and Retry-After.
 * Registered after the request-context hook, so the caller and tenant are known.
 */
export function registerEdgeProtection(
  fastify: FastifyInstance,
  options: { production: boolean; rateLimits?: RateLimits; limiter?: RateLimiter },
): void {
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const limiter = options.limiter ?? new RateLimiter();

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > bodyLimitFor(request.url)) {
      return refuse(reply, 413, 'PAYLOAD_TOO_LARGE', `Request body too large: at most ${bodyLimitFor(request.url)} bytes here`);
    }
    if (UNSAFE_METHODS.has(request.method)) {
      const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if ((type === '' || SIMPLE_CONTENT_TYPES.includes(type)) && request.headers[CSRF_HEADER] === undefined) {
        return refuse(reply, 415, 'CSRF_REJECTED', `Send application/json, or the ${CSRF_HEADER} header with this content type`);
      }
    }
    if (request.url.startsWith('/health/')) return done();
    const principal = (request as unknown as AuthenticatedRequest).authentication?.principal;
    const client = principal ? `sub:${principal.issuer}|${principal.subject}` : `ip:${request.ip}`;
    const tenant = request.headers[TENANT_HEADER] ?? request.hostname;
    const wait = Math.max(limiter.take(client, limits.perClientPerMinute), limiter.take(`tenant:${String(tenant)}`, limits.perTenantPerMinute));
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return refuse(reply, 429, 'RATE_LIMITED', `Too many requests; try again in ${wait} s`);
    }
    done();
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
