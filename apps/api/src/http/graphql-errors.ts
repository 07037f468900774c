import { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { JsonLogger } from '@kommuna/platform-logging';

/** Errors the platform raises on purpose carry a stable string code (docs/architecture.md#layout-and-boundaries). */
interface CodedError extends Error {
  code: string;
  /** Structured, client-safe details (e.g. every field error of a form submission). */
  details?: unknown;
}
const isCoded = (error: unknown): error is CodedError =>
  error instanceof Error && typeof (error as Partial<CodedError>).code === 'string' && /^[A-Z_]+$/.test((error as CodedError).code);

/** graphql-js' suggestion tail ("Did you mean \"myCases\"?"): it spells out the schema to whoever guesses. */
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

/**
 * The one place errors become GraphQL errors: coded errors keep their message, code and details;
 * GraphQL's own validation errors pass as they are (in production without their "Did you mean"
 * suggestions, as introspection is off there too); anything else is logged and answered as
 * INTERNAL_SERVER_ERROR without its message, stack or SQL.
 */
export function formatGraphQLError(error: GraphQLError, logger: JsonLogger, options: { production?: boolean } = {}): GraphQLFormattedError[] {
  const validationMessage = (message: string) => (options.production ? message.replace(SUGGESTION, '') : message);
  const original = error.originalError as (Error & { errors?: GraphQLError[] }) | undefined;
  // Mercurius wraps parse and validation failures in one error that lists the real ones.
  if (original && Array.isArray(original.errors) && original.errors.length > 0) {
    return original.errors.map((inner) => ({
      message: validationMessage(inner.message),
      locations: inner.locations,
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    }));
  }
  if (!original || original instanceof GraphQLError) {
    const code = (error.extensions?.code as string | undefined) ?? 'GRAPHQL_VALIDATION_FAILED';
    return [{ message: validationMessage(error.message), locations: error.locations, path: error.path, extensions: { code } }];
  }
  if (isCoded(original) && original.code === 'TENANT_CONTEXT_MISSING') {
    // The platform's own wording is for developers; the caller needs to know what to send.
    const tenant = String((original as { what?: unknown }).what ?? 'a tenant').includes('tenant');
    return [{
      message: tenant ? 'Name the municipality you act for: the X-Kommuna-Tenant header or its host name' : 'This is for a signed-in resident, or a company they represent',
      locations: error.locations,
      path: error.path,
      extensions: { code: tenant ? 'TENANT_REQUIRED' : 'SUBJECT_REQUIRED' },
    }];
  }
  if (isCoded(original)) {
    const extensions = original.details === undefined ? { code: original.code } : { code: original.code, details: original.details };
    return [{ message: original.message, locations: error.locations, path: error.path, extensions }];
  }
  logger.error(original, original.stack, 'GraphQL');
  return [{ message: 'Internal server error', path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } }];
}

/** HTTP status codes of the error codes that have one; the rest are GraphQL-level (200). */
export const STATUS_OF_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/**
 * 401/403 when access was refused, 400 when the request never executed (malformed or invalid),
 * otherwise 200 with errors beside the data.
 */
export function graphQLStatusCode(execution: ExecutionResult, errors: GraphQLFormattedError[]): number {
  for (const code of ['UNAUTHENTICATED', 'FORBIDDEN']) {
    if (errors.some((e) => e.extensions?.code === code)) return STATUS_OF_CODE[code];
  }
  return execution.data === undefined ? 400 : 200;
}
