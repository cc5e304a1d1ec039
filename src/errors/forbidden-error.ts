import { HubError, withCode } from './hub-error';

/**
 * The viewer is authenticated but the policy denies this operation or field. For a denied
 * field, `extensions.fieldGroup` names the group and `extensions.requires` what would allow
 * it (e.g. `consent:SFI`), so a client can explain the gap instead of guessing.
 */
export class ForbiddenError extends HubError {
  readonly code = 'FORBIDDEN' as const;

  constructor(
    message = 'Not allowed',
    extensions: { fieldGroup?: string; requires?: string } = {},
  ) {
    super(message, extensions);
    withCode(this);
  }
}
