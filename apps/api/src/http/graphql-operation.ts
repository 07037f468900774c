import { DocumentNode, Kind } from 'graphql';

/**
 * The operation a GraphQL request ran, named by its root fields (e.g. `Query.myCases`): a label
 * from the schema, never from what the caller chose to call the operation.
 */
export function rootFieldsOf(document: DocumentNode): string {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const type = definition.operation === 'query' ? 'Query' : definition.operation === 'mutation' ? 'Mutation' : 'Subscription';
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(`${type}.${selection.name.value}`);
    }
  }
  const sorted = [...names].sort();
  return sorted.length > 3 ? `${sorted.slice(0, 3).join(',')},+${sorted.length - 3}` : sorted.join(',') || 'graphql';
}
