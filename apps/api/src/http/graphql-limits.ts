import { ASTVisitor, DocumentNode, GraphQLError, GraphQLSchema, NoSchemaIntrospectionCustomRule, ValidationContext, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

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
 * Refuses a request whose cost, with every fragment spread expanded where it is used, exceeds
 * GRAPHQL_LIMITS.fields: each field costs 1 plus its children, and a field that does real work
 * (rendering a PDF) declares more with `complexity` on its decorator (see FIELD_COST), so one
 * request cannot ask for thirty PDFs through aliases. Checked before execution rather than as a
 * validation rule: the cost needs the request's variables, and validation results are cached per
 * document text, without them.
 */
export function assertAffordable(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string): void {
  const cost = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  if (cost > GRAPHQL_LIMITS.fields) {
    throw limitError(`Query too large: it costs ${cost}, at most ${GRAPHQL_LIMITS.fields} per request (a field counts 1, a PDF ${FIELD_COST.pdf})`);
  }
}

/** The operation a GraphQL POST or GET names, if any (a document sent as application/graphql names none). */
export function operationNameOf(body: unknown): string | undefined {
  const name = typeof body === 'object' && body !== null ? (body as { operationName?: unknown }).operationName : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** What a field that does real work costs, in plain fields (declared as the field's `complexity`). */
export const FIELD_COST = {
  /** Rendering a PDF: about as long as answering a hundred plain fields. */
  pdf: 100,
} as const;

/** The extra validation rules of the api; in production the schema is not introspectable. */
export function graphQLValidationRules(production: boolean): ValidationRule[] {
  return [aliasLimitRule, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}
