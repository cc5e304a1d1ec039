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
}

/** Starts listening; returns a function that stops it. */
export type NotificationSource = (onNotify: () => void) => Promise<() => Promise<void>>;

const BATCH = 500;

export class EventDispatcher {
  private head = '0';
  private readonly subscribers = new Set<LiveSubscriber>();
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
    this.stopListening = await this.listen(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.pollIntervalMs);
    this.timer.unref();
  }

  /** The last position offered to live subscribers. */
  get position(): string {
    return this.head;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  add(s: LiveSubscriber): string {
    this.subscribers.add(s);
    return this.head;
  }

  remove(s: LiveSubscriber): void {
    this.subscribers.delete(s);
  }

  /** Calls `onAdvance` after new events were read; returns a function that stops it. */
  follow(onAdvance: () => void): () => void {
    this.followers.add(onAdvance);
    return () => this.followers.delete(onAdvance);
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
        for (const s of this.subscribers) s.offer(e);
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
