import { DocumentNode, Kind, Location } from 'graphql';
import { KommunaError } from '@kommuna/shared-service-contracts';

/** A query that is not GraphQL text: 400 with its own code, not an internal error. */
export class GraphQLDocumentError extends KommunaError {
  readonly code = 'GRAPHQL_PARSE_FAILED';
  readonly status = 400;
}

/**
 * Lets through only documents graphql-js parsed from text (they carry a Location). Mercurius
 * falls back to JSON.parse when the text is not GraphQL, so a JSON body sent as
 * application/graphql, or a JSON syntax tree as `query`, would reach validation as an unchecked
 * object and fail there as an internal error.
 */
export function assertParsedFromText(document: DocumentNode): void {
  if (!(document?.loc instanceof Location)) {
    throw new GraphQLDocumentError(
      'The query is not a GraphQL document: send GraphQL text (application/graphql) or {"query": "<GraphQL text>"} (application/json)',
    );
  }
}

/**
 * The operation a GraphQL request ran, for its metrics label: its one root field (e.g.
 * `Query.myCases`), or `Query.(several)` when it asks for more. A label from the schema, never from
 * what the caller chose to call the operation, and never a combination of fields: the label's
 * values stay bounded by the schema's root fields however callers mix them.
 */
export function rootFieldsOf(document: DocumentNode): string {
  const names = new Set<string>();
  let type = '';
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    type = definition.operation === 'query' ? 'Query' : definition.operation === 'mutation' ? 'Mutation' : 'Subscription';
    for (const selection of definition.selectionSet.selections) {
      names.add(selection.kind === Kind.FIELD ? `${type}.${selection.name.value}` : `${type}.(several)`);
    }
  }
  if (names.size === 1) return [...names][0];
  return names.size > 1 ? `${type}.(several)` : 'graphql';
}
