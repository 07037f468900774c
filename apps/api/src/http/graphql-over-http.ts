import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ExecutionResult } from 'graphql';
import Negotiator from 'negotiator';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** The GraphQL-over-HTTP spec's own media type: its status codes mean what they say. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const LEGACY_JSON = 'application/json';
export type GraphQLMediaType = typeof GRAPHQL_RESPONSE_JSON | typeof LEGACY_JSON;

/** Where the api serves GraphQL (mercurius' default path). */
const GRAPHQL_PATH = '/graphql';

/**
 * The media type a GraphQL answer goes out as, by the request's Accept header: the spec's
 * application/graphql-response+json when the client prefers it (or accepts only it),
 * application/json otherwise, including for a missing Accept, for `*\/*`, and for an Accept that
 * names neither (the spec lets a server disregard it and answer its default).
 */
export function graphQLMediaType(accept: string | string[] | undefined): GraphQLMediaType {
  const header = Array.isArray(accept) ? accept.join(', ') : accept;
  // Order matters on a tie: `*/*` and equal preferences get the legacy type, as the spec asks.
  const chosen = new Negotiator({ headers: { accept: header } }).mediaType([LEGACY_JSON, GRAPHQL_RESPONSE_JSON]);
  return chosen === GRAPHQL_RESPONSE_JSON ? GRAPHQL_RESPONSE_JSON : LEGACY_JSON;
}

/**
 * The HTTP status of a GraphQL answer. With application/json the api keeps the status codes its
 * clients know (`legacyStatus`: 401/403 for a refused caller, 400 for a request that never
 * executed), which the spec allows for that media type. With application/graphql-response+json
 * the spec's rules hold: an answer with non-null data is 200 (it MUST be 2xx, even beside field
 * errors), one without data keeps its 4xx.
 */
export function graphQLHttpStatus(mediaType: GraphQLMediaType, execution: ExecutionResult, legacyStatus: number): number {
  if (mediaType === GRAPHQL_RESPONSE_JSON && execution.data !== undefined && execution.data !== null) return 200;
  return legacyStatus;
}

/** A POST that is not a well-formed GraphQL-over-HTTP request: 400 before anything is parsed. */
export class GraphQLRequestError extends KommunaError {
  readonly code = 'GRAPHQL_REQUEST_INVALID';
  readonly status = 400;
}

/** `variables` and `extensions` are maps when present; null stands for absent. */
const MAP_PARAMETERS = ['variables', 'extensions'] as const;

const isGraphQLRoute = (request: FastifyRequest) => request.routeOptions.url === GRAPHQL_PATH;

/**
 * The transport side of GraphQL over HTTP that mercurius leaves out. A POST's `variables` and
 * `extensions` must be maps: null is taken as absent (the spec says `"extensions": null` MUST be
 * allowed, while mercurius' body schema wants an object), anything else is refused with 400
 * (mercurius' schema, with Fastify's type coercion, lets a number through as variables). Every
 * answer on the GraphQL route, data or error, goes out as the media type the client asked for.
 */
export function registerGraphQLOverHttp(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const body = request.body as Record<string, unknown> | null | undefined;
    if (!isGraphQLRoute(request) || body === null || typeof body !== 'object' || Array.isArray(body)) return done();
    for (const name of MAP_PARAMETERS) {
      const value = body[name];
      if (value === null) delete body[name];
      else if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
        return done(new GraphQLRequestError(`"${name}" must be an object (a map of names to values), null or left out`));
      }
    }
    done();
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const sent = String(reply.getHeader('content-type') ?? '');
    if (isGraphQLRoute(request) && sent.startsWith(LEGACY_JSON) && graphQLMediaType(request.headers.accept) === GRAPHQL_RESPONSE_JSON) {
      reply.header('content-type', `${GRAPHQL_RESPONSE_JSON}; charset=utf-8`);
    }
    done(null, payload);
  });
}
