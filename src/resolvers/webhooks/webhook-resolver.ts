import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { WebhookDeliveryRow, WebhookEndpointChangeRow } from '../../entities';
import { encodeEventCursor } from '../../events/event-types';
import type { WebhookEndpointRecord } from '../../services/webhooks/endpoint-store';
import {
  CreateWebhookEndpointInput,
  RotateWebhookSecretInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointChange,
  WebhookEndpointWithSecret,
  WebhookEventFilter,
} from './webhook';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Query(() => [WebhookEndpoint], {
    description: 'The webhook endpoints of the caller’s organisation and role, oldest first',
  })
  webhookEndpoints(@Ctx() ctx: Context): Promise<WebhookEndpointRecord[]> {
    return ctx.services.webhooks.list(ctx.viewer);
  }

  @Query(() => WebhookEndpoint, {
    description: 'One of the caller’s webhook endpoints; anyone else’s: NOT_FOUND',
  })
  webhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.get(ctx.viewer, id);
  }

  @Mutation(() => WebhookEndpointWithSecret, {
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

  @Mutation(() => WebhookEndpointWithSecret, {
    description:
      'A new signing secret; the old one keeps signing too (both signatures are sent) for the grace period',
  })
  rotateWebhookSecret(
    @Arg('input') input: RotateWebhookSecretInput,
    @Ctx() ctx: Context,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    return ctx.services.webhooks.rotateSecret(
      ctx.viewer,
      ctx.requestId,
      input.id,
      input.gracePeriodSeconds,
    );
  }

  @Mutation(() => WebhookEndpoint, { description: 'Stop delivering (the cursor stays)' })
  disableWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.setState(ctx.viewer, ctx.requestId, id, 'DISABLED');
  }

  @Mutation(() => WebhookEndpoint, {
    description: 'Deliver again, from the cursor: the event that failed is the next one sent',
  })
  enableWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.setState(ctx.viewer, ctx.requestId, id, 'ENABLED');
  }

  @Mutation(() => WebhookEndpoint, {
    description:
      'Send again every event after `after` (an event cursor; null: from the start of the log), in order',
  })
  replayWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointRecord> {
    return ctx.services.webhooks.replay(ctx.viewer, ctx.requestId, id, after);
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
  ): Promise<(WebhookDeliveryRow & { cursor: string })[]> {
    const rows = await ctx.services.webhooks.deliveries(e.id, first ?? 20);
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
