/**
 * Limits on what one operation may ask for, checked before execution and identically over
 * HTTP and WebSocket: depth, aliases and directives (graphql-armor's validation rules),
 * tokens (graphql-js's own parse limit), and cost (graphql-query-complexity) where a
 * paginated field multiplies its selection by its page size. A breach is QUERY_TOO_COMPLEX.
 *
 * The analysis is kept per parsed document (Apollo and graphql-ws hand over the same
 * document object for the same query text): the rule checks need no variables and run once
 * per document; the cost depends only on the variables that reach a `first` argument or a
 * directive (`@include`, `@skip`), so it is kept per document and operation by their values
 * (a few per document). Every request still has its variables coerced first: a request
 * whose variables do not coerce gets no cost, exactly as when the cost is computed anew.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  Kind,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { QueryTooComplexError } from '../errors';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
}

/** The page size a connection field has when `first` is not given (persons, referrals). */
const DEFAULT_PAGE = 20;

/**
 * A field with `first` costs its selection times `first`; a connection without `first`
 * costs its selection times the default page size. Everything else falls through to
 * one point per field.
 */
const paginationEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const first = (args as { first?: unknown }).first;
  if (typeof first === 'number') return 1 + childComplexity * Math.max(first, 1);
  if (getNamedType(field.type).name.endsWith('Connection'))
    return 1 + childComplexity * DEFAULT_PAGE;
  return undefined;
};

/** Validation rules for depth, aliases and directives (no variables needed). */
export function limitRules(limits: QueryLimits): ValidationRule[] {
  // Report through the validation context (armor would otherwise throw out of validate());
  // limitErrors re-codes what is reported as QUERY_TOO_COMPLEX.
  const common = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err)],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ...common }),
    maxAliasesRule({ n: limits.maxAliases, ...common }),
    maxDirectivesRule({ n: limits.maxDirectives, ...common }),
  ];
}

function cleaned(message: string): string {
  return message.replace(/^Syntax Error: /, '');
}

/** What is known of one document under one schema and set of limits. */
interface DocumentAnalysis {
  /** Messages of the rule checks (depth, aliases, directives) that failed. */
  ruleMessages: string[];
  /** Per operation name ('' for none): the variables the cost depends on, and costs by their values. */
  operations: Map<string, OperationCosts | null>;
}

interface OperationCosts {
  operation: OperationDefinitionNode;
  /** Variables used in a `first` argument or in a directive's arguments. */
  variables: string[];
  /** Cost by the JSON of those variables' coerced values (null: cost could not be computed). */
  costs: Map<string, number | null>;
}

/** The key of the one cost an operation has when no variable changes it (costOf's key of no values). */
const NO_COST_VARIABLES = JSON.stringify([]);

/** Costs kept per operation: a hot document is asked with few distinct page sizes. */
const COSTS_PER_OPERATION = 32;

const analyses = new WeakMap<
  QueryLimits,
  WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentAnalysis>>
>();

function analysisOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: QueryLimits,
): DocumentAnalysis {
  let bySchema = analyses.get(limits);
  if (!bySchema) {
    bySchema = new WeakMap();
    analyses.set(limits, bySchema);
  }
  let byDocument = bySchema.get(schema);
  if (!byDocument) {
    byDocument = new WeakMap();
    bySchema.set(schema, byDocument);
  }
  let analysis = byDocument.get(document);
  if (!analysis) {
    analysis = {
      ruleMessages: validate(schema, document, limitRules(limits)).map((e) => cleaned(e.message)),
      operations: new Map(),
    };
    byDocument.set(document, analysis);
  }
  return analysis;
}

/** The operation getComplexity would pick, or null (it then throws: no cost). */
function pickOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((o) => o.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0] : null;
}

/**
 * Variables whose values can change the cost: those inside a `first` argument (the
 * pagination estimator) or a directive (skip/include), anywhere in the document (fragments
 * included). Anything else the estimators never read.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let inside = 0;
  visit(document, {
    Argument: {
      enter(node) {
        if (node.name.value === 'first') inside++;
      },
      leave(node) {
        if (node.name.value === 'first') inside--;
      },
    },
    Directive: {
      enter() {
        inside++;
      },
      leave() {
        inside--;
      },
    },
    Variable(node) {
      if (inside > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}

function operationCosts(
  analysis: DocumentAnalysis,
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationCosts | null {
  const key = operationName ?? '';
  let costs = analysis.operations.get(key);
  if (costs === undefined) {
    const operation = pickOperation(document, operationName);
    costs = operation ? { operation, variables: costVariables(document), costs: new Map() } : null;
    analysis.operations.set(key, costs);
  }
  return costs;
}

function computeCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null | undefined,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      estimators: [paginationEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Bad variables are reported by execution with their own code; cost can't be known.
    return null;
  }
}

/** The operation's cost, from what is kept when its cost variables had these values before. */
function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null | undefined,
  analysis: DocumentAnalysis,
  maxCost: number,
): number | null {
  const op = operationCosts(analysis, document, operationName);
  if (!op) return computeCost(schema, document, variables, operationName);
  // No variable can change this operation's cost, and the cost kept from valid values is
  // within the limit: the answer (no limit error) is the same for any values, bad ones
  // included (execution reports those), so they need not be coerced here first (for
  // createReferral's input that was 2 % of the hub's CPU per request). Over the limit, bad
  // variables still go on to give what a fresh analysis gives.
  if (op.variables.length === 0 && op.costs.has(NO_COST_VARIABLES)) {
    const kept = op.costs.get(NO_COST_VARIABLES) ?? null;
    if (kept === null || kept <= maxCost) return kept;
  }
  const coerced = getVariableValues(schema, op.operation.variableDefinitions ?? [], variables);
  // getComplexity coerces the same way and gives up: nothing to keep.
  if (coerced.errors) return null;
  const values = coerced.coerced;
  // [] for a variable not given, [value] otherwise (null and absent differ to graphql-js).
  const key = JSON.stringify(op.variables.map((name) => (name in values ? [values[name]] : [])));
  if (op.costs.has(key)) return op.costs.get(key) ?? null;
  const cost = computeCost(schema, document, variables, operationName);
  if (op.costs.size >= COSTS_PER_OPERATION) op.costs.clear();
  op.costs.set(key, cost);
  return cost;
}

/** Every limit breached by this operation, as QUERY_TOO_COMPLEX errors (empty when fine). */
export function limitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  limits: QueryLimits,
): GraphQLError[] {
  const analysis = analysisOf(schema, document, limits);
  if (analysis.ruleMessages.length)
    return analysis.ruleMessages.map((message) => new QueryTooComplexError(message));
  const cost = costOf(schema, document, variables ?? {}, operationName, analysis, limits.maxCost);
  if (cost !== null && cost > limits.maxCost) {
    return [
      new QueryTooComplexError(
        `Query cost ${cost} exceeds the limit of ${limits.maxCost} (page sizes multiply)`,
      ),
    ];
  }
  return [];
}
