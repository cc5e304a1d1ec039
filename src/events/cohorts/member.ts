/**
 * One subscription in a cohort: takes its events from its own EventSubscription (catch-up
 * then live, its filter and scope, token expiry, the bounded buffer), gets each event's
 * payload — shared by the cohort for live events, rendered by itself for replayed ones —,
 * writes its own access-log rows, and only then sends the payload on its socket under its
 * own subscription id.
 *
 * graphql-ws sees an async iterator that yields nothing: the member writes `next` messages
 * on the socket itself (the message text is built around the payload text, so the payload
 * is serialised once per cohort), and the iterator ends when the member ends — done when
 * the client completes or the socket closes, an error (SUBSCRIBER_TOO_SLOW, token expiry)
 * that graphql-ws then sends as the subscription's `error` message, after every `next`
 * this member sent, on the same socket.
 *
 * Like graphql-ws, the member waits for each message to be written before it takes the
 * next event, so a subscriber that does not read fills its EventSubscription's buffer and
 * is ended as too slow, exactly as before.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { AuthenticatedViewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Logger } from '../../observability/logger';
import { ACCESS_LOG_UNAVAILABLE } from '../../services/access-log/access-log';
import type { BatchedAccessLogWriter } from '../../services/access-log/batched-writer';
import type { EventSubscription } from '../event-subscription';
import type { Cohort } from './cohort';
import type { Rendered, RenderEvent } from './render';

export interface MemberDeps {
  socket: WebSocket;
  id: string;
  source: EventSubscription;
  cohort: Cohort;
  /** This subscription's own context: replays render with it. */
  context: Context;
  viewer: AuthenticatedViewer;
  render: RenderEvent;
  accessLog: BatchedAccessLogWriter;
  logger: Logger;
  /** Called once when the member ends, however it ends. */
  onEnd: () => void;
  /** After each message was written; with the time its live event was offered. */
  onDelivered: (offeredAt: number | undefined) => void;
}

export class CohortMember implements AsyncIterableIterator<never> {
  private running: Promise<IteratorResult<never>> | null = null;
  private stopped = false;
  private ended = false;
  private readonly prefix: string;
  private readonly beforeOwnRender: (() => void) | undefined;

  constructor(private readonly d: MemberDeps) {
    this.prefix = `{"id":${JSON.stringify(d.id)},"type":"next","payload":`;
    this.beforeOwnRender = d.source.takeBeforeDeliver();
    d.source.watchLiveBuffer(d.cohort);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<never> {
    return this;
  }

  /** Starts delivering on graphql-ws's first pull (the subscription is registered by then). */
  next(): Promise<IteratorResult<never>> {
    this.running ??= this.run().then(() => ({ done: true as const, value: undefined }));
    return this.running;
  }

  async return(): Promise<IteratorResult<never>> {
    this.stopped = true;
    await this.d.source.return();
    this.end();
    return { done: true, value: undefined };
  }

  async throw(err: unknown): Promise<IteratorResult<never>> {
    await this.return();
    throw err instanceof Error ? err : new Error(String(err));
  }

  private async run(): Promise<void> {
    try {
      for (;;) {
        const r = await this.d.source.next();
        if (r.done) return;
        const e = r.value;
        // Taking a live event releases this member's reference, so it happens even when
        // the member is stopping.
        const live = this.d.source.lastFromLive;
        const offeredAt = live ? this.d.cohort.offeredAt(e) : undefined;
        const taken = live ? this.d.cohort.take(e) : this.renderOwn(e);
        const rendered = taken instanceof Promise ? await taken : taken;
        const payload = rendered.entries.length ? await this.logged(rendered) : rendered.payload;
        if (this.stopped) return;
        await this.send(`${this.prefix}${payload}}`);
        this.d.onDelivered(offeredAt);
      }
    } finally {
      this.end();
    }
  }

  private renderOwn(e: Parameters<RenderEvent>[0]): Promise<Rendered> {
    this.beforeOwnRender?.();
    return this.d.render(e, this.d.context);
  }

  /**
   * The payload once this subscriber's reads are in the access log; if the log cannot be
   * written, an error instead and nothing of the person (as onNext does for other results).
   */
  private async logged(rendered: Rendered): Promise<string> {
    try {
      await this.d.accessLog.write({
        viewer: this.d.viewer,
        requestId: this.d.context.requestId,
        purpose: this.d.context.access.purpose,
        entries: rendered.entries,
      });
      return rendered.payload;
    } catch (err) {
      const errorId = randomUUID();
      this.d.logger.error({ err, errorId }, 'access log write failed');
      return JSON.stringify({
        errors: [
          {
            message: ACCESS_LOG_UNAVAILABLE,
            extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
          },
        ],
      });
    }
  }

  /** Resolves once the message is written to the socket (graphql-ws's own send does the same). */
  private send(message: string): Promise<void> {
    const socket = this.d.socket;
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) =>
      socket.send(message, (err) => (err ? reject(err) : resolve())),
    );
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.d.onEnd();
  }
}
