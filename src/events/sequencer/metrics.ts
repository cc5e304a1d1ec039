/**
 * The sequencer's lag on /metrics. Waiting rows and the age of the oldest are read from the
 * database at scrape time (the same on every instance); whether this instance is the
 * elected sequencer and what it handed out are its own. Counts only, no personal data.
 */
import { Counter, Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../../observability/metrics';
import type { EventSequencer } from './sequencer';

export function registerSequencerMetrics(
  metrics: Metrics,
  sequencer: EventSequencer,
  ds: DataSource,
): void {
  const registers = [metrics.registry];
  // One statement per scrape for both gauges; a scrape never fails on it (last values kept).
  let lag: Promise<{ n: number; age: number } | null> | null = null;
  const readLag = () =>
    (lag ??= ds
      .query<{ n: string | number; age: string | number }[]>(
        `SELECT count(*) AS n,
                coalesce(extract(epoch FROM clock_timestamp() - min(occurred_at)), 0) AS age
           FROM event WHERE position IS NULL`,
      )
      .then((rows) => ({ n: Number(rows[0]?.n ?? 0), age: Number(rows[0]?.age ?? 0) }))
      .catch(() => null)
      .finally(() => setImmediate(() => (lag = null))));
  new Gauge({
    name: 'hub_event_sequencer_waiting_events',
    help: 'Committed events without a position yet (the sequencer has not reached them, or a long-running transaction holds the horizon back)',
    registers,
    async collect() {
      const r = await readLag();
      if (r) this.set(r.n);
    },
  });
  new Gauge({
    name: 'hub_event_sequencer_lag_seconds',
    help: 'Age of the oldest event still waiting for a position, from its transaction start (0 when none waits)',
    registers,
    async collect() {
      const r = await readLag();
      if (r) this.set(r.age);
    },
  });
  new Gauge({
    name: 'hub_event_sequencer_leader',
    help: 'Whether this instance is the elected event sequencer (1) or not (0)',
    registers,
    collect() {
      this.set(sequencer.isLeader ? 1 : 0);
    },
  });
  new Counter({
    name: 'hub_event_sequencer_positions_total',
    help: 'Event positions this instance handed out as the sequencer',
    registers,
    collect() {
      this.reset();
      this.inc(sequencer.positionsAssigned);
    },
  });
  new Counter({
    name: 'hub_event_position_waits_late_total',
    help: 'Mutations that answered before their events had positions (waited EVENT_POSITION_WAIT_MS)',
    registers,
    collect() {
      this.reset();
      this.inc(sequencer.latePositionWaits);
    },
  });
}
