import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../common/relay';
import { EventFilter, ReferralEventTypeEnum } from '../referrals/referral';

export enum WebhookEndpointStateEnum {
  ENABLED = 'ENABLED',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookEndpointStateEnum, {
  name: 'WebhookEndpointState',
  description: 'Whether the hub delivers to the endpoint',
});

export enum WebhookDisabledReasonEnum {
  MANUAL = 'MANUAL',
  GONE = 'GONE',
  FAILING = 'FAILING',
}
registerEnumType(WebhookDisabledReasonEnum, {
  name: 'WebhookDisabledReason',
  valuesConfig: {
    MANUAL: { description: 'disableWebhookEndpoint' },
    GONE: { description: 'The receiver answered 410 Gone' },
    FAILING: {
      description: 'Every attempt failed for longer than the hub allows (default 5 days)',
    },
  },
});

export enum WebhookDeliveryStatusEnum {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Attempted, failed, and scheduled again (nextAttemptAt)' },
    SUCCEEDED: { description: 'Acknowledged with a 2xx' },
    FAILED: { description: 'Failed, and the endpoint was disabled' },
  },
});

@ObjectType({ description: 'Which events an endpoint receives; all conditions must hold' })
export class WebhookEventFilter {
  @Field(() => [ReferralEventTypeEnum], { nullable: true })
  types: string[] | null;

  @Field(() => ID, { nullable: true })
  districtId: string | null;

  @Field(() => ID, { nullable: true })
  jobCentreId: string | null;

  @Field(() => ID, { nullable: true })
  referralId: string | null;
}

@ObjectType({
  description:
    'One event’s delivery to an endpoint: attempts and the last outcome (never the receiver’s response body)',
})
export class WebhookDelivery {
  @Field(() => ID, { description: 'The event id, sent as webhook-id on every attempt' })
  eventId: string;

  @Field(() => String, { description: 'The event’s cursor (its position, opaque)' })
  cursor: string;

  @Field(() => String, { description: 'The event’s position in the log' })
  position: string;

  @Field(() => ReferralEventTypeEnum)
  eventType: string;

  @Field(() => WebhookDeliveryStatusEnum)
  status: string;

  @Field(() => Int)
  attempts: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt, if any' })
  lastStatusCode: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The hub’s description of the last failure (e.g. "HTTP 500", "timeout after 15000 ms")',
  })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt: Date | null;

  @Field(() => Date, { nullable: true })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;
}

@ObjectType({ description: 'A change to an endpoint: who, what, when' })
export class WebhookEndpointChange {
  @Field(() => String, {
    description: 'CREATED, SECRET_ROTATED, ENABLED, DISABLED, REPLAYED',
  })
  action: string;

  @Field(() => String, { description: 'The token’s subject, or `system` (the hub disabled it)' })
  actorSub: string;

  @Field(() => String)
  actorRole: string;

  @Field(() => String)
  actorOrg: string;

  @Field(() => String)
  requestId: string;

  @Field(() => Date)
  at: Date;
}

@ObjectType({
  description:
    'An outbound webhook endpoint of the caller’s organisation and role: events arrive as signed POSTs (Standard Webhooks), in order, at least once',
})
export class WebhookEndpoint {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  url: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => WebhookEndpointStateEnum)
  state: string;

  @Field(() => WebhookDisabledReasonEnum, { nullable: true })
  disabledReason: string | null;

  @Field(() => Int, { description: 'Attempts so far of the event after the cursor' })
  attempts: number;

  @Field(() => Date, {
    nullable: true,
    description: 'When the event after the cursor is tried again',
  })
  nextAttemptAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'Failing without a 2xx since' })
  failingSince: Date | null;

  @Field(() => String, { nullable: true, description: 'The hub’s description of the last failure' })
  lastError: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when the previous secret also signs (after rotateWebhookSecret)',
  })
  previousSecretExpiresAt: Date | null;

  @Field(() => Int, { description: 'Goes up with every change through the API' })
  version: number;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;
}

@ObjectType({
  description: 'A new endpoint (or a rotated secret) and its signing secret, shown this once',
})
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint)
  endpoint: WebhookEndpoint;

  @Field(() => String, {
    description: 'The signing secret (whsec_…). Shown only in this answer: store it now.',
  })
  secret: string;
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => String, {
    description:
      'https (plain http only to loopback outside production); redirects are not followed',
  })
  url: string;

  @Field(() => EventFilter, {
    nullable: true,
    description: 'Which events; default all the caller may see',
  })
  filter?: EventFilter | null;

  @Field(() => String, { nullable: true, description: 'At most 500 characters' })
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Start after this event cursor; default: events from now on',
  })
  after?: string | null;
}

@InputType()
export class RotateWebhookSecretInput {
  @Field(() => ID)
  id: string;

  @Field(() => Int, {
    nullable: true,
    description:
      'How long the old secret keeps signing too (seconds, 0–604800); default WEBHOOK_ROTATION_GRACE_S (24 h)',
  })
  graceSeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    deprecationReason:
      'Use graceSeconds (the same value; giving both with different values is refused)',
  })
  gracePeriodSeconds?: number | null;
}

@InputType({ description: 'Names one of the caller’s webhook endpoints' })
export class WebhookEndpointIdInput {
  @Field(() => ID)
  id: string;
}

@InputType()
export class ReplayWebhookEndpointInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, {
    nullable: true,
    description:
      'An event cursor: every later event is sent again, in order; null: from the start of the log',
  })
  after?: string | null;
}

@ObjectType()
export class WebhookEndpointEdge {
  @Field({ description: 'Pass as `after` for the endpoints after this one' })
  cursor: string;

  @Field(() => WebhookEndpoint)
  node: WebhookEndpoint;
}

@ObjectType({ description: 'The caller’s webhook endpoints, oldest first' })
export class WebhookEndpointConnection {
  @Field(() => [WebhookEndpointEdge])
  edges: WebhookEndpointEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  @Field(() => Int, { description: 'All of the caller’s endpoints' })
  totalCount: number;
}
