import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, ValidationContext, ValidationRule, ASTVisitor } from 'graphql';

/** What one GraphQL request may ask for; generous for real screens, fatal to amplification. */
export const GRAPHQL_LIMITS = {
  /** Nesting depth of selections (mercurius' queryDepth). */
  depth: 12,
  /** Aliased fields in one document: aliases multiply the work of a single request. */
  aliases: 30,
  /** Field selections in one document, fragments expanded once per use: a cost ceiling. */
  fields: 1000,
} as const;

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_LIMIT_EXCEEDED' } });

/** Refuses documents with more aliases than GRAPHQL_LIMITS.aliases. */
export const aliasLimitRule: ValidationRule = (context: ValidationContext): ASTVisitor => {
  let aliases = 0;
  return {
    Field(node) {
      if (node.alias && ++aliases === GRAPHQL_LIMITS.aliases + 1) {
        context.reportError(limitError(`Too many aliases: at most ${GRAPHQL_LIMITS.aliases} per request`));
      }
    },
  };
};

/**
 * Refuses documents whose selections, with every fragment spread expanded where it is used,
 * exceed GRAPHQL_LIMITS.fields: fragments reused many times cannot hide a huge query.
 */
export const fieldCostRule: ValidationRule = (context: ValidationContext): ASTVisitor => {
  const fragmentCost = new Map<string, number>();
  const costOf = (selections: readonly any[], seen: Set<string>): number => {
    let cost = 0;
    for (const selection of selections) {
      if (cost > GRAPHQL_LIMITS.fields) break;
      if (selection.kind === Kind.FIELD) {
        cost += 1 + (selection.selectionSet ? costOf(selection.selectionSet.selections, seen) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += costOf(selection.selectionSet.selections, seen);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name)) continue; // cycles are reported by the standard rules
        if (!fragmentCost.has(name)) {
          const fragment = context.getFragment(name);
          fragmentCost.set(name, fragment ? costOf(fragment.selectionSet.selections, new Set([...seen, name])) : 0);
        }
        cost += fragmentCost.get(name)!;
      }
    }
    return cost;
  };
  return {
    OperationDefinition(node) {
      if (costOf(node.selectionSet.selections, new Set()) > GRAPHQL_LIMITS.fields) {
        context.reportError(limitError(`Query too large: at most ${GRAPHQL_LIMITS.fields} fields per request`));
      }
    },
  };
};

/** The extra validation rules of the api; in production the schema is not introspectable. */
export function graphQLValidationRules(production: boolean): ValidationRule[] {
  return [aliasLimitRule, fieldCostRule, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}
