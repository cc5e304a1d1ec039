/**
 * Limits on what one operation may ask for, checked before execution and identically over
 * HTTP and WebSocket: depth, aliases and directives (graphql-armor's validation rules),
 * tokens (graphql-js's own parse limit), and cost (graphql-query-complexity) where a
 * paginated field multiplies its selection by its page size. A breach is QUERY_TOO_COMPLEX.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNamedType,
  GraphQLError,
  validate,
  type DocumentNode,
  type GraphQLSchema,
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

/** Every limit breached by this operation, as QUERY_TOO_COMPLEX errors (empty when fine). */
export function limitErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  limits: QueryLimits,
): GraphQLError[] {
  const ruleErrors = validate(schema, document, limitRules(limits));
  if (ruleErrors.length) return ruleErrors.map((e) => new QueryTooComplexError(cleaned(e.message)));
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [paginationEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Bad variables are reported by execution with their own code; cost can't be known.
    return [];
  }
  if (cost > limits.maxCost) {
    return [
      new QueryTooComplexError(
        `Query cost ${cost} exceeds the limit of ${limits.maxCost} (page sizes multiply)`,
      ),
    ];
  }
  return [];
}
