import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { WebhookDeliveryRow, WebhookEndpointChangeRow } from '../../entities';
import { BadUserInputError } from '../../errors';
import { decodeEventCursor, encodeEventCursor } from '../../events/event-types';
import type { WebhookEndpointRecord } from '../../services/webhooks/endpoint-store';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  ReplayWebhookEndpointInput,
  RotateWebhookSecretInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointChange,
  WebhookEndpointConnection,
  WebhookEndpointIdInput,
  WebhookEventFilter,
} from './webhook';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Query(() => WebhookEndpointConnection, {
    description: 'The webhook endpoints of the caller’s organisation and role, oldest first',
  })
  async webhookEndpoints(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<WebhookEndpointConnection> {
    return endpointPage(await ctx.services.webhooks.list(ctx.viewer), first, after);
  }

  @Query(() => WebhookEndpoint, {
    nullable: true,
    description: 'One of the caller’s webhook endpoints; anyone else’s: NOT_FOUND',
  })
  webhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.get(ctx.viewer, id);
  }

  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      'A new webhook endpoint, receiving the events the caller could subscribe to, as the caller’s role receives them. The signing secret is in this answer only.',
  })
  createWebhookEndpoint(
    @Arg('input') input: CreateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    return ctx.services.webhooks.create(ctx.viewer, ctx.requestId, {
      url: input.url,
      description: input.description,
      after: input.after,
      filter: input.filter
        ? {
            types: input.filter.types ?? null,
            districtId: input.filter.districtId ?? null,
            jobCentreId: input.filter.jobCentreId ?? null,
            referralId: input.filter.referralId ?? null,
          }
        : null,
    });
  }

  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      'A new signing secret; the old one keeps signing too (both signatures are sent) for the grace period',
  })
  rotateWebhookSecret(
    @Arg('input') input: RotateWebhookSecretInput,
    @Ctx() ctx: Context,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    return ctx.services.webhooks.rotateSecret(ctx.viewer, ctx.requestId, input.id, graceOf(input));
  }

  @Mutation(() => WebhookEndpoint, { description: 'Stop delivering (the cursor stays)' })
  disableWebhookEndpoint(
    @Arg('input') input: WebhookEndpointIdInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.setState(ctx.viewer, ctx.requestId, input.id, 'DISABLED');
  }

  @Mutation(() => WebhookEndpoint, {
    description: 'Deliver again, from the cursor: the event that failed is the next one sent',
  })
  enableWebhookEndpoint(
    @Arg('input') input: WebhookEndpointIdInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.setState(ctx.viewer, ctx.requestId, input.id, 'ENABLED');
  }

  @Mutation(() => WebhookEndpoint, {
    description:
      'Send again every event after `after` (an event cursor; null: from the start of the log), in order',
  })
  replayWebhookEndpoint(
    @Arg('input') input: ReplayWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.replay(ctx.viewer, ctx.requestId, input.id, input.after ?? null);
  }

  @FieldResolver(() => WebhookEventFilter)
  filter(@Root() e: WebhookEndpointRecord): WebhookEventFilter {
    return {
      types: e.filter.types ?? null,
      districtId: e.filter.districtId ?? null,
      jobCentreId: e.filter.jobCentreId ?? null,
      referralId: e.filter.referralId ?? null,
    };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'The cursor of the last acknowledged (or skipped) event: delivery continues after it; null before the first event of the log',
  })
  cursor(@Root() e: WebhookEndpointRecord): string | null {
    return e.cursorPosition === '0' ? null : encodeEventCursor(e.cursorPosition);
  }

  @FieldResolver(() => String, { description: 'The position of that event (0: none yet)' })
  position(@Root() e: WebhookEndpointRecord): string {
    return String(e.cursorPosition);
  }

  @FieldResolver(() => [WebhookDelivery], {
    description: 'The latest deliveries, newest event first',
  })
  async deliveries(
    @Root() e: WebhookEndpointRecord,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'A delivery’s `cursor`: the deliveries of older events than it',
    })
    after?: string | null,
  ): Promise<(WebhookDeliveryRow & { cursor: string })[]> {
    const before = after ? decodeEventCursor(after) : null;
    if (after && before === null) throw new BadUserInputError('Invalid cursor', 'after');
    const rows = await ctx.services.webhooks.deliveries(e.id, first ?? 20, before);
    return rows.map((r) => ({
      ...r,
      position: String(r.position),
      cursor: encodeEventCursor(String(r.position)),
    }));
  }

  @FieldResolver(() => [WebhookEndpointChange], {
    description: 'Who changed the endpoint, newest first (the hub too, when it disabled it)',
  })
  changes(
    @Root() e: WebhookEndpointRecord,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20' })
    first?: number | null,
  ): Promise<WebhookEndpointChangeRow[]> {
    return ctx.services.webhooks.changes(e.id, first ?? 20);
  }
}

/** `graceSeconds`, or the deprecated `gracePeriodSeconds` it replaced (not both, differing). */
function graceOf(input: RotateWebhookSecretInput): number | null | undefined {
  const { graceSeconds, gracePeriodSeconds } = input;
  if (graceSeconds != null && gracePeriodSeconds != null && graceSeconds !== gracePeriodSeconds)
    throw new BadUserInputError(
      'Give graceSeconds only (gracePeriodSeconds is its deprecated name)',
      'gracePeriodSeconds',
    );
  return graceSeconds ?? gracePeriodSeconds;
}

const ENDPOINT_CURSOR = 'webhook-endpoint:';

/** One page of the caller's endpoints (a handful per organisation: paged in memory). */
function endpointPage(
  all: WebhookEndpointRecord[],
  first: number | null | undefined,
  after: string | null | undefined,
): WebhookEndpointConnection {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > 100)
    throw new BadUserInputError('first must be between 1 and 100', 'first');
  let start = 0;
  if (after) {
    const id = Buffer.from(after, 'base64url').toString('utf8');
    const at = id.startsWith(ENDPOINT_CURSOR)
      ? all.findIndex((e) => e.id === id.slice(ENDPOINT_CURSOR.length))
      : -1;
    if (at < 0) throw new BadUserInputError('Invalid cursor', 'after');
    start = at + 1;
  }
  const page = all.slice(start, start + size);
  const edges = page.map((node) => ({
    cursor: Buffer.from(`${ENDPOINT_CURSOR}${node.id}`).toString('base64url'),
    node,
  }));
  return {
    edges,
    totalCount: all.length,
    pageInfo: {
      hasNextPage: start + size < all.length,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
