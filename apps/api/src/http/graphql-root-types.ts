import type { GraphQLSchema } from 'graphql';

/**
 * Describes the root operation types, which code-first NestJS builds without a description (every type of
 * the schema has one: the schema lint, apps/api/src/schema-lint.spec.ts). Set on the built schema, before
 * it is served or printed.
 */
export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  if (query)
    query.description =
      "What can be read. Each field says who may call it; a municipality's data is that of the municipality the request addresses (X-Kommuna-Tenant or the host). A refusal is an error with extensions.code";
  const mutation = schema.getMutationType();
  if (mutation)
    mutation.description =
      'What can be changed, in the municipality the request addresses; each field says who may call it. A refusal is an error with extensions.code (extensions.details names the fields for VALIDATION_FAILED)';
  return schema;
}
