import { GraphQLError } from 'graphql';

/**
 * Base of every error the hub raises on purpose. Its message and `extensions.code` are
 * safe to show a client, so messages must never quote personal data or input values.
 * Anything that is not a HubError (or a GraphQL parse/validation error) is masked.
 */
export abstract class HubError extends GraphQLError {
  abstract readonly code: string;

  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions });
  }
}

/** Sets the literal code in extensions; called from each subclass constructor. */
export function withCode<T extends HubError>(error: T): T {
  (error.extensions as Record<string, unknown>).code = error.code;
  return error;
}
