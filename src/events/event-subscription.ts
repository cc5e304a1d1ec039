/**
 * One GraphQL subscription to the event log: replays the matching events after `after`
 * from the table, then continues with live events from the dispatcher — no gap, no
 * duplicate, no reordering. It registers with the dispatcher before catching up; while it
 * replays, offered events only make it read the table once more, and it goes live after a
 * read that returned a short page with nothing offered meanwhile. Delivered events are
 * deduplicated on position. Permission is checked when an event is offered (so others'
 * events take no buffer space) and again when it is delivered. A full buffer of live events
 * ends the subscription with SUBSCRIBER_TOO_SLOW.
 */
import type { DataSource } from 'typeorm';
import { SubscriberTooSlowError } from '../errors';
import type { EventDispatcher, LiveSubscriber } from './dispatcher';
import { matchesFilter, readEvents } from './event-store';
import { encodeEventCursor, type EventFilterInput, type StoredEvent } from './event-types';

export interface SubscriptionOptions {
  after: string | null;
  filter: EventFilterInput;
  /** Asked for every event before delivery: may the subscriber see it now? */
  allowed: (e: StoredEvent) => boolean;
  /** When the subscriber's permission ends (token expiry, epoch ms): then the subscription ends. */
  expiresAt?: number;
  /** The error that ends the subscription at `expiresAt`. */
  expiredError?: () => Error;
  /** Called before each delivery, e.g. to drop per-operation caches so fields resolve afresh. */
  beforeDeliver?: () => void;
  bufferLimit: number;
}

const PAGE = 200;

export class EventSubscription implements AsyncIterableIterator<StoredEvent>, LiveSubscriber {
  private readonly live: StoredEvent[] = [];
  private last = 0n;
  private replaying = true;
  private replayed: StoredEvent[] = [];
  private overflow = false;
  private done = false;
  private wakeUp: (() => void) | null = null;
  private lastDelivered: string | null = null;
  private expired = false;
  private offeredDuringRead = false;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly dispatcher: EventDispatcher,
    private readonly o: SubscriptionOptions,
  ) {
    const head = dispatcher.add(this);
    this.last = BigInt(o.after ?? head);
    this.replaying = o.after !== null;
    if (o.expiresAt !== undefined) {
      // Ends the subscription at expiry even when no event arrives.
      this.expiryTimer = setTimeout(
        () => {
          this.expired = true;
          this.wakeUp?.();
        },
        Math.max(0, o.expiresAt - Date.now()),
      );
      this.expiryTimer.unref();
    }
  }

  offer(e: StoredEvent): void {
    if (this.done) return;
    // Only events this subscriber will receive take buffer space.
    if (!matchesFilter(e, this.o.filter) || !this.o.allowed(e)) return;
    if (this.replaying) {
      // The replay will read it from the table; just make sure it reads once more.
      this.offeredDuringRead = true;
      return;
    }
    if (this.live.length >= this.o.bufferLimit) {
      this.overflow = true;
    } else {
      this.live.push(e);
    }
    this.wakeUp?.();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoredEvent> {
    return this;
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    try {
      for (;;) {
        if (this.done) return { done: true, value: undefined };
        this.throwIfExpired();
        const e = await this.take();
        this.throwIfExpired();
        if (!e) continue;
        if (BigInt(e.position) <= this.last) continue; // already replayed
        this.last = BigInt(e.position);
        // Checked again at delivery: permission may have changed since the event was offered.
        if (!this.o.allowed(e)) continue;
        this.lastDelivered = encodeEventCursor(e.position);
        this.o.beforeDeliver?.();
        return { done: false, value: e };
      }
    } catch (err) {
      // Whatever ends the subscription also unregisters it from the dispatcher.
      this.finish();
      throw err;
    }
  }

  private throwIfExpired(): void {
    if (!this.expired && !(this.o.expiresAt !== undefined && this.o.expiresAt <= Date.now()))
      return;
    this.finish();
    throw this.o.expiredError?.() ?? new Error('subscription expired');
  }

  private async take(): Promise<StoredEvent | null> {
    if (this.replayed.length) return this.replayed.shift() ?? null;
    if (this.replaying) {
      this.offeredDuringRead = false;
      const page = await readEvents(this.ds, {
        afterPosition: this.last.toString(),
        limit: PAGE,
        filter: this.o.filter,
        scope: { kind: 'all' },
      });
      // Go live only after a short page read with nothing new offered meanwhile: every
      // event is then either in this page or will be offered (and buffered) from now on.
      if (page.length < PAGE && !this.offeredDuringRead) this.replaying = false;
      this.replayed = page;
      return this.replayed.shift() ?? null;
    }
    if (this.overflow) {
      this.finish();
      throw new SubscriberTooSlowError(this.lastDelivered);
    }
    const e = this.live.shift();
    if (e) return e;
    await new Promise<void>((resolve) => (this.wakeUp = resolve));
    this.wakeUp = null;
    return null;
  }

  private finish(): void {
    this.done = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.dispatcher.remove(this);
    this.wakeUp?.();
  }

  return(): Promise<IteratorResult<StoredEvent>> {
    this.finish();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(err: unknown): Promise<IteratorResult<StoredEvent>> {
    this.finish();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
