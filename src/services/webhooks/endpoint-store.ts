/**
 * Webhook endpoints as data: an organisation's systems manage their own endpoints (create,
 * rotate the secret, disable, enable, replay from a cursor) and read their state and recent
 * deliveries. An endpoint belongs to the organisation and role that created it and is
 * delivered as that role would receive the events over a subscription; anyone else gets
 * NOT_FOUND. Every change writes, in its own transaction, a row of the access log (who, what,
 * which endpoint: `webhookEndpoint:<id>`) and one of `webhook_endpoint_change` (the endpoint's
 * own trail, with the change's details: the URL, the grace period, the cursor, the reason).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthenticatedViewer, Viewer } from '../../auth/viewer';
import type {
  StoredWebhookFilter,
  WebhookDeliveryRow,
  WebhookEndpointChangeRow,
  WebhookEndpointRow,
} from '../../entities';
import { BadUserInputError, NotFoundError, UnauthenticatedError } from '../../errors';
import { headPosition } from '../../events/event-store';
import { decodeEventCursor } from '../../events/event-types';
import { writeResourceChange } from '../access-log/resource-changes';
import type { SecretBox } from './secret-box';
import { newSecret } from './signing';
import { checkUrl, UnsafeUrlError, type UrlPolicy } from './url-safety';

/** An endpoint as the API shows it: everything but the secrets and the lease. */
export type WebhookEndpointRecord = Omit<
  WebhookEndpointRow,
  'secret' | 'previousSecret' | 'leaseOwner' | 'leaseExpiresAt'
>;

export const ENDPOINT_COLUMNS = `id, organisation_id AS "organisationId", role, created_by_sub AS "createdBySub",
  url, description, filter, state, disabled_reason AS "disabledReason",
  previous_secret_expires_at AS "previousSecretExpiresAt",
  cursor_position AS "cursorPosition", attempts, next_attempt_at AS "nextAttemptAt",
  failing_since AS "failingSince", last_error AS "lastError", version,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export const DELIVERY_COLUMNS = `endpoint_id AS "endpointId", position, event_id AS "eventId",
  event_type AS "eventType", status, attempts, last_status_code AS "lastStatusCode",
  last_error AS "lastError", last_attempt_at AS "lastAttemptAt",
  next_attempt_at AS "nextAttemptAt", delivered_at AS "deliveredAt"`;

/** Who made a change: a user, or the hub itself (the delivery worker). */
export interface ChangeActor {
  sub: string;
  role: string;
  orgId: string;
  requestId: string;
}

export type EndpointChange = 'CREATED' | 'SECRET_ROTATED' | 'DISABLED' | 'ENABLED' | 'REPLAYED';

/** The operation the access log names for each change (the worker's own for its disabling). */
const OPERATION: Record<EndpointChange, string> = {
  CREATED: 'createWebhookEndpoint',
  SECRET_ROTATED: 'rotateWebhookSecret',
  DISABLED: 'disableWebhookEndpoint',
  ENABLED: 'enableWebhookEndpoint',
  REPLAYED: 'replayWebhookEndpoint',
};

/** The hub itself, when the delivery worker disables a failing endpoint. */
export const SYSTEM_ACTOR = { sub: 'system', role: 'SYSTEM', orgId: 'system' } as const;

export async function recordChange(
  m: EntityManager | DataSource,
  endpointId: string,
  action: EndpointChange,
  actor: ChangeActor,
  details: Record<string, unknown> = {},
): Promise<void> {
  const system = actor.sub === SYSTEM_ACTOR.sub && actor.role === SYSTEM_ACTOR.role;
  await writeResourceChange(m, {
    resource: `webhookEndpoint:${endpointId}`,
    operation: system ? 'webhookDelivery' : OPERATION[action],
    fieldGroup: 'webhookEndpoint',
    requestId: actor.requestId,
    actor,
    purpose: system ? 'webhook-delivery' : 'integration-administration',
  });
  await m.query(
    `INSERT INTO webhook_endpoint_change (endpoint_id, action, actor_sub, actor_role, actor_org, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [
      endpointId,
      action,
      actor.sub,
      actor.role,
      actor.orgId,
      actor.requestId,
      JSON.stringify(details),
    ],
  );
}

export interface CreateEndpointInput {
  url: string;
  description?: string | null;
  filter?: StoredWebhookFilter | null;
  /** Start after this event cursor; default: from now on (the current head). */
  after?: string | null;
}

function owner(viewer: Viewer): AuthenticatedViewer {
  if (viewer.kind !== 'authenticated') throw new UnauthenticatedError();
  return viewer;
}

function position(after: string | null | undefined, field: string): string | null {
  if (after === null || after === undefined) return null;
  const p = decodeEventCursor(after);
  if (p === null) throw new BadUserInputError('Invalid cursor', field);
  return p;
}

export const MAX_DELIVERIES = 100;

export class WebhookService {
  constructor(
    private readonly ds: DataSource,
    private readonly policy: UrlPolicy,
    private readonly rotationGraceS: number,
    /** Seals new secrets at rest (WEBHOOK_SECRET_KEYS); the delivery worker opens them with it. */
    readonly box: SecretBox,
  ) {}

  private async checkedUrl(url: string): Promise<string> {
    try {
      return (await checkUrl(url, this.policy)).toString();
    } catch (err) {
      if (err instanceof UnsafeUrlError)
        throw new BadUserInputError(`URL refused: ${err.message}`, 'url');
      throw err;
    }
  }

  private actor(v: AuthenticatedViewer, requestId: string): ChangeActor {
    return { sub: v.sub, role: v.role, orgId: v.orgId, requestId };
  }

  /** The caller's own endpoints, oldest first. */
  list(viewer: Viewer): Promise<WebhookEndpointRecord[]> {
    const v = owner(viewer);
    return this.ds.query<WebhookEndpointRecord[]>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint
       WHERE organisation_id = $1 AND role = $2 ORDER BY created_at, id`,
      [v.orgId, v.role],
    );
  }

  /** One of the caller's endpoints; anyone else's (or none): NOT_FOUND. */
  async get(
    viewer: Viewer,
    id: string,
    m: EntityManager | DataSource = this.ds,
    lock = false,
  ): Promise<WebhookEndpointRecord> {
    const v = owner(viewer);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw new NotFoundError('Webhook endpoint not found');
    const [row] = await m.query<WebhookEndpointRecord[]>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint
       WHERE id = $1 AND organisation_id = $2 AND role = $3${lock ? ' FOR UPDATE' : ''}`,
      [id, v.orgId, v.role],
    );
    if (!row) throw new NotFoundError('Webhook endpoint not found');
    return row;
  }

  /** Newest event first; with `beforePosition`, only deliveries of older events. */
  deliveries(
    endpointId: string,
    first: number,
    beforePosition: string | null = null,
  ): Promise<WebhookDeliveryRow[]> {
    const n = Math.min(Math.max(first, 1), MAX_DELIVERIES);
    return this.ds.query<WebhookDeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery
        WHERE endpoint_id = $1 AND ($3::bigint IS NULL OR position < $3::bigint)
       ORDER BY position DESC LIMIT $2`,
      [endpointId, n, beforePosition],
    );
  }

  changes(endpointId: string, first: number): Promise<WebhookEndpointChangeRow[]> {
    const n = Math.min(Math.max(first, 1), MAX_DELIVERIES);
    return this.ds.query<WebhookEndpointChangeRow[]>(
      `SELECT id, endpoint_id AS "endpointId", action, actor_sub AS "actorSub",
         actor_role AS "actorRole", actor_org AS "actorOrg", request_id AS "requestId", details, at
       FROM webhook_endpoint_change WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2`,
      [endpointId, n],
    );
  }

  async create(
    viewer: Viewer,
    requestId: string,
    input: CreateEndpointInput,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const v = owner(viewer);
    const url = await this.checkedUrl(input.url);
    const description = input.description ?? null;
    if (description !== null && description.length > 500)
      throw new BadUserInputError('description: at most 500 characters', 'description');
    const start = position(input.after, 'after');
    const secret = newSecret();
    const id = randomUUID();
    const filter: StoredWebhookFilter = {
      types: input.filter?.types ?? null,
      districtId: input.filter?.districtId ?? null,
      jobCentreId: input.filter?.jobCentreId ?? null,
      referralId: input.filter?.referralId ?? null,
    };
    const endpoint = await this.ds.transaction(async (m) => {
      const cursor = start ?? (await headPosition(m));
      await m.query(
        `INSERT INTO webhook_endpoint (id, organisation_id, role, created_by_sub, url, description, filter, secret, cursor_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::bigint)`,
        [
          id,
          v.orgId,
          v.role,
          v.sub,
          url,
          description,
          JSON.stringify(filter),
          this.box.seal(secret, id),
          cursor,
        ],
      );
      await recordChange(m, id, 'CREATED', this.actor(v, requestId), {
        url,
        filter,
        cursorPosition: cursor,
      });
      return this.get(v, id, m);
    });
    return { endpoint, secret };
  }

  async rotateSecret(
    viewer: Viewer,
    requestId: string,
    id: string,
    graceSeconds?: number | null,
  ): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
    const v = owner(viewer);
    const grace = graceSeconds ?? this.rotationGraceS;
    if (!Number.isInteger(grace) || grace < 0 || grace > 7 * 24 * 3600)
      throw new BadUserInputError('graceSeconds must be between 0 and 604800', 'graceSeconds');
    const secret = newSecret();
    const endpoint = await this.ds.transaction(async (m) => {
      await this.get(v, id, m, true);
      await m.query(
        `UPDATE webhook_endpoint SET previous_secret = secret,
           previous_secret_expires_at = now() + $2::int * interval '1 second',
           secret = $3, version = version + 1, updated_at = now()
         WHERE id = $1`,
        [id, grace, this.box.seal(secret, id)],
      );
      await recordChange(m, id, 'SECRET_ROTATED', this.actor(v, requestId), {
        gracePeriodSeconds: grace,
      });
      return this.get(v, id, m);
    });
    return { endpoint, secret };
  }

  setState(
    viewer: Viewer,
    requestId: string,
    id: string,
    state: 'ENABLED' | 'DISABLED',
  ): Promise<WebhookEndpointRecord> {
    const v = owner(viewer);
    return this.ds.transaction(async (m) => {
      const before = await this.get(v, id, m, true);
      if (before.state === state) return before;
      // Enabling starts the current event's attempts afresh, from the cursor.
      await m.query(
        state === 'ENABLED'
          ? `UPDATE webhook_endpoint SET state = 'ENABLED', disabled_reason = NULL, attempts = 0,
               next_attempt_at = NULL, failing_since = NULL, version = version + 1, updated_at = now()
             WHERE id = $1`
          : `UPDATE webhook_endpoint SET state = 'DISABLED', disabled_reason = 'MANUAL',
               next_attempt_at = NULL, version = version + 1, updated_at = now()
             WHERE id = $1`,
        [id],
      );
      await recordChange(
        m,
        id,
        state === 'ENABLED' ? 'ENABLED' : 'DISABLED',
        this.actor(v, requestId),
      );
      return this.get(v, id, m);
    });
  }

  /** Moves the cursor back (or forward) to `after`: delivery resumes with the next event. */
  replay(
    viewer: Viewer,
    requestId: string,
    id: string,
    after: string | null | undefined,
  ): Promise<WebhookEndpointRecord> {
    const v = owner(viewer);
    const from = position(after, 'after') ?? '0';
    return this.ds.transaction(async (m) => {
      await this.get(v, id, m, true);
      await m.query(
        `UPDATE webhook_endpoint SET cursor_position = $2::bigint, attempts = 0,
           next_attempt_at = NULL, failing_since = NULL, last_error = NULL,
           version = version + 1, updated_at = now()
         WHERE id = $1`,
        [id, from],
      );
      await recordChange(m, id, 'REPLAYED', this.actor(v, requestId), { after: from });
      return this.get(v, id, m);
    });
  }
}
