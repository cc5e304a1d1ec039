import { HubError, withCode } from './hub-error';

/** A connector failed; the field resolves to null and the rest of the answer stands. */
export class SourceUnavailableError extends HubError {
  readonly code = 'SOURCE_UNAVAILABLE' as const;

  constructor(source: string, message = `Source ${source} is unavailable`) {
    super(message, { source });
    withCode(this);
  }
}
