import { HubError, withCode } from './hub-error';

/**
 * A subscriber fell too far behind (its buffer filled): the subscription ends; the client
 * resubscribes with `after` = the last cursor it processed and misses nothing.
 */
export class SubscriberTooSlowError extends HubError {
  readonly code = 'SUBSCRIBER_TOO_SLOW' as const;

  constructor(lastCursor: string | null) {
    super('Subscriber too slow: resubscribe with after = the last cursor you processed', {
      resumeAfter: lastCursor,
    });
    withCode(this);
  }
}
