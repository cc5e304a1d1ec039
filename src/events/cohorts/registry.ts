/**
 * The cohorts of one instance: a subscription's event stream (from graphql-js's
 * createSourceEventStream, which ran the root field's `subscribe` with the subscriber's own
 * context: the policy check, the cursor, registration with the dispatcher) joins the cohort
 * of its key, or starts one; the cohort goes when its last member ends.
 *
 * Metrics: hub_event_cohorts (cohorts open), hub_event_executions_total by `kind` (`shared`:
 * a live event executed once for a cohort; `own`: an event replayed by one subscriber), and
 * hub_event_deliveries_total (`next` messages written by members),
 * hub_event_socket_writes_total (kernel writes carrying them: socket-writes.ts), and
 * hub_event_fanout_seconds: from the dispatcher offering a live event to its message being
 * written to a member's socket (the hub's share of commit-to-delivery, after the sequencer).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ExecutionArgs, GraphQLSchema } from 'graphql';
import type WebSocket from 'ws';
import { createContext, type Context, type Services } from '../../context';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { BatchedAccessLogWriter } from '../../services/access-log/batched-writer';
import { EventSubscription } from '../event-subscription';
import { Cohort } from './cohort';
import { cohortKey, documentShape, type DocumentShape } from './fingerprint';
import { CohortMember } from './member';
import { eventRenderer, type FormatErrors } from './render';

export interface CohortDeps {
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  metrics: Metrics;
  format: FormatErrors;
  accessLog: BatchedAccessLogWriter;
}

export interface Subscribed {
  socket: WebSocket;
  /** The graphql-ws subscription id. */
  id: string;
  args: ExecutionArgs;
  source: EventSubscription;
}

/** Documents seen, by text: their shape is computed once, not per subscriber. */
const SHAPES_KEPT = 1000;

export class CohortRegistry {
  private readonly cohorts = new Map<string, Cohort>();
  private readonly shapes = new Map<string, DocumentShape>();
  private readonly executions: Counter<'kind'>;
  /** Counted in plain numbers (the hot path) and handed to the counters when scraped. */
  private delivered = 0;
  private writes = 0;
  private readonly fanout: Histogram;

  constructor(private readonly d: CohortDeps) {
    const registers = [d.metrics.registry];
    const cohorts = this.cohorts;
    new Gauge({
      name: 'hub_event_cohorts',
      help: 'Groups of event subscriptions sharing one execution per event (same document, variables, permissions)',
      registers,
      collect() {
        this.set(cohorts.size);
      },
    });
    this.executions = new Counter({
      name: 'hub_event_executions_total',
      help: 'GraphQL executions of subscription events: shared (once per cohort) or own (a replay)',
      labelNames: ['kind'],
      registers,
    });
    this.fanout = new Histogram({
      name: 'hub_event_fanout_seconds',
      help: 'From the dispatcher offering a live event to its message written to a subscriber socket',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.plainCounter(
      'hub_event_deliveries_total',
      'Subscription events written to sockets by cohort members',
      () => this.delivered,
    );
    this.plainCounter(
      'hub_event_socket_writes_total',
      'Kernel writes of subscription events: the messages for one socket in one event-loop pass share one',
      () => this.writes,
    );
  }

  /** A counter kept in a plain number on the hot path and handed to prom-client when scraped. */
  private plainCounter(name: string, help: string, read: () => number): void {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [this.d.metrics.registry],
      collect() {
        const now = read();
        this.inc(now - reported);
        reported = now;
      },
    });
  }

  /** Whether this stream is one a cohort can serve (the event log's subscriptions). */
  static serves(stream: unknown): stream is EventSubscription {
    return stream instanceof EventSubscription;
  }

  /** The iterator graphql-ws follows for this subscription (see member.ts). */
  join(s: Subscribed): AsyncIterableIterator<never> {
    const context = s.args.contextValue as Context;
    const viewer = context.viewer;
    if (viewer.kind !== 'authenticated') throw new Error('event subscriptions need a viewer');
    const text = s.args.document.loc?.source.body;
    const shape =
      text === undefined ? documentShape(this.d.schema, s.args.document) : this.shape(text, s.args);
    const subscriber = { viewer, gateway: context.gateway, purpose: context.access.purpose };
    // Without the source text the document cannot be compared: it gets a cohort of its own.
    const key =
      text === undefined
        ? `own:${context.requestId}`
        : cohortKey(text, s.args.operationName, s.args.variableValues, shape, subscriber);
    const render = eventRenderer(s.args, this.d.format);
    let cohort = this.cohorts.get(key);
    if (!cohort) {
      // The cohort renders as its first member would: same permissions (the key says so),
      // a fresh context per execution, that member's request id for the sources' logs.
      const requestId = context.requestId;
      const created: Cohort = new Cohort(
        key,
        render,
        () =>
          createContext(
            this.d.services,
            viewer,
            requestId,
            this.d.logger,
            subscriber.purpose,
            subscriber.gateway,
          ),
        () => this.executions.inc({ kind: 'shared' }),
      );
      cohort = created;
      this.cohorts.set(key, cohort);
    }
    const joined = cohort;
    joined.members++;
    return new CohortMember({
      socket: s.socket,
      id: s.id,
      source: s.source,
      cohort: joined,
      context,
      viewer,
      render: (e, ctx) => {
        this.executions.inc({ kind: 'own' });
        return render(e, ctx);
      },
      accessLog: this.d.accessLog,
      logger: context.logger,
      onEnd: () => {
        if (--joined.members <= 0 && this.cohorts.get(key) === joined) this.cohorts.delete(key);
      },
      onWriteStarted: () => this.writes++,
      onDelivered: (offeredAt) => {
        this.delivered++;
        if (offeredAt !== undefined) this.fanout.observe((performance.now() - offeredAt) / 1000);
      },
    });
  }

  get size(): number {
    return this.cohorts.size;
  }

  private shape(text: string, args: ExecutionArgs): DocumentShape {
    let shape = this.shapes.get(text);
    if (!shape) {
      shape = documentShape(this.d.schema, args.document);
      if (this.shapes.size >= SHAPES_KEPT) this.shapes.clear();
      this.shapes.set(text, shape);
    }
    return shape;
  }
}
