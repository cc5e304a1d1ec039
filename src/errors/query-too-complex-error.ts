import { HubError, withCode } from './hub-error';

/** The operation exceeds a depth, alias, token or cost limit; rejected before execution. */
export class QueryTooComplexError extends HubError {
  readonly code = 'QUERY_TOO_COMPLEX' as const;

  constructor(message = 'Query too complex') {
    super(message);
    withCode(this);
  }
}
