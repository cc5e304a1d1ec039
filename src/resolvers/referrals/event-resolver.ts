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
import type { Context } from '../../context';
import { assertMayCall } from '../middleware/policy-guard';
import {
  encodeEventCursor,
  type EventFilterInput,
  type ReferralEventType,
  type StoredEvent,
} from '../../events/event-types';
import type { ReferralRecord } from '../../services/referrals/referral-store';
import { EventConnection, EventFilter, Referral, ReferralEvent } from './referral';

function toFilter(f: EventFilter | null | undefined): EventFilterInput {
  return {
    types: (f?.types as ReferralEventType[] | null) ?? null,
    districtId: f?.districtId ?? null,
    jobCentreId: f?.jobCentreId ?? null,
    referralId: f?.referralId ?? null,
  };
}

/** graphql-ws keeps one context per subscription: each event must resolve afresh. */
function subscribe(ctx: Context, after: string | null | undefined, filter: EventFilterInput) {
  return ctx.services.events.subscribe(ctx.viewer, after, filter, () => ctx.resetCaches());
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
    const { events, hasNextPage } = await ctx.services.events.page(
      ctx.viewer,
      after,
      first,
      toFilter(filter),
    );
    const edges = events.map((e) => ({ cursor: encodeEventCursor(e.position), node: e }));
    return {
      edges,
      pageInfo: {
        hasNextPage,
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
      assertMayCall((context as Context).viewer, 'Subscription', 'referralEvents');
      const a = args as { after?: string | null; filter?: EventFilter | null };
      return subscribe(context as Context, a.after, toFilter(a.filter));
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
      assertMayCall((context as Context).viewer, 'Subscription', 'referralReturned');
      const a = args as { districtId?: string | null; after?: string | null };
      return subscribe(context as Context, a.after, {
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
