import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { inReferralScope, referralScope } from '../auth/policy';
import type { Context } from '../context';
import { BadUserInputError, UnauthenticatedError } from '../errors';
import { readEvents } from '../events/event-store';
import {
  decodeEventCursor,
  encodeEventCursor,
  type EventFilterInput,
  type ReferralEventType,
  type StoredEvent,
} from '../events/event-types';
import { EventSubscription } from '../events/event-subscription';
import type { ReferralRecord } from '../services/referral-store';
import { EventConnection, EventFilter, Referral, ReferralEvent } from './types/referral';

function cursorPosition(after: string | null | undefined): string | null {
  if (after === null || after === undefined) return null;
  const position = decodeEventCursor(after);
  if (position === null) throw new BadUserInputError('Invalid cursor', 'after');
  return position;
}

function toFilter(f: EventFilter | null | undefined): EventFilterInput {
  return {
    types: (f?.types as ReferralEventType[] | null) ?? null,
    districtId: f?.districtId ?? null,
    jobCentreId: f?.jobCentreId ?? null,
    referralId: f?.referralId ?? null,
  };
}

/** Builds the live+replay iterator for one subscriber, checking permission per event. */
function subscribe(
  ctx: Context,
  after: string | null,
  filter: EventFilterInput,
): AsyncIterable<StoredEvent> {
  const viewer = ctx.viewer;
  if (viewer.kind !== 'authenticated') throw new UnauthenticatedError();
  const scope = referralScope(viewer);
  return new EventSubscription(ctx.services.dataSource, ctx.services.dispatcher, {
    after,
    filter,
    allowed: (e) => inReferralScope(scope, e),
    // An expired token ends the subscription: the client reconnects with a fresh one.
    expiresAt: viewer.expiresAt * 1000,
    expiredError: () => new UnauthenticatedError('Token expired'),
    // graphql-ws keeps one context per subscription: each event must resolve afresh.
    beforeDeliver: () => ctx.resetCaches(),
    bufferLimit: ctx.services.subscriberBufferLimit,
  });
}

@Resolver(() => ReferralEvent)
export class EventResolver {
  @Query(() => EventConnection, {
    description: 'Replay of the event log, oldest first, events the viewer may see',
  })
  async events(
    @Ctx() ctx: Context,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('first', () => Int, { nullable: true, description: '1–500, default 100' })
    first?: number | null,
    @Arg('filter', () => EventFilter, { nullable: true }) filter?: EventFilter | null,
  ) {
    const size = first ?? 100;
    if (!Number.isInteger(size) || size < 1 || size > 500)
      throw new BadUserInputError('first must be between 1 and 500', 'first');
    const rows = await readEvents(ctx.services.dataSource, {
      afterPosition: cursorPosition(after) ?? '0',
      limit: size + 1,
      filter: toFilter(filter),
      scope: referralScope(ctx.viewer),
    });
    const page = rows.slice(0, size);
    const edges = page.map((e) => ({ cursor: encodeEventCursor(e.position), node: e }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > size,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? after ?? null,
      },
    };
  }

  @Subscription(() => ReferralEvent, {
    description:
      'Referral events the viewer’s organisation is party to. With `after`, every matching event after that cursor first, then live events: no gap, no duplicate, no reordering.',
    subscribe: ({ args, context }) => {
      const a = args as { after?: string | null; filter?: EventFilter | null };
      return subscribe(context as Context, cursorPosition(a.after), toFilter(a.filter));
    },
  })
  referralEvents(
    @Root() event: StoredEvent,
    @Arg('filter', () => EventFilter, { nullable: true }) _filter?: EventFilter | null,
    @Arg('after', () => String, { nullable: true }) _after?: string | null,
  ): StoredEvent {
    return event;
  }

  @Subscription(() => ReferralEvent, {
    description: 'Återremittering events (REFERRAL_RETURNED), optionally for one district',
    subscribe: ({ args, context }) => {
      const a = args as { districtId?: string | null; after?: string | null };
      return subscribe(context as Context, cursorPosition(a.after), {
        types: ['REFERRAL_RETURNED'],
        districtId: a.districtId ?? null,
      });
    },
  })
  referralReturned(
    @Root() event: StoredEvent,
    @Arg('districtId', () => ID, { nullable: true }) _districtId?: string | null,
    @Arg('after', () => String, { nullable: true }) _after?: string | null,
  ): StoredEvent {
    return event;
  }

  @FieldResolver(() => String, {
    description: 'Opaque, strictly increasing in delivery order: pass as `after` to resume',
  })
  cursor(@Root() e: StoredEvent): string {
    return encodeEventCursor(e.position);
  }

  @FieldResolver(() => Referral, {
    nullable: true,
    description: 'The referral, resolved with the subscriber’s own permissions',
  })
  referral(@Root() e: StoredEvent, @Ctx() ctx: Context): Promise<ReferralRecord | null> {
    return ctx.referrals.referral(e.referralId);
  }
}
