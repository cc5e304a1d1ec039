/**
 * The event log as the viewer may see it: replay pages and subscriptions (replay + live).
 * Cursors are validated here; permission comes from the policy's referral scope.
 */
import type { DataSource } from 'typeorm';
import { inReferralScope, referralScope } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import { BadUserInputError, UnauthenticatedError } from '../../errors';
import type { EventDispatcher } from '../../events/dispatcher';
import { readEvents } from '../../events/event-store';
import { EventSubscription } from '../../events/event-subscription';
import {
  decodeEventCursor,
  type EventFilterInput,
  type StoredEvent,
} from '../../events/event-types';

export const MAX_EVENT_PAGE = 500;

function cursorPosition(after: string | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  const position = decodeEventCursor(after);
  if (position === null) throw new BadUserInputError('Invalid cursor', 'after');
  return position;
}

export class EventService {
  constructor(
    private readonly ds: DataSource,
    private readonly dispatcher: EventDispatcher,
    private readonly bufferLimit: number,
  ) {}

  /** One page of the log after `after`, plus whether more follow. */
  async page(
    viewer: Viewer,
    after: string | null | undefined,
    first: number | null | undefined,
    filter: EventFilterInput,
  ): Promise<{ events: StoredEvent[]; hasNextPage: boolean }> {
    const size = first ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > MAX_EVENT_PAGE) {
      throw new BadUserInputError(`first must be between 1 and ${MAX_EVENT_PAGE}`, 'first');
    }
    const rows = await readEvents(this.ds, {
      afterPosition: cursorPosition(after) ?? '0',
      limit: size + 1,
      filter,
      scope: referralScope(viewer),
    });
    return { events: rows.slice(0, size), hasNextPage: rows.length > size };
  }

  /**
   * A subscription for this viewer: permission per event, ends at token expiry.
   * `beforeDeliver` lets the caller drop per-operation caches before each event.
   */
  subscribe(
    viewer: Viewer,
    after: string | null | undefined,
    filter: EventFilterInput,
    beforeDeliver: () => void,
  ): AsyncIterable<StoredEvent> {
    if (viewer.kind !== 'authenticated') throw new UnauthenticatedError();
    const scope = referralScope(viewer);
    return new EventSubscription(this.ds, this.dispatcher, {
      after: cursorPosition(after),
      filter,
      allowed: (e) => inReferralScope(scope, e),
      // An expired token ends the subscription: the client reconnects with a fresh one.
      expiresAt: viewer.expiresAt * 1000,
      expiredError: () => new UnauthenticatedError('Token expired'),
      beforeDeliver,
      bufferLimit: this.bufferLimit,
    });
  }
}
