/**
 * A cohort: the subscriptions on this instance with the same cohort key (fingerprint.ts).
 * A live event is executed and serialised once for the whole cohort, as soon as the first
 * member buffers it, and every member that takes it gets the same payload text. Rendering
 * on arrival rather than on first take lets the events of one dispatcher read render side
 * by side (their source reads overlap), so a member can send them in one pass and one
 * socket write (socket-writes.ts) instead of one event per database round trip.
 *
 * Payloads are kept exactly as long as a member may still take them: each member's
 * EventSubscription reports the events entering its live buffer (a reference) and those
 * leaving it undelivered (released); a member taking one releases its reference. So a
 * payload is never shared with a member that was not already waiting for that event when
 * it was rendered, and events replayed from the table (catch-up) are rendered by each
 * member itself, as of when it reads them.
 */
import type { Context } from '../../context';
import type { StoredEvent } from '../event-types';
import type { LiveBufferHooks } from '../event-subscription';
import type { Rendered, RenderEvent } from './render';

interface Entry {
  refs: number;
  /** When the dispatcher offered it to the first member (performance.now(), ms). */
  offeredAt: number;
  rendered: Promise<Rendered>;
  /** The payload once rendered: members then take it without awaiting. */
  value?: Rendered;
}

export class Cohort implements LiveBufferHooks {
  members = 0;
  private readonly payloads = new Map<string, Entry>();

  constructor(
    readonly key: string,
    private readonly render: RenderEvent,
    /** A fresh per-operation context of the cohort's permission class, per execution. */
    private readonly context: () => Context,
    private readonly executed: () => void,
  ) {}

  buffered(e: StoredEvent): void {
    const held = this.payloads.get(e.position);
    if (held) {
      held.refs++;
      return;
    }
    const offeredAt = performance.now();
    const rendered = this.execute(e).then((value) => (entry.value = value));
    const entry: Entry = { refs: 1, offeredAt, rendered };
    this.payloads.set(e.position, entry);
    // Members that take it see a failure; if they all end first, nobody does.
    entry.rendered.catch(() => undefined);
  }

  released(e: StoredEvent): void {
    const entry = this.payloads.get(e.position);
    if (entry && --entry.refs <= 0) this.payloads.delete(e.position);
  }

  /** When the event was offered to this cohort (performance.now(), ms), if it is held. */
  offeredAt(e: StoredEvent): number | undefined {
    return this.payloads.get(e.position)?.offeredAt;
  }

  /** The shared payload of a live event a member took from its buffer (and its release). */
  take(e: StoredEvent): Rendered | Promise<Rendered> {
    const entry = this.payloads.get(e.position);
    if (!entry) return this.execute(e); // not expected: a member only takes what it holds
    const rendered = entry.value ?? entry.rendered;
    this.released(e);
    return rendered;
  }

  /** Payloads held for members (for tests and the gauge). */
  get held(): number {
    return this.payloads.size;
  }

  private execute(e: StoredEvent): Promise<Rendered> {
    this.executed();
    return this.render(e, this.context());
  }
}
