/**
 * One GraphQL subscription to the event log: replays the matching events after `after`
 * from the table, then continues with live events from the dispatcher — no gap, no
 * duplicate, no reordering. It registers with the dispatcher before catching up, buffers
 * what the dispatcher offers meanwhile, and drops buffered events at or below the last
 * replayed position. Every event is checked against the subscriber's permission when it
 * is delivered. A full buffer ends the subscription with SUBSCRIBER_TOO_SLOW.
 */
import type { DataSource } from 'typeorm';
import { SubscriberTooSlowError } from '../errors';
import type { LiveSubscriber } from './dispatcher';
import type { EventDispatcher } from './dispatcher';
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
    if (!matchesFilter(e, this.o.filter)) return;
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
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      this.throwIfExpired();
      const e = await this.take();
      this.throwIfExpired();
      if (!e) continue;
      if (BigInt(e.position) <= this.last) continue; // already replayed
      this.last = BigInt(e.position);
      if (!this.o.allowed(e)) continue;
      this.lastDelivered = encodeEventCursor(e.position);
      this.o.beforeDeliver?.();
      return { done: false, value: e };
    }
  }

  private throwIfExpired(): void {
    if (!this.expired && !(this.o.expiresAt !== undefined && this.o.expiresAt <= Date.now()))
      return;
    this.finish();
    throw this.o.expiredError?.() ?? new Error('subscription expired');
  }

  private async take(): Promise<StoredEvent | null> {
    if (this.replaying) {
      if (this.replayed.length === 0) {
        const page = await readEvents(this.ds, {
          afterPosition: this.last.toString(),
          limit: PAGE,
          filter: this.o.filter,
          scope: { kind: 'all' },
        });
        this.replayed = page;
        if (page.length < PAGE) this.replaying = false;
        if (page.length === 0) return null;
      }
      return this.replayed.shift() ?? null;
    }
    if (this.replayed.length) return this.replayed.shift() ?? null;
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
