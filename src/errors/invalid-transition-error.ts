import { HubError, withCode } from './hub-error';

/** A workflow step that the current status does not allow. */
export class InvalidTransitionError extends HubError {
  readonly code = 'INVALID_TRANSITION' as const;

  constructor(message = 'This step is not allowed from the current status') {
    super(message);
    withCode(this);
  }
}
