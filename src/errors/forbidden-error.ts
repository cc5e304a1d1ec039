import { HubError, withCode } from './hub-error';

/** The viewer is authenticated but the policy denies this operation or field. */
export class ForbiddenError extends HubError {
  readonly code = 'FORBIDDEN' as const;

  constructor(message = 'Not allowed') {
    super(message);
    withCode(this);
  }
}
