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
 * A member waiting for live events holds no promise: its source calls it when an event is
 * offered (EventSubscription.onWake), and it then takes what is ready in a microtask. An
 * `await` on the source per event left a chain of promises and suspended calls per
 * subscriber that lived until that subscriber's next event — long enough, with thousands
 * of subscribers, for the young-generation collector to copy and promote them at every
 * delivery (bench/RESULTS.md). Catch-up, the end and the errors go through the source's
 * nextIfAny(), which answers null where next() would wait.
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
  /** What graphql-ws awaits: settled once, when the member ends. */
  private running: Promise<IteratorResult<never>> | null = null;
  private settle: {
    resolve: (r: IteratorResult<never>) => void;
    reject: (err: unknown) => void;
  } | null = null;
  /** A drain is queued as a microtask, or under way. */
  private scheduled = false;
  private draining = false;
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
    if (this.ended && !this.running) return Promise.resolve({ done: true, value: undefined });
    if (!this.running) {
      this.running = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
      this.d.source.onWake(this.wake);
      this.schedule();
    }
    return this.running;
  }

  async return(): Promise<IteratorResult<never>> {
    this.stopped = true;
    await this.d.source.return();
    this.finish();
    return { done: true, value: undefined };
  }

  async throw(err: unknown): Promise<IteratorResult<never>> {
    await this.return();
    throw err instanceof Error ? err : new Error(String(err));
  }

  /** Bound once, given to the source: an offer, the token's expiry, the end. */
  private readonly wake = (): void => this.schedule();

  /** A drain in a microtask: the dispatcher finishes offering this event to everyone first. */
  private schedule(): void {
    if (this.scheduled || this.draining || this.ended) return;
    this.scheduled = true;
    queueMicrotask(this.startDrain);
  }

  private readonly startDrain = (): void => {
    this.scheduled = false;
    this.draining = true;
    // drained and failed do not throw today; if they ever did, the member's log says so
    // rather than an unhandled rejection ending the process.
    this.drain()
      .then(this.drained, this.failed)
      .catch((err: unknown) => this.d.logger.error({ err }, 'cohort member: ending failed'));
  };

  private readonly drained = (done: boolean): void => {
    this.draining = false;
    if (done) this.finish();
    // What was offered while the drain was finishing is taken now; otherwise the next
    // wake starts the next drain.
    else if (!this.d.source.waiting) this.schedule();
  };

  private readonly failed = (err: unknown): void => {
    this.draining = false;
    this.finish({ error: err });
    // A failure of the member's own (a render, a write) has not ended its source, and
    // graphql-ws, having sent the error, does not call return(): unregister it here.
    void this.d.source.return();
  };

  /**
   * Delivers until the source waits for an offer (false) or ends (true). Live events that
   * are ready are taken without a promise; catch-up, the overflow, expiry and the end go
   * through the source's nextIfAny(), which reads the table, throws or ends as next() does
   * but answers null where next() would wait.
   */
  private async drain(): Promise<boolean> {
    const source = this.d.source;
    for (;;) {
      if (this.writeError) throw this.writeError;
      if (this.stopped) return true;
      if (source.waiting) return false;
      let first: StoredEvent | undefined;
      if (source.ready) {
        first = source.takeReady();
        if (!first) continue; // every ready one was skipped: look at the source again
      } else {
        const r = await source.nextIfAny();
        if (!r) return false; // caught up and nothing offered yet: the next wake drains
        if (r.done) return true;
        first = r.value;
      }
      // The events already waiting in the buffer are taken now: their renders and
      // access-log rows are under way together, and their messages share one write.
      const batch = [this.prepare(first)];
      let ending: { error: unknown } | null = null;
      try {
        while (batch.length < MAX_BATCH) {
          const e = source.takeReady();
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
        if (this.stopped) return true;
        // A string, not a Buffer: the kernel write copies it as is, where allocating a
        // Buffer per message costs more (measured).
        const backlog = this.send(`${this.prefix}${payload}}`, b.offeredAt);
        if (backlog) await backlog;
      }
      if (ending) throw ending.error;
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

  /** Ends the member once, however it ends, and settles what graphql-ws awaits. */
  private finish(failure?: { error: unknown }): void {
    if (!this.ended) {
      this.ended = true;
      this.d.onEnd();
    }
    const settle = this.settle;
    this.settle = null;
    if (!settle) return;
    if (failure) settle.reject(failure.error);
    else settle.resolve({ done: true, value: undefined });
  }
}
