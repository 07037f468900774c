import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';

/**
 * Takes away the resolver NestJS gives every `@Field` of an object type when all it does is read
 * the parent's property of the same name (`root[name]`, no default value, no field middleware).
 * Without a resolver, graphql-jit reads the property inline in the compiled query; with one, it
 * calls it through a promise-aware wrapper and builds a resolve info for every field of every
 * object: a third of the heap a Mina sidor overview page of 20 cases allocated (1,061 kB a request
 * before, about 710 kB after; ADR 0002 decision 19). Resolvers that do anything
 * else (a `@ResolveField`, a default value, middleware, a renamed property) are kept: each is
 * probed with a parent that records what is read, and only one that reads exactly its field's
 * name and hands the value back unchanged goes.
 */
export function withoutPropertyResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve && readsOnlyProperty(field.resolve, field.name)) field.resolve = undefined;
    }
  }
  return schema;
}

/** NestJS's own property reader (ObjectTypeDefinitionFactory.createFieldResolver), and it reads `name` and nothing else. */
function readsOnlyProperty(resolve: GraphQLFieldResolver<unknown, unknown>, name: string): boolean {
  if (resolve.name !== 'rootFieldResolver' || resolve.length !== 1) return false;
  const value = {};
  const read: PropertyKey[] = [];
  const parent = new Proxy(
    {},
    {
      get: (_target, key) => {
        read.push(key);
        return key === name ? value : undefined;
      },
    },
  );
  try {
    const found = (resolve as (root: unknown) => unknown)(parent);
    // A default value would stand in for an absent property: without the resolver the field would be null instead.
    const absent = (resolve as (root: unknown) => unknown)({});
    return found === value && absent === undefined && read.length === 1 && read[0] === name;
  } catch {
    return false;
  }
}
