/**
 * The sequencer running in this process for a DataSource, if any: writers look it up after
 * commit to wake it (no database round trip when it is here and elected) and to learn how
 * long a mutation waits for its positions.
 */
import type { DataSource } from 'typeorm';

export interface LocalSequencer {
  /** Whether this process holds the sequencer lock (always, on the embedded database). */
  readonly isLeader: boolean;
  /** Runs a pass soon (coalesced). */
  wake(): void;
  /** How long a mutation waits for its events' positions before it answers anyway. */
  readonly positionWaitMs: number;
  /** Told when a wait gave up: the events are committed and will be positioned later. */
  positionsLate(events: number, waitedMs: number): void;
}

const sequencers = new WeakMap<DataSource, LocalSequencer>();

export function registerSequencer(ds: DataSource, s: LocalSequencer): () => void {
  sequencers.set(ds, s);
  return () => {
    if (sequencers.get(ds) === s) sequencers.delete(ds);
  };
}

export function sequencerFor(ds: DataSource): LocalSequencer | undefined {
  return sequencers.get(ds);
}

/** The embedded database: one session, one process, so its sequencer is always elected. */
export function isEmbedded(ds: DataSource): boolean {
  return ds.options.type === 'postgres' && Boolean(ds.options.driver);
}
