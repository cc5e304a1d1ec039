import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { HubError } from './hub-error';

/** `Variable "$x" got invalid value <value>; …` quotes the value, which may be a personnummer. */
const VARIABLE_VALUE = /^(Variable "\$[^"]+") got invalid value .*$/s;

/** The HubError thrown somewhere in the wrapping chain, if any. */
function findHubError(error: unknown): HubError | undefined {
  let current = error;
  while (current instanceof GraphQLError) {
    if (current instanceof HubError) return current;
    current = current.originalError;
  }
  return current instanceof HubError ? current : undefined;
}

/**
 * The input at fault in a variable coercion error, as BAD_USER_INPUT's `extensions.field`
 * names it elsewhere (`visitedAt`, `activities.0.startDate`): graphql-js writes the path
 * after the value (`… at "input.activities[0]"; …`) and, for a missing or unknown input
 * field, names it in the reason (`Field "startDate" of required type …`). Only names and
 * indices are taken, never the value. An invalid scalar variable is named by itself.
 */
function variableField(message: string): string | undefined {
  const variable = /^Variable "\$([_A-Za-z]\w*)" got invalid value /.exec(message)?.[1];
  if (!variable) return undefined;
  const path = new RegExp(` at "${variable}((?:\\.[_A-Za-z]\\w*|\\[\\d+\\])*)";\\s`).exec(
    message,
  )?.[1];
  const named = /;\s*Field "([_A-Za-z]\w*)" (?:of required type|is not defined by type)/.exec(
    message,
  )?.[1];
  const parts = [
    ...(path ?? '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter(Boolean),
    ...(named ? [named] : []),
  ];
  return parts.length ? parts.join('.') : variable;
}

function innermost(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * Code for a request error (no path: parse, validation, variable coercion). Apollo sets
 * one on HTTP; graphql-ws does not, so we derive the same one here for both transports.
 */
function requestErrorCode(formatted: GraphQLFormattedError): string {
  // graphql-js's token limit (parse option maxTokens) is a limit, not a syntax error.
  if (/Document contains more th(?:an|at) \d+ tokens/.test(formatted.message))
    return 'QUERY_TOO_COMPLEX';
  const code = formatted.extensions?.code;
  if (typeof code === 'string') return code;
  if (formatted.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (formatted.message.startsWith('Variable "$')) return 'BAD_USER_INPUT';
  return 'GRAPHQL_VALIDATION_FAILED';
}

/**
 * The one place that decides what a client sees of an error. Known errors pass with their
 * code and `extensions` (minus internals); GraphQL's own request errors pass with values
 * removed; everything else becomes INTERNAL_SERVER_ERROR with an id that is logged with
 * the real error, so support can find it. Used by Apollo (HTTP) and by graphql-ws.
 */
export interface FormatOptions {
  /** Production: no field suggestions ("Did you mean …") that reveal the schema. */
  hideSuggestions?: boolean;
}

export function formatError(
  logger: Logger,
  formatted: GraphQLFormattedError,
  error: unknown,
  options: FormatOptions = {},
): GraphQLFormattedError {
  const hubError = findHubError(error);
  if (hubError) {
    const { http: _http, ...extensions } = hubError.extensions as Record<string, unknown>;
    return {
      message: hubError.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions,
    };
  }
  // A request error has no path; it comes from GraphQL itself, before any resolver ran.
  if (error instanceof GraphQLError && !formatted.path) {
    let message = formatted.message.replace(VARIABLE_VALUE, '$1 has an invalid value for its type');
    if (options.hideSuggestions) message = message.replace(/ ?Did you mean .*$/s, '');
    const code = requestErrorCode(formatted);
    const field = code === 'BAD_USER_INPUT' ? variableField(formatted.message) : undefined;
    return {
      message,
      locations: formatted.locations,
      extensions: field ? { code, field } : { code },
    };
  }
  const errorId = randomUUID();
  logger.error({ errorId, err: innermost(error), path: formatted.path }, 'unexpected error masked');
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  };
}
