import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { JsonLogger } from '@kommuna/platform-logging';
import { requestContext } from '@kommuna/platform-tenancy';

export const TENANT_HEADER = 'x-kommuna-tenant';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Opens the request context for each request: a request id (the caller's X-Request-Id when
 * well-formed, else a new one) and the municipality addressed by header or host. An unknown
 * municipality is not rejected here: whatever needs it raises TENANT_NOT_FOUND.
 */
export function registerRequestContext(fastify: FastifyInstance, tenants: TenantDirectory, logger: JsonLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    reply.header('x-request-id', requestId);
    const named = request.headers[TENANT_HEADER];
    const tenant =
      typeof named === 'string' ? tenants.findBySlug(named) : tenants.findByHost(request.hostname.split(':')[0]);
    const tenantSlug = typeof named === 'string' ? named.slice(0, 64) : tenant?.slug;
    requestContext.run({ requestId, tenantSlug, tenantId: tenant?.id }, done);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    logger.event('info', 'request', {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });
}
