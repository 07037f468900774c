import { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { JsonLogger } from '@kommuna/platform-logging';
import { answerFor } from './error-answer';

/** graphql-js' suggestion tail ("Did you mean \"myCases\"?"): it spells out the schema to whoever guesses. */
const SUGGESTION = /\s*Did you mean [^?]*\?\s*$/;

/**
 * The one place errors become GraphQL errors: GraphQL's own validation errors pass as they are
 * (in production without their "Did you mean" suggestions, as introspection is off there too);
 * everything a resolver threw is answered by the error contract (answerFor): a KommunaError with
 * its code, message and details, anything else logged and answered as INTERNAL_SERVER_ERROR
 * without its message, stack or SQL.
 */
export function formatGraphQLError(
  error: GraphQLError,
  logger: JsonLogger,
  options: { production?: boolean } = {},
): GraphQLFormattedError[] {
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
  const answer = answerFor(original, logger, 'GraphQL');
  if (answer.code === 'INTERNAL_SERVER_ERROR') return [{ message: answer.message, path: error.path, extensions: { code: answer.code } }];
  const extensions = answer.details === undefined ? { code: answer.code } : { code: answer.code, details: answer.details };
  return [{ message: answer.message, locations: error.locations, path: error.path, extensions }];
}

/** The error codes that set a GraphQL response's HTTP status; the rest are answered 200 beside the data. */
const STATUS_OF_CODE: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, INSUFFICIENT_ASSURANCE: 403 };

/**
 * 401/403 when access was refused, 400 when the request never executed (malformed or invalid),
 * otherwise 200 with errors beside the data.
 */
export function graphQLStatusCode(execution: ExecutionResult, errors: GraphQLFormattedError[]): number {
  for (const code of Object.keys(STATUS_OF_CODE)) {
    if (errors.some((e) => e.extensions?.code === code)) return STATUS_OF_CODE[code];
  }
  return execution.data === undefined ? 400 : 200;
}
