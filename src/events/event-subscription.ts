/**
 * One GraphQL subscription to the event log: replays the matching events after `after`
 * from the table, then continues with live events from the dispatcher — no gap, no
 * duplicate, no reordering. It registers with the dispatcher before catching up; while it
 * replays, offered events only make it read the table once more, and it goes live after a
 * read that returned a short page with nothing offered meanwhile. Delivered events are
 * deduplicated on position. Permission is checked when an event is offered (so others'
 * events take no buffer space) and again when it is delivered. A full buffer of live events
 * ends the subscription with SUBSCRIBER_TOO_SLOW.
 *
 * A cohort (src/events/cohorts/) renders live events once for all its members: it is told
 * which events enter this subscription's live buffer and which leave it undelivered, so it
 * keeps a shared payload exactly as long as a member may still take it.
 */
import type { DataSource } from 'typeorm';
import { SubscriberTooSlowError } from '../errors';
import { routeOf, type EventDispatcher, type LiveSubscriber } from './dispatcher';
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

/** Told about the live buffer: an event entered it, or left it without being delivered. */
export interface LiveBufferHooks {
  buffered(e: StoredEvent): void;
  released(e: StoredEvent): void;
}

const PAGE = 200;

/**
 * An event's position as a number, parsed once per event rather than once per subscriber
 * (a live event is the same object for every subscriber the dispatcher offers it to).
 */
const positions = new WeakMap<StoredEvent, bigint>();
function positionOf(e: StoredEvent): bigint {
  let p = positions.get(e);
  if (p === undefined) {
    p = BigInt(e.position);
    positions.set(e, p);
  }
  return p;
}

export class EventSubscription implements AsyncIterableIterator<StoredEvent>, LiveSubscriber {
  private readonly live: StoredEvent[] = [];
  private last = 0n;
  private replaying = true;
  private replayed: StoredEvent[] = [];
  private overflow = false;
  private done = false;
  private wakeUp: (() => void) | null = null;
  /** Told whenever next() would no longer wait: see onWake(). */
  private wakeListener: (() => void) | null = null;
  /** Position of the last event handed out (its cursor is encoded only when needed). */
  private lastDelivered: string | null = null;
  private expired = false;
  private offeredDuringRead = false;
  private expiryTimer: NodeJS.Timeout | undefined;
  private hooks: LiveBufferHooks | undefined;
  private beforeDeliver: (() => void) | undefined;
  /** Whether the event `next()` returned last came from the live buffer (not the table). */
  lastFromLive = false;
  /** Which events the dispatcher offers it (dispatcher.ts): from its filter. */
  readonly route: string | undefined;
  /** A live event taken from the buffer and not yet delivered or released. */
  private inHand: StoredEvent | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly dispatcher: EventDispatcher,
    private readonly o: SubscriptionOptions,
  ) {
    this.beforeDeliver = o.beforeDeliver;
    this.route = routeOf(o.filter);
    const head = dispatcher.add(this);
    this.last = BigInt(o.after ?? head);
    this.replaying = o.after !== null;
    if (o.expiresAt !== undefined) {
      // Ends the subscription at expiry even when no event arrives.
      this.expiryTimer = setTimeout(
        () => {
          this.expired = true;
          this.notify();
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
      this.hooks?.buffered(e);
    }
    this.notify();
  }

  /**
   * Whether next() would now return a live event already buffered, without waiting (a
   * consumer may then take several in one pass). False while catching up, when the buffer
   * overflowed (next() ends the subscription) or the subscription is done.
   */
  get ready(): boolean {
    return this.caughtUp && !this.overflow && this.live.length > 0;
  }

  /** Taking from the live buffer now: not ended, and no replay read or page pending. */
  private get caughtUp(): boolean {
    return !this.done && !this.replaying && this.replayed.length === 0;
  }

  /**
   * Live, caught up and nothing buffered: next() would wait for the dispatcher's next offer,
   * the token's expiry or the end, and the listener given to onWake() is told of each.
   */
  get waiting(): boolean {
    return this.caughtUp && !this.expired && !this.overflow && this.live.length === 0;
  }

  /**
   * A consumer that delivers by push rather than by awaiting next() (a cohort member): told,
   * synchronously, of every offer, of the token's expiry and of the end. It must not take
   * events from inside the call (the dispatcher is still offering to others).
   */
  onWake(listener: () => void): void {
    this.wakeListener = listener;
  }

  private notify(): void {
    this.wakeUp?.();
    this.wakeListener?.();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoredEvent> {
    return this;
  }

  /** Reports live-buffer changes from now on (set before the first event is offered live). */
  watchLiveBuffer(hooks: LiveBufferHooks): void {
    this.hooks = hooks;
    for (const e of this.live) hooks.buffered(e);
  }

  /**
   * Hands the per-delivery hook (dropping per-operation caches) to the caller, who then
   * calls it only before executions of its own: a shared payload needs no fresh caches.
   */
  takeBeforeDeliver(): (() => void) | undefined {
    const hook = this.beforeDeliver;
    this.beforeDeliver = undefined;
    return hook;
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    // With `wait`, step() never answers null.
    return (await this.step(true)) as IteratorResult<StoredEvent>;
  }

  /**
   * As next(), but null instead of waiting for an offer: for a consumer woken by onWake(),
   * which then holds no pending call between events (e.g. once a catch-up has ended).
   */
  nextIfAny(): Promise<IteratorResult<StoredEvent> | null> {
    return this.step(false);
  }

  private async step(wait: boolean): Promise<IteratorResult<StoredEvent> | null> {
    try {
      for (;;) {
        if (this.done) return { done: true, value: undefined };
        this.throwIfExpired();
        if (!wait && this.waiting) return null;
        const fromLive = this.caughtUp && this.live.length > 0;
        // A live event already buffered is taken without a detour through the microtask queue
        // (the fan-out's hot path); take() decides everything else, the overflow included.
        const e = fromLive && !this.overflow ? (this.live.shift() ?? null) : await this.take();
        if (e && fromLive) this.inHand = e;
        this.throwIfExpired();
        if (!e) continue;
        this.inHand = null;
        if (this.accept(e, fromLive)) return { done: false, value: e };
      }
    } catch (err) {
      // Whatever ends the subscription also unregisters it from the dispatcher.
      this.finish();
      throw err;
    }
  }

  /**
   * What next() would return now, when `ready`, without a promise: a consumer that took one
   * event takes those already waiting in the same pass. Undefined when none is ready (then
   * next() waits, ends or throws); throws and ends the subscription as next() would.
   */
  takeReady(): StoredEvent | undefined {
    try {
      while (this.ready) {
        this.throwIfExpired();
        const e = this.live.shift();
        if (e && this.accept(e, true)) return e;
      }
      return undefined;
    } catch (err) {
      this.finish();
      throw err;
    }
  }

  /** Whether `e` is delivered (then recorded as the last one) or skipped (then released). */
  private accept(e: StoredEvent, fromLive: boolean): boolean {
    const position = positionOf(e);
    const skip =
      position <= this.last || // already replayed
      // Checked again at delivery: permission may have changed since the event was offered.
      !this.o.allowed(e);
    if (position > this.last) this.last = position;
    if (skip) {
      if (fromLive) this.hooks?.released(e);
      return false;
    }
    this.lastFromLive = fromLive;
    this.lastDelivered = e.position;
    this.beforeDeliver?.();
    return true;
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
      throw new SubscriberTooSlowError(
        this.lastDelivered === null ? null : encodeEventCursor(this.lastDelivered),
      );
    }
    const e = this.live.shift();
    if (e) return e;
    await new Promise<void>((resolve) => (this.wakeUp = resolve));
    this.wakeUp = null;
    return null;
  }

  private finish(): void {
    this.done = true;
    // Live events that will never be delivered now: the cohort may drop their payloads.
    if (this.hooks) {
      if (this.inHand) this.hooks.released(this.inHand);
      for (const e of this.live) this.hooks.released(e);
    }
    this.inHand = null;
    this.live.length = 0;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.dispatcher.remove(this);
    this.notify();
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
