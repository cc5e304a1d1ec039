import { HubError, withCode } from './hub-error';

/** Input that fails validation. `field` names the input at fault, when there is one. */
export class BadUserInputError extends HubError {
  readonly code = 'BAD_USER_INPUT' as const;

  constructor(message: string, field?: string) {
    super(message, field ? { field } : {});
    withCode(this);
  }
}
