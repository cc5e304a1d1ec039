/**
 * Live delivery of committed events to this instance's subscribers. The dispatcher follows
 * the event log: woken by NOTIFY (from any instance sharing the database) and by a periodic
 * poll (a lost notification delays, never loses, an event), it reads the events after its
 * head once and offers each to every subscriber. The table is the truth.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger';
import { headPosition, readEvents } from './event-store';
import type { StoredEvent } from './event-types';

export interface LiveSubscriber {
  offer(event: StoredEvent): void;
  /**
   * Which events can match at all, from the subscriber's filter (routeOf): the dispatcher
   * offers an event only to subscribers of its referral, job centre or district and to
   * those without such a filter. The subscriber still checks its whole filter itself.
   */
  readonly route?: string;
}

/** The route of a filter: its most selective field, or none (offered every event). */
export function routeOf(f: {
  referralId?: string | null;
  jobCentreId?: string | null;
  districtId?: string | null;
}): string | undefined {
  if (f.referralId) return `r:${f.referralId}`;
  if (f.jobCentreId) return `j:${f.jobCentreId}`;
  if (f.districtId) return `d:${f.districtId}`;
  return undefined;
}

/**
 * Starts listening; returns a function that stops it. `payload` is the notification's:
 * the sequencer's is the last position its pass committed.
 */
export type NotificationSource = (
  onNotify: (payload?: string) => void,
) => Promise<() => Promise<void>>;

const BATCH = 500;

export class EventDispatcher {
  private head = '0';
  /** Subscribers without a route, offered every event. */
  private readonly unrouted = new Set<LiveSubscriber>();
  /**
   * The others by route: with 10,000 subscribers spread over job centres an event is
   * offered to the 2,000 of its centre rather than checked against all of them.
   */
  private readonly routed = new Map<string, Set<LiveSubscriber>>();
  private count = 0;
  /** Told when the head moved (background workers, e.g. webhook delivery); not subscribers. */
  private readonly followers = new Set<() => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => Promise<void>) | undefined;
  private stopped = false;

  constructor(
    private readonly ds: DataSource,
    private readonly logger: Logger,
    private readonly listen: NotificationSource,
    private readonly pollIntervalMs: number,
  ) {}

  async start(): Promise<void> {
    this.head = await headPosition(this.ds);
    this.stopListening = await this.listen((payload) => this.notified(payload));
    this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** The last position offered to live subscribers. */
  get position(): string {
    return this.head;
  }

  get subscriberCount(): number {
    return this.count;
  }

  add(s: LiveSubscriber): string {
    const set = this.setOf(s.route, true);
    if (!set.has(s)) {
      set.add(s);
      this.count++;
    }
    return this.head;
  }

  remove(s: LiveSubscriber): void {
    const set = this.setOf(s.route, false);
    if (!set?.delete(s)) return;
    this.count--;
    if (set.size === 0 && s.route !== undefined) this.routed.delete(s.route);
  }

  private setOf(route: string | undefined, create: true): Set<LiveSubscriber>;
  private setOf(route: string | undefined, create: false): Set<LiveSubscriber> | undefined;
  private setOf(route: string | undefined, create: boolean): Set<LiveSubscriber> | undefined {
    if (route === undefined) return this.unrouted;
    let set = this.routed.get(route);
    if (!set && create) this.routed.set(route, (set = new Set()));
    return set;
  }

  /** Offers the event to every subscriber it can match (each one checks its filter). */
  private offer(e: StoredEvent): void {
    for (const s of this.unrouted) s.offer(e);
    for (const route of [
      e.referralId && `r:${e.referralId}`,
      e.jobCentreId && `j:${e.jobCentreId}`,
      e.districtId && `d:${e.districtId}`,
    ]) {
      const set = route ? this.routed.get(route) : undefined;
      if (set) for (const s of set) s.offer(e);
    }
  }

  /** Calls `onAdvance` after new events were read; returns a function that stops it. */
  follow(onAdvance: () => void): () => void {
    this.followers.add(onAdvance);
    return () => this.followers.delete(onAdvance);
  }

  /**
   * A pass committed positions up to `payload`. With no subscriber on this instance there is
   * nobody to offer the events to: the head moves there without reading them (the followers
   * read what they need themselves), which saves a read per pass on an instance that only
   * writes. Everything up to the notified position is committed and visible, so a
   * subscriber added next catches up to that head from the table, as after a read.
   */
  private notified(payload: string | undefined): void {
    if (this.count === 0 && !this.running && !this.stopped && payload && /^\d+$/.test(payload)) {
      if (BigInt(payload) > BigInt(this.head)) {
        this.head = payload;
        for (const f of this.followers) f();
      }
      return;
    }
    this.wake();
  }

  /** Reads what is new; coalesces wake-ups that arrive while a read is running. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'event dispatcher read failed; retrying on next wake-up'),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const events = await readEvents(this.ds, {
        afterPosition: this.head,
        limit: BATCH,
        scope: { kind: 'all' },
      });
      for (const e of events) {
        this.head = e.position;
        this.offer(e);
      }
      if (events.length) for (const f of this.followers) f();
      if (events.length < BATCH) return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.stopListening?.();
    await this.running;
  }
}
