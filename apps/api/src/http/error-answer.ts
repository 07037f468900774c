import { isNativeError } from 'node:util/types';
import { FastifyError } from '@fastify/error';
import { JsonLogger } from '@kommuna/platform-logging';
import { TenantContextMissingError } from '@kommuna/platform-tenancy';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** What a caller is told about an error a resolver or a route threw: the same for GraphQL and REST. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  /** Client-safe structured details, when the error carries them. */
  details?: unknown;
}

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/**
 * The error contract in one place (docs/architecture.md#layout-and-boundaries): only a
 * KommunaError is answered with its own code and status, and with its message when that is safe
 * to show. Anything else (a bug, a database error, a Node system error whose `code` is
 * ECONNREFUSED and whose message names an internal host) is logged with its stack and answered
 * INTERNAL_SERVER_ERROR with nothing of its own; so is a KommunaError of status 500 and up, which
 * keeps its code. Fastify's and Mercurius' own refusals of a request (FastifyError with a 4xx
 * status: a body too large, a malformed one, a method not allowed) are written for the caller and
 * keep their code and message.
 */
export function answerFor(error: unknown, logger: JsonLogger, context: string): ErrorAnswer {
  if (error instanceof TenantContextMissingError) {
    // The platform's own wording is for developers; the caller needs to know what to send.
    const tenant = error.what.includes('tenant');
    return tenant
      ? { status: 400, code: 'TENANT_REQUIRED', message: 'Name the municipality you act for: the X-Kommuna-Tenant header or its host name' }
      : { status: 400, code: 'SUBJECT_REQUIRED', message: 'This is for a signed-in resident, or a company they represent' };
  }
  if (error instanceof FastifyError && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, code: error.code, message: error.message };
  }
  if (!(error instanceof KommunaError)) {
    // isNativeError: also an Error made in another realm (a vm context), which instanceof misses.
    if (isNativeError(error)) logger.error(error.message, error.stack, context);
    else logger.error(String(error), undefined, context);
    return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_ERROR_MESSAGE };
  }
  const exposed = error.exposeMessage && error.status < 500;
  if (!exposed) logger.error(error, error.stack, context);
  const message = exposed ? error.message : INTERNAL_ERROR_MESSAGE;
  return error.details === undefined || !exposed
    ? { status: error.status, code: error.code, message }
    : { status: error.status, code: error.code, message, details: error.details };
}
