import { GraphQLError } from 'graphql';

/**
 * Base of every error the hub raises on purpose. Its message and `extensions.code` are
 * safe to show a client, so messages must never quote personal data or input values.
 * Anything that is not a HubError (or a GraphQL parse/validation error) is masked.
 */
export abstract class HubError extends GraphQLError {
  abstract readonly code: string;

  constructor(message: string, extensions: Record<string, unknown> = {}) {
    // An expected outcome (a refusal, bad input), never a fault to trace: no stack frames.
    // Capturing them cost ~4% of a caseload request's CPU in the bench (one per FORBIDDEN
    // field), and nothing reads them — unexpected errors are other classes and keep theirs.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message, { extensions });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** Sets the literal code in extensions; called from each subclass constructor. */
export function withCode<T extends HubError>(error: T): T {
  (error.extensions as Record<string, unknown>).code = error.code;
  return error;
}
