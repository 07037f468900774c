import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AuthenticatedRequest, Authenticator, residentAssuranceProblem } from '@kommuna/platform-auth';
import { TenantDirectory } from '@kommuna/platform-persistence';
import { JsonLogger } from '@kommuna/platform-logging';
import { platformMetrics } from '@kommuna/platform-metrics';
import { requestContext } from '@kommuna/platform-tenancy';

export const TENANT_HEADER = 'x-kommuna-tenant';

/** What a request carries for its metrics: the municipality addressed and the GraphQL operation. */
export interface MeteredRequest {
  kommunaTenantId?: string;
  graphqlOperation?: string;
}
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Opens the request context for each request: a request id (the caller's X-Request-Id when
 * well-formed, else a new one), the municipality addressed by header or host, and for a citizen
 * their party id as the subject context. An unknown municipality or a bad token is not rejected
 * here: entry points that need them raise TENANT_NOT_FOUND or UNAUTHENTICATED (public ones don't).
 */
export function registerRequestContext(
  fastify: FastifyInstance,
  tenants: TenantDirectory,
  authenticator: Authenticator,
  logger: JsonLogger,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    reply.header('x-request-id', requestId);
    const named = request.headers[TENANT_HEADER];
    const tenant = typeof named === 'string' ? tenants.findBySlug(named) : tenants.findByHost(request.hostname.split(':')[0]);
    const tenantSlug = typeof named === 'string' ? named.slice(0, 64) : tenant?.slug;
    if (tenant?.lifecycle === 'closed') {
      reply.code(410).send({ errors: [{ message: `${tenant.names.sv} has left the platform`, extensions: { code: 'TENANT_CLOSED' } }] });
      return;
    }
    const readOnly = tenant?.lifecycle === 'suspended' || undefined;
    (request as MeteredRequest).kommunaTenantId = tenant?.id;
    authenticator.authenticate(request.headers.authorization).then(
      (authentication) => {
        (request as unknown as AuthenticatedRequest).authentication = authentication;
        // A resident below the municipality's e-legitimation level gets no subject context: their
        // own data stays closed to that login (the entry points say why: INSUFFICIENT_ASSURANCE).
        const { principal } = authentication;
        const subjectId =
          principal?.partyId !== undefined && !residentAssuranceProblem(principal, tenants, tenantSlug) ? principal.partyId : undefined;
        requestContext.run({ requestId, tenantSlug, tenantId: tenant?.id, subjectId, readOnly }, done);
      },
      (error: Error) => {
        // Not the caller's fault (e.g. the database is unreachable): say so without internals.
        logger.error(error, error.stack, 'RequestContext');
        reply
          .code(503)
          .header('retry-after', '5')
          .send({ errors: [{ message: 'Service temporarily unavailable', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      },
    );
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const metered = request as MeteredRequest;
    const labels = {
      tenant: platformMetrics.tenantLabel(metered.kommunaTenantId),
      operation: metered.graphqlOperation ?? request.routeOptions?.url ?? 'unmatched',
    };
    platformMetrics.requests.inc({ ...labels, status: String(reply.statusCode) });
    platformMetrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
    logger.event('info', 'request', {
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });
}
