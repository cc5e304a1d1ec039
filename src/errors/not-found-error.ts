import { HubError, withCode } from './hub-error';

/** The requested object does not exist (or the viewer may not know that it exists). */
export class NotFoundError extends HubError {
  readonly code = 'NOT_FOUND' as const;

  constructor(message = 'Not found') {
    super(message);
    withCode(this);
  }
}
