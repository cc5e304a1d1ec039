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
 * Messages go out through socket-writes.ts, so the events a member takes in one pass of the
 * event loop reach the kernel in one write. The member takes its next event without waiting
 * for the write while less than WRITE_BACKLOG_BYTES wait in the socket's buffer; beyond
 * that it waits for the write, as graphql-ws does for every message, so a subscriber that
 * does not read still fills its EventSubscription's buffer and is ended as too slow.
 */
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import type { AuthenticatedViewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Logger } from '../../observability/logger';
import { ACCESS_LOG_UNAVAILABLE } from '../../services/access-log/access-log';
import type { BatchedAccessLogWriter } from '../../services/access-log/batched-writer';
import type { EventSubscription } from '../event-subscription';
import type { StoredEvent } from '../event-types';
import type { Cohort } from './cohort';
import { payloadWire, type Rendered, type RenderEvent } from './render';
import { sendCoalesced, utf8Wire } from './socket-writes';

/**
 * How much may wait in a socket's user-space buffer before a member waits for its writes:
 * Node's default high-water mark for a stream, so a subscriber that stops reading holds at
 * most this much more than one message beyond what the kernel holds for it.
 */
export const WRITE_BACKLOG_BYTES = 16 * 1024;

/** At most this many events are taken from the buffer in one pass. */
const MAX_BATCH = 64;

interface Failed {
  failed: unknown;
}

interface Prepared {
  offeredAt: number | undefined;
  /** The text, at once when it is at hand (a rendered payload, nothing to log). */
  payload: string | Promise<string | Failed>;
}

/**
 * A payload that is awaited later, after the others of its batch: its failure becomes a
 * value, so it is never an unhandled rejection while it waits its turn.
 */
function settled(p: Promise<string>): Promise<string | Failed> {
  return p.then(
    (v) => v,
    (failed: unknown) => ({ failed }),
  );
}

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
  /** A message started a kernel write (the others of its pass join it). */
  onWriteStarted: () => void;
}

export class CohortMember implements AsyncIterableIterator<never> {
  private running: Promise<IteratorResult<never>> | null = null;
  private stopped = false;
  private ended = false;
  /**
   * The `next` message up to its payload (the payload text is shared by the cohort), in
   * socket-writes.ts's wire form like the payloads.
   */
  private readonly prefix: string;
  private readonly beforeOwnRender: (() => void) | undefined;
  /** A write that failed: the member ends with it at its next event. */
  private writeError: Error | null = null;

  constructor(private readonly d: MemberDeps) {
    this.prefix = utf8Wire(`{"id":${JSON.stringify(d.id)},"type":"next","payload":`);
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
        if (this.writeError) throw this.writeError;
        const first = await this.d.source.next();
        if (first.done) return;
        // The events already waiting in the buffer are taken now: their renders and
        // access-log rows are under way together, and their messages share one write.
        const batch = [this.prepare(first.value)];
        let ending: { error: unknown } | null = null;
        try {
          while (batch.length < MAX_BATCH) {
            const e = this.d.source.takeReady();
            if (!e) break;
            batch.push(this.prepare(e));
          }
        } catch (error) {
          ending = { error }; // e.g. token expiry: what was taken before it is still sent
        }
        // In order, up to the first that failed (its error ends the subscription, as before).
        // The payloads are under way together, so waiting for each in turn costs the longest.
        for (const b of batch) {
          const payload = typeof b.payload === 'string' ? b.payload : await b.payload;
          if (typeof payload !== 'string') throw payload.failed;
          if (this.stopped) return;
          // A string, not a Buffer: the kernel write copies it as is, where allocating a
          // Buffer per message costs more (measured).
          const backlog = this.send(`${this.prefix}${payload}}`, b.offeredAt);
          if (backlog) await backlog;
        }
        if (ending) throw ending.error;
      }
    } finally {
      this.end();
    }
  }

  /**
   * An event taken from the source: its payload — shared by the cohort when it came live,
   * rendered by this member when replayed — once this subscriber's reads of it are logged.
   */
  private prepare(e: StoredEvent): Prepared {
    // Taking a live event releases this member's reference, so it happens even when the
    // member is stopping.
    const live = this.d.source.lastFromLive;
    const offeredAt = live ? this.d.cohort.offeredAt(e) : undefined;
    const taken = live ? this.d.cohort.take(e) : this.renderOwn(e);
    if (!(taken instanceof Promise)) {
      const payload = this.payloadOf(taken);
      return { offeredAt, payload: typeof payload === 'string' ? payload : settled(payload) };
    }
    return { offeredAt, payload: settled(taken.then((r) => this.payloadOf(r))) };
  }

  private payloadOf(rendered: Rendered): string | Promise<string> {
    return rendered.entries.length ? this.logged(rendered) : payloadWire(rendered);
  }

  private renderOwn(e: StoredEvent): Promise<Rendered> {
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
      return payloadWire(rendered);
    } catch (err) {
      const errorId = randomUUID();
      this.d.logger.error({ err, errorId }, 'access log write failed');
      return utf8Wire(
        JSON.stringify({
          errors: [
            {
              message: ACCESS_LOG_UNAVAILABLE,
              extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
            },
          ],
        }),
      );
    }
  }

  /**
   * Queues the message on the socket; a promise of its write only when the socket's buffer
   * is past WRITE_BACKLOG_BYTES (the member must wait), otherwise nothing to wait for.
   */
  private send(message: string, offeredAt: number | undefined): Promise<void> | undefined {
    const socket = this.d.socket;
    if (socket.readyState !== socket.OPEN) return undefined;
    let settle: ((err?: Error) => void) | undefined;
    const starts = sendCoalesced(socket, message, (err) => {
      if (err) this.writeError ??= err;
      else this.d.onDelivered(offeredAt);
      settle?.(err ?? undefined);
    });
    if (starts) this.d.onWriteStarted();
    if (socket.bufferedAmount <= WRITE_BACKLOG_BYTES) return undefined;
    return new Promise((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.d.onEnd();
  }
}
