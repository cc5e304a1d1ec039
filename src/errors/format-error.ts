import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { HubError } from './hub-error';

/** `Variable "$x" got invalid value <value>; …` quotes the value, which may be a personnummer. */
const VARIABLE_VALUE = /^(Variable "\$[^"]+") got invalid value .*$/s;

function unwrap(error: unknown): unknown {
  // Resolver errors arrive wrapped in a GraphQLError whose originalError is what was thrown.
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * The one place that decides what a client sees of an error. Known errors pass with their
 * code and `extensions` (minus internals); everything else becomes INTERNAL_SERVER_ERROR
 * with an id that is logged together with the real error, so support can find it.
 * Used by Apollo (HTTP) and by graphql-ws, so both transports mask alike.
 */
export function formatError(
  logger: Logger,
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = unwrap(error);
  if (original instanceof HubError) {
    const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions,
    };
  }
  // GraphQL's own request errors (parse, validation, variable coercion) carry no path.
  if (original instanceof GraphQLError && !formatted.path) {
    const code = formatted.extensions?.code;
    return {
      message: formatted.message.replace(VARIABLE_VALUE, '$1 has an invalid value for its type'),
      locations: formatted.locations,
      extensions: { code: typeof code === 'string' ? code : 'GRAPHQL_VALIDATION_FAILED' },
    };
  }
  const errorId = randomUUID();
  logger.error({ errorId, err: original, path: formatted.path }, 'unexpected error masked');
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
  };
}
