import { GraphQLError, NoSchemaIntrospectionCustomRule, ValidationContext, ValidationRule, ASTVisitor } from 'graphql';
import { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';

/** What one GraphQL request may ask for; generous for real screens, fatal to amplification. */
export const GRAPHQL_LIMITS = {
  /** Nesting depth of selections (mercurius' queryDepth). */
  depth: 12,
  /** Aliased fields in one document: aliases multiply the work of a single request. */
  aliases: 30,
  /** Cost of one document (fields, fragments expanded once per use; a PDF costs FIELD_COST.pdf). */
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
 * Refuses documents whose cost, with every fragment spread expanded where it is used, exceeds
 * GRAPHQL_LIMITS.fields: each field costs 1 plus its children, and a field that does real work
 * (rendering a PDF) declares more with `complexity` on its decorator (see FIELD_COST), so one
 * request cannot ask for thirty PDFs through aliases.
 */
export const fieldCostRule: ValidationRule = createComplexityRule({
    maximumComplexity: GRAPHQL_LIMITS.fields,
    variables: {},
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    createError: (max: number, actual: number) =>
      limitError(`Query too large: it costs ${actual}, at most ${max} per request (a field counts 1, a PDF ${FIELD_COST.pdf})`),
});

/** What a field that does real work costs, in plain fields (declared as the field's `complexity`). */
export const FIELD_COST = {
  /** Rendering a PDF: about as long as answering a hundred plain fields. */
  pdf: 100,
} as const;

/** The extra validation rules of the api; in production the schema is not introspectable. */
export function graphQLValidationRules(production: boolean): ValidationRule[] {
  return [aliasLimitRule, fieldCostRule, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}
