/**
 * Compiled execution of queries over HTTP (graphql-jit). graphql-js interprets a document
 * anew on every request: per field it builds a resolve-info object, an argument object and
 * a path, and looks up the resolver; a caseload page of about 2,000 fields spent a few
 * milliseconds of CPU there. graphql-jit turns each (document, operation) into a function
 * once and reuses it: the hot operations (the caseload, a person view) are asked with the
 * same document again and again, and Apollo hands over the same parsed document object for
 * the same query text (its document cache), so the compiled function is kept per document.
 *
 * Apollo Server has no executor option; its gateway interface is the hook for one (the
 * schema stays ours, every plugin still runs around execution, and errors go through the
 * same formatting). What stays on graphql-js, so its answers and errors are exactly
 * graphql-js's:
 * - mutations and subscriptions (one-off writes; graphql-ws executes its own operations);
 * - a request whose variables do not coerce: graphql-js's messages, codes and HTTP 400;
 * - a document graphql-jit cannot compile;
 * - a document that selects `_entities` (federation): its resolver returns a list of
 *   promises, one per representation, and graphql-jit 0.8.9 writes a rejected item with
 *   `push(null)` instead of at its index, so when a denied entity settles after later ones
 *   the list comes back one element too long (seen in test/e2e/federation-entities.test.ts,
 *   one run in three). No other field of the hub returns a list of promises.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import {
  BREAK,
  execute,
  getVariableValues,
  visit,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Compiled = CompiledQuery | null;

/** Compiled operations of one document, by operation name ('' for the only one). */
const compiledByDocument = new WeakMap<DocumentNode, Map<string, Compiled>>();

function compiledFor(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): Compiled {
  let byName = compiledByDocument.get(document);
  if (!byName) {
    byName = new Map();
    compiledByDocument.set(document, byName);
  }
  const key = operationName ?? '';
  let compiled = byName.get(key);
  if (compiled === undefined && selectsField(document, ENTITIES_FIELD)) compiled = null;
  if (compiled === undefined) {
    try {
      const result = compileQuery(schema, document, operationName ?? undefined);
      compiled = isCompiledQuery(result) ? result : null;
    } catch {
      compiled = null;
    }
    byName.set(key, compiled);
  }
  return compiled;
}

/** The federation entry point whose list of promises graphql-jit mishandles (see above). */
const ENTITIES_FIELD = '_entities';

function selectsField(document: DocumentNode, name: string): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value !== name) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** How many operations of this document are compiled (for tests). */
export function compiledOperations(document: DocumentNode): number {
  return [...(compiledByDocument.get(document)?.values() ?? [])].filter(Boolean).length;
}

function interpreted(
  schema: GraphQLSchema,
  document: DocumentNode,
  contextValue: unknown,
  variableValues: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): Promise<ExecutionResult> {
  return Promise.resolve<ExecutionResult>(
    execute({ schema, document, contextValue, variableValues, operationName }),
  );
}

/** Runs an operation compiled when it is a query with valid variables, else with graphql-js. */
export function compiledExecutor(schema: GraphQLSchema): GatewayExecutor {
  return async ({ document, operation, request, context }) => {
    const variables = request.variables;
    const op: OperationDefinitionNode = operation;
    if (op.operation !== OperationTypeNode.QUERY)
      return interpreted(schema, document, context, variables, request.operationName);
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables ?? {});
    const compiled = coerced.errors ? null : compiledFor(schema, document, request.operationName);
    if (!compiled) return interpreted(schema, document, context, variables, request.operationName);
    return compiled.query(undefined, context, variables ?? {}) as Promise<ExecutionResult>;
  };
}

/**
 * The schema and the executor behind Apollo's gateway interface: one schema, loaded once,
 * never updated.
 */
export function compiledGateway(schema: GraphQLSchema): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor: compiledExecutor(schema) }),
    stop: () => Promise.resolve(),
  };
}
