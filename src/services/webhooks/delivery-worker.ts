/**
 * The webhook delivery worker: one per hub instance, started after the services and
 * stopped before the dispatcher (src/server.ts).
 *
 * Per endpoint, strictly in order: the next event after the endpoint's durable cursor
 * (`cursor_position`, the last acknowledged position) that the endpoint's owner may see
 * and its filter selects is rendered as that owner's subscription would receive it, signed
 * and POSTed; only a 2xx moves the cursor to it. A failure keeps the cursor and schedules
 * the same event again (retry schedule with jitter, Retry-After on 429/503); 410 disables
 * the endpoint, and so does failing for longer than WEBHOOK_DISABLE_AFTER_MS. Since the
 * cursor only moves on a 2xx and a restart reads from the cursor, every event arrives at
 * least once, in position order, with nothing missing.
 *
 * Several instances on one database: an instance delivers an endpoint only while it holds
 * the endpoint's lease (`lease_owner`, `lease_expires_at`), claimed with
 * `FOR UPDATE SKIP LOCKED` among endpoints whose lease is free or expired, renewed before
 * every attempt, and released after it. Every write of the worker is conditional on still
 * holding the lease, so an instance whose lease expired (it hung, or died) changes nothing.
 * The lease outlives the request timeout (WEBHOOK_LEASE_MS > WEBHOOK_TIMEOUT_MS), so two
 * instances never have a request to the same endpoint in flight at once.
 */
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { mayCallRootField, referralScope } from '../../auth/policy';
import { isRole } from '../../auth/roles';
import type { AuthenticatedViewer } from '../../auth/viewer';
import type { WebhookConfig } from '../../config';
import { prepared } from '../../db/prepared';
import { queryReturning } from '../../db/query-returning';
import type { StoredWebhookFilter } from '../../entities';
import type { EventDispatcher } from '../../events/dispatcher';
import { headPosition, readEvents } from '../../events/event-store';
import {
  encodeEventCursor,
  type EventFilterInput,
  type ReferralEventType,
  type StoredEvent,
} from '../../events/event-types';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { OrganisationKindName } from '../../reference/reference-files';
import { recordChange, SYSTEM_ACTOR } from './endpoint-store';
import type { SecretBox } from './secret-box';
import { postWebhook, type PostOutcome } from './http-post';
import { nextDelayMs } from './retry-schedule';
import { signedHeaders } from './signing';
import type { UrlPolicy } from './url-safety';

/**
 * The event as a subscriber with this viewer receives it (`data`, and `errors` when a field
 * failed), after the viewer's reads are in the access log. Throws when the log cannot be
 * written: then nothing is sent.
 */
export type RenderEvent = (
  viewer: AuthenticatedViewer,
  event: StoredEvent,
  requestId: string,
) => Promise<{ data: unknown; errors?: unknown[] }>;

export interface WebhookWorkerDeps {
  ds: DataSource;
  logger: Logger;
  metrics: Metrics;
  dispatcher: EventDispatcher;
  config: WebhookConfig;
  production: boolean;
  render: RenderEvent;
  /** Opens the secrets sealed at rest (the endpoint store's box: WEBHOOK_SECRET_KEYS). */
  box: SecretBox;
  /** The kind of an organisation (reference data), for the owner's viewer. */
  orgKind: (orgId: string) => OrganisationKindName | undefined;
}

/**
 * Endpoints due, with events after their cursor and no live lease, claimed for this instance.
 * Run after every batch of events the dispatcher reads (tens of times a second under writes),
 * so it is a named statement: unnamed, PostgreSQL parsed and planned it each time (0.9 ms of
 * its 1.0 ms, on a server with no endpoints at all). Its generic plan is the custom one: the
 * endpoint table is read whole either way.
 */
export const CLAIM_ENDPOINTS = prepared(
  `UPDATE webhook_endpoint SET lease_owner = $1,
     lease_expires_at = now() + $2::int * interval '1 millisecond'
   WHERE id IN (
     SELECT id FROM webhook_endpoint
     WHERE state = 'ENABLED'
       AND cursor_position < (SELECT coalesce(max(position), 0) FROM event)
       AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       AND (lease_owner IS NULL OR lease_expires_at < now())
       AND NOT (id = ANY($3::uuid[]))
     ORDER BY next_attempt_at NULLS FIRST, id
     LIMIT $4
     FOR UPDATE SKIP LOCKED)
   RETURNING id`,
);

/** Endpoints one instance delivers at once. */
const CONCURRENCY = 16;

/** Deliveries kept per endpoint (`WebhookEndpoint.deliveries`); older ones are pruned. */
export const KEPT_DELIVERIES = 1000;

interface LeasedEndpoint {
  id: string;
  organisationId: string;
  role: string;
  createdBySub: string;
  url: string;
  filter: StoredWebhookFilter;
  secret: string;
  previousSecret: string | null;
  previousValid: boolean;
  state: 'ENABLED' | 'DISABLED';
  cursorPosition: string;
  attempts: number;
  waitMs: number | null;
}

/** The JSON body of one webhook: Standard Webhooks' type/timestamp/data, plus the position. */
export interface WebhookBody {
  type: ReferralEventType;
  timestamp: string;
  /** The event's gap-free position in the log: a receiver can spot a gap itself. */
  position: string;
  /** Pass as `after` to replayWebhookEndpoint or to a subscription. */
  cursor: string;
  endpointId: string;
  /** The event as the endpoint owner's `referralEvents` subscription delivers it. */
  data: unknown;
  errors?: unknown[];
}

function webhookMetrics(metrics: Metrics, ds: DataSource) {
  const registers = [metrics.registry];
  new Gauge({
    name: 'hub_webhook_backlog_events',
    help: 'Events in the log after the cursors of enabled webhook endpoints (summed; an upper bound of the lag)',
    registers,
    async collect() {
      // A scrape never fails because of this gauge: it keeps its last value instead.
      const rows = await ds
        .query<{ n: string | null }[]>(
          `SELECT sum(greatest((SELECT coalesce(max(position), 0) FROM event) - cursor_position, 0)) AS n
           FROM webhook_endpoint WHERE state = 'ENABLED'`,
        )
        .catch(() => null);
      if (rows) this.set(Number(rows[0]?.n ?? 0));
    },
  });
  new Gauge({
    name: 'hub_webhook_endpoints',
    help: 'Webhook endpoints by state',
    labelNames: ['state'],
    registers,
    async collect() {
      const rows = await ds
        .query<{ state: string; n: string }[]>(
          `SELECT state, count(*) AS n FROM webhook_endpoint GROUP BY state`,
        )
        .catch(() => null);
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ state: r.state }, Number(r.n));
    },
  });
  return {
    deliveries: new Counter({
      name: 'hub_webhook_deliveries_total',
      help: 'Webhook attempts by outcome (success, failure)',
      labelNames: ['outcome'],
      registers,
    }),
    retries: new Counter({
      name: 'hub_webhook_retries_total',
      help: 'Webhook attempts that were retries of a failed attempt',
      registers,
    }),
    disabled: new Counter({
      name: 'hub_webhook_endpoints_disabled_total',
      help: 'Webhook endpoints disabled by the hub, by reason (GONE: 410, FAILING: failing too long)',
      labelNames: ['reason'],
      registers,
    }),
    duration: new Histogram({
      name: 'hub_webhook_request_duration_seconds',
      help: 'Duration of webhook POSTs',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers,
    }),
  };
}

export class WebhookDeliveryWorker {
  /** This instance's lease owner id. */
  readonly instanceId = `${randomUUID()}`;
  private readonly active = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly m: ReturnType<typeof webhookMetrics>;
  private readonly policy: UrlPolicy;
  /** Opens the secrets sealed at rest (WEBHOOK_SECRET_KEYS). */
  private readonly box: SecretBox;
  private poll: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unfollow: (() => void) | undefined;
  /** Successes per endpoint since its deliveries were last pruned. */
  private readonly sincePrune = new Map<string, number>();

  constructor(private readonly d: WebhookWorkerDeps) {
    this.m = webhookMetrics(d.metrics, d.ds);
    this.policy = { production: d.production, allowedHosts: d.config.allowedHosts };
    this.box = d.box;
  }

  start(): void {
    this.unfollow = this.d.dispatcher.follow(() => this.wake());
    this.poll = setInterval(() => this.wake(), this.d.config.pollIntervalMs);
    this.poll.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.d.logger.warn({ err }, 'webhook worker: claim failed'))
      .finally(() => {
        this.ticking = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        this.wake();
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    t.unref();
    this.timers.add(t);
  }

  /** Claims due endpoints with work whose lease is free, and delivers each in its own loop. */
  private async tick(): Promise<void> {
    const free = CONCURRENCY - this.active.size;
    if (free <= 0) return;
    const rows = await queryReturning<{ id: string }>(this.d.ds, CLAIM_ENDPOINTS, [
      this.instanceId,
      this.d.config.leaseMs,
      [...this.active.keys()],
      free,
    ]);
    for (const { id } of rows) {
      if (this.stopped) break;
      const run = this.deliverLoop(id).finally(() => this.active.delete(id));
      this.active.set(id, run);
    }
  }

  private async deliverLoop(id: string): Promise<void> {
    try {
      while (!this.stopped && (await this.step(id)));
    } catch (err) {
      this.d.logger.warn({ err, endpointId: id }, 'webhook worker: delivery step failed');
      this.wakeIn(this.d.config.pollIntervalMs);
    } finally {
      await this.release(id).catch(() => undefined);
    }
  }

  private release(id: string): Promise<unknown> {
    return this.d.ds.query(
      `UPDATE webhook_endpoint SET lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [id, this.instanceId],
    );
  }

  private viewerFor(e: LeasedEndpoint): AuthenticatedViewer | null {
    const orgKind = this.d.orgKind(e.organisationId);
    if (!orgKind || !isRole(e.role)) return null;
    return {
      kind: 'authenticated',
      sub: e.createdBySub,
      role: e.role,
      orgId: e.organisationId,
      orgKind,
      scopes: [],
      // The endpoint's permission does not expire with a token: it is the owner's data.
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
  }

  /** One attempt (or a cursor advance over nothing); true when the loop should continue. */
  private async step(id: string): Promise<boolean> {
    const [e] = await queryReturning<LeasedEndpoint>(
      this.d.ds,
      `UPDATE webhook_endpoint SET lease_expires_at = now() + $3::int * interval '1 millisecond'
       WHERE id = $1 AND lease_owner = $2
       RETURNING id, organisation_id AS "organisationId", role, created_by_sub AS "createdBySub",
         url, filter, secret, previous_secret AS "previousSecret",
         coalesce(previous_secret_expires_at > now(), false) AS "previousValid", state,
         cursor_position AS "cursorPosition", attempts,
         CASE WHEN next_attempt_at > now()
           THEN ceil(extract(epoch FROM next_attempt_at - now()) * 1000)::int END AS "waitMs"`,
      [id, this.instanceId, this.d.config.leaseMs],
    );
    if (!e || e.state !== 'ENABLED') return false;
    if (e.waitMs !== null) {
      this.wakeIn(e.waitMs);
      return false;
    }
    const viewer = this.viewerFor(e);
    const allowed =
      viewer !== null && mayCallRootField(viewer, 'Subscription', 'referralEvents').allowed;
    const head = await headPosition(this.d.ds);
    const filter: EventFilterInput = {
      types: (e.filter.types as ReferralEventType[] | null | undefined) ?? null,
      districtId: e.filter.districtId ?? null,
      jobCentreId: e.filter.jobCentreId ?? null,
      referralId: e.filter.referralId ?? null,
    };
    const [event] =
      viewer && allowed
        ? await readEvents(this.d.ds, {
            afterPosition: e.cursorPosition,
            limit: 1,
            filter,
            scope: referralScope(viewer),
          })
        : [];
    if (!event) {
      // Nothing for this endpoint up to the head read before: positions become visible in
      // order, so the cursor may skip to it (events it may not see, or its filter leaves out).
      await this.d.ds.query(
        `UPDATE webhook_endpoint SET cursor_position = $3::bigint
         WHERE id = $1 AND lease_owner = $2 AND cursor_position = $4::bigint AND $3::bigint > $4::bigint`,
        [id, this.instanceId, head, e.cursorPosition],
      );
      return false;
    }
    // viewer is set when an event was read.
    return this.attempt(e, viewer as AuthenticatedViewer, event);
  }

  private async attempt(
    e: LeasedEndpoint,
    viewer: AuthenticatedViewer,
    event: StoredEvent,
  ): Promise<boolean> {
    const attempt = e.attempts + 1;
    if (attempt > 1) this.m.retries.inc();
    let outcome: PostOutcome;
    const started = process.hrtime.bigint();
    try {
      const rendered = await this.d.render(viewer, event, `webhook:${e.id}:${event.id}`);
      const body: WebhookBody = {
        type: event.type,
        timestamp: event.occurredAt.toISOString(),
        position: event.position,
        cursor: encodeEventCursor(event.position),
        endpointId: e.id,
        data: rendered.data,
        ...(rendered.errors ? { errors: rendered.errors } : {}),
      };
      const json = JSON.stringify(body);
      const secrets = (
        e.previousSecret && e.previousValid ? [e.secret, e.previousSecret] : [e.secret]
      ).map((s) => this.box.open(s, e.id));
      const headers = signedHeaders(secrets, event.id, new Date(), json);
      outcome = await postWebhook(new URL(e.url), { ...headers }, json, {
        timeoutMs: this.d.config.timeoutMs,
        policy: this.policy,
        signal: this.abort.signal,
      });
    } catch (err) {
      this.d.logger.warn(
        { err, endpointId: e.id },
        'webhook worker: could not prepare the event (render or sign)',
      );
      outcome = { ok: false, status: null, error: 'the hub could not prepare the event' };
    }
    this.m.duration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (!outcome.ok && this.stopped) return false; // cut off by the stop: not an attempt
    this.m.deliveries.inc({ outcome: outcome.ok ? 'success' : 'failure' });
    if (outcome.ok) return this.succeeded(e, event, attempt, outcome);
    await this.failed(e, event, attempt, outcome);
    return false;
  }

  private async succeeded(
    e: LeasedEndpoint,
    event: StoredEvent,
    attempt: number,
    outcome: PostOutcome,
  ): Promise<boolean> {
    const n = (this.sincePrune.get(e.id) ?? 0) + 1;
    this.sincePrune.set(e.id, n % 100);
    if (n >= 100) await this.prune(e.id);
    return this.d.ds.transaction(async (m) => {
      const moved = await queryReturning<{ id: string }>(
        m,
        `UPDATE webhook_endpoint SET cursor_position = $3::bigint, attempts = 0,
           next_attempt_at = NULL, failing_since = NULL, last_error = NULL, updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND cursor_position = $4::bigint
         RETURNING id`,
        [e.id, this.instanceId, event.position, e.cursorPosition],
      );
      await this.recordDelivery(m, e.id, event, 'SUCCEEDED', attempt, outcome, null);
      // Not moved: replayed meanwhile, or the lease was lost; read the endpoint afresh.
      return moved.length > 0 || !this.stopped;
    });
  }

  private async failed(
    e: LeasedEndpoint,
    event: StoredEvent,
    attempt: number,
    outcome: PostOutcome,
  ): Promise<void> {
    const gone = outcome.status === 410;
    const delay = nextDelayMs(
      this.d.config.retryScheduleMs,
      attempt,
      outcome.status,
      outcome.retryAfter,
    );
    const [row] = await this.d.ds.transaction(async (m) => {
      const updated = await queryReturning<{ state: string; disabledReason: string | null }>(
        m,
        `UPDATE webhook_endpoint SET attempts = $3, last_error = $4,
           failing_since = coalesce(failing_since, now()),
           next_attempt_at = now() + $5::int * interval '1 millisecond',
           state = CASE WHEN $6::boolean
               OR coalesce(failing_since, now()) <= now() - $7::bigint * interval '1 millisecond'
             THEN 'DISABLED' ELSE state END,
           disabled_reason = CASE WHEN $6::boolean THEN 'GONE'
             WHEN coalesce(failing_since, now()) <= now() - $7::bigint * interval '1 millisecond'
             THEN 'FAILING' ELSE disabled_reason END,
           updated_at = now()
         WHERE id = $1 AND lease_owner = $2
         RETURNING state, disabled_reason AS "disabledReason"`,
        [e.id, this.instanceId, attempt, outcome.error, delay, gone, this.d.config.disableAfterMs],
      );
      const disabled = updated[0]?.state === 'DISABLED';
      await this.recordDelivery(
        m,
        e.id,
        event,
        disabled ? 'FAILED' : 'PENDING',
        attempt,
        outcome,
        disabled ? null : delay,
      );
      if (disabled)
        await recordChange(
          m,
          e.id,
          'DISABLED',
          { ...SYSTEM_ACTOR, requestId: `webhook-worker:${this.instanceId}` },
          { reason: updated[0].disabledReason, lastError: outcome.error },
        );
      return updated;
    });
    if (row?.state === 'DISABLED') {
      this.m.disabled.inc({ reason: row.disabledReason ?? 'FAILING' });
      this.d.logger.warn(
        {
          event: 'webhook_endpoint_disabled',
          endpointId: e.id,
          reason: row.disabledReason,
          lastError: outcome.error,
        },
        'webhook endpoint disabled',
      );
      return;
    }
    if (row) this.wakeIn(delay);
  }

  /** Keeps the latest KEPT_DELIVERIES deliveries of an endpoint. */
  private async prune(endpointId: string): Promise<void> {
    await this.d.ds.query(
      `DELETE FROM webhook_delivery WHERE endpoint_id = $1 AND position <= (
         SELECT position FROM webhook_delivery WHERE endpoint_id = $1
         ORDER BY position DESC OFFSET $2 LIMIT 1)`,
      [endpointId, KEPT_DELIVERIES],
    );
  }

  private async recordDelivery(
    m: { query: DataSource['query'] },
    endpointId: string,
    event: StoredEvent,
    status: 'PENDING' | 'SUCCEEDED' | 'FAILED',
    attempt: number,
    outcome: PostOutcome,
    delay: number | null,
  ): Promise<void> {
    await m.query(
      `INSERT INTO webhook_delivery (endpoint_id, position, event_id, event_type, status, attempts,
         last_status_code, last_error, last_attempt_at, next_attempt_at, delivered_at)
       VALUES ($1, $2::bigint, $3, $4, $5, 1, $6, $7, now(),
         CASE WHEN $8::int IS NULL THEN NULL ELSE now() + $8::int * interval '1 millisecond' END,
         CASE WHEN $5 = 'SUCCEEDED' THEN now() END)
       ON CONFLICT (endpoint_id, position) DO UPDATE SET
         status = EXCLUDED.status,
         attempts = CASE WHEN webhook_delivery.status = 'SUCCEEDED' AND $9::int = 1 THEN 1
           ELSE webhook_delivery.attempts + 1 END,
         last_status_code = EXCLUDED.last_status_code, last_error = EXCLUDED.last_error,
         last_attempt_at = EXCLUDED.last_attempt_at, next_attempt_at = EXCLUDED.next_attempt_at,
         delivered_at = coalesce(EXCLUDED.delivered_at, webhook_delivery.delivered_at)`,
      [
        endpointId,
        event.position,
        event.id,
        event.type,
        status,
        outcome.status,
        outcome.error,
        delay,
        attempt,
      ],
    );
  }

  /** Stops claiming, cuts off requests in flight (their event is sent again), frees leases. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unfollow?.();
    if (this.poll) clearInterval(this.poll);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.abort.abort();
    await this.ticking;
    await Promise.allSettled([...this.active.values()]);
    await this.d.ds
      .query(
        `UPDATE webhook_endpoint SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1`,
        [this.instanceId],
      )
      .catch(() => undefined);
  }
}
