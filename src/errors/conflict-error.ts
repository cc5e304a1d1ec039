import { HubError, withCode } from './hub-error';

/** A stale expectedVersion, or an idempotency key reused with other input. */
export class ConflictError extends HubError {
  readonly code = 'CONFLICT' as const;

  constructor(message = 'Conflict') {
    super(message);
    withCode(this);
  }
}
