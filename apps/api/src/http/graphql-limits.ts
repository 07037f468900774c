import {
  ASTVisitor,
  DocumentNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
  visit,
  BREAK,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/** What one GraphQL request may ask for; generous for real screens, fatal to amplification. */
export const GRAPHQL_LIMITS = {
  /** Nesting depth of selections, inline fragments included (introspection aside: see depthLimitRule). */
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

/** The introspection entry points: their selections are as deep as the type system, not the data. */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Refuses operations nested deeper than GRAPHQL_LIMITS.depth: every field and inline fragment is
 * a level, a fragment spread counts as its fragment's selections. Introspection (`__schema`,
 * `__type`) is not counted: the standard introspection query that GraphiQL, graphql-codegen and
 * IDEs send nests `ofType` 15 levels deep, it walks the schema rather than data, and in
 * production introspection is refused altogether (graphQLValidationRules).
 */
export const depthLimitRule: ValidationRule = (context: ValidationContext): ASTVisitor => {
  // A fragment's depth is the same wherever it is spread: counted once, so reuse costs nothing.
  const fragmentDepths = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (selectionSet: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_ROOTS.has(selection.name.value)) continue;
        deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
      } else {
        const name = selection.name.value;
        const fragment = context.getFragment(name);
        // An unknown or cyclic fragment is reported by graphql-js' own rules.
        if (!fragment || visiting.has(name)) continue;
        let fragmentDepth = fragmentDepths.get(name);
        if (fragmentDepth === undefined) {
          visiting.add(name);
          fragmentDepth = depthOf(fragment.selectionSet);
          visiting.delete(name);
          fragmentDepths.set(name, fragmentDepth);
        }
        deepest = Math.max(deepest, fragmentDepth);
      }
    }
    return deepest;
  };
  return {
    OperationDefinition(operation) {
      const depth = depthOf(operation.selectionSet);
      if (depth > GRAPHQL_LIMITS.depth) {
        const name = operation.name ? `'${operation.name.value}'` : 'The operation';
        context.reportError(limitError(`${name} exceeds the query depth limit of ${GRAPHQL_LIMITS.depth}: it is ${depth} levels deep`));
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
export function assertAffordable(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string,
): void {
  // Walking the document cost 3 % of the Mina sidor overview's CPU (docs/adr/0002, decision 19).
  // Every field's cost is a number (FIELD_COST), so variables change a document's cost only
  // through a directive (@skip/@include) that takes one: otherwise the cost is remembered for the
  // parsed document (Mercurius keeps one per query text) and operation.
  let costs = knownCosts.get(schema)?.get(document);
  let cost = costs?.get(operationName ?? '');
  if (cost === undefined) {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
    if (!directiveTakesVariable(document)) {
      if (!costs) {
        costs = new Map();
        if (!knownCosts.has(schema)) knownCosts.set(schema, new WeakMap());
        knownCosts.get(schema)!.set(document, costs);
      }
      costs.set(operationName ?? '', cost);
    }
  }
  if (cost > GRAPHQL_LIMITS.fields) {
    throw limitError(
      `Query too large: it costs ${cost}, at most ${GRAPHQL_LIMITS.fields} per request (a field counts 1, a PDF ${FIELD_COST.pdf})`,
    );
  }
}

/** Costs of parsed documents whose cost no variable changes, per schema, document and operation name. */
const knownCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();

/** Whether any directive in the document takes a variable (e.g. `@include(if: $details)`). */
function directiveTakesVariable(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(directive) {
      if (directive.arguments?.some((argument) => argument.value.kind !== Kind.NULL && containsVariable(argument.value))) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function containsVariable(value: import('graphql').ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(containsVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => containsVariable(field.value));
  return false;
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
  return [aliasLimitRule, depthLimitRule, ...(production ? [NoSchemaIntrospectionCustomRule] : [])];
}
