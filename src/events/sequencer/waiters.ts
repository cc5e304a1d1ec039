/**
 * Waiting for positions. A writer's events get their positions after its commit, from the
 * sequencer; whoever needs them (appendEvents' callers, a mutation that answers only once
 * its events are in the log) waits here. Positions arrive three ways: the sequencer of this
 * process settles its waiters directly from the pass it just committed (no query); when the
 * sequencer is elsewhere, a lookup by event id (after the log advanced, or on a backoff);
 * and when nobody is elected at all (a script or test with a bare DataSource), the waiter
 * sequences itself, under the same advisory lock, for one transaction.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import type { StoredEvent } from '../event-types';
import { SEQUENCER_CHANNEL, SEQUENCER_LOCK_KEY } from './channels';
import { assignPositions, type Assigned, type RunSql } from './pass';
import { rowsOf } from '../../db/query-returning';
import { isEmbedded, sequencerFor } from './registry';

/** Anything with TypeORM's query(): a DataSource, an EntityManager, a QueryRunner. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export function runOn(q: Queryable): RunSql {
  return async <T>(sql: string, params?: unknown[]) => rowsOf<T>(await q.query(sql, params));
}

/**
 * The events of this process still waiting for a position, by event id. Writers register
 * their events when they insert them (before commit), so a pass that positions them before
 * anyone waits — another writer woke the sequencer — still settles them.
 */
class PositionWaiters {
  private readonly waiting = new Map<
    string,
    { event: StoredEvent; done: () => void; settled: Promise<void> }
  >();
  private checking: Promise<void> | null = null;

  register(events: StoredEvent[]): void {
    for (const event of events) {
      if (event.position || this.waiting.has(event.id)) continue;
      let done = (): void => undefined;
      const settled = new Promise<void>((resolve) => (done = resolve));
      this.waiting.set(event.id, { event, done, settled });
    }
  }

  /** Forgets events nobody will wait for (rolled back, or the wait gave up). */
  unregister(events: StoredEvent[]): void {
    for (const e of events) this.waiting.delete(e.id);
  }

  /** Resolves when every event has its position (set on the objects themselves). */
  wait(events: StoredEvent[]): { all: Promise<void>; cancel: () => void } {
    this.register(events);
    const all = Promise.all(
      events
        .filter((e) => !e.position)
        .map((e) => this.waiting.get(e.id)?.settled ?? Promise.resolve()),
    ).then(() => undefined);
    return { all, cancel: () => this.unregister(events) };
  }

  get size(): number {
    return this.waiting.size;
  }

  settle(assigned: Pick<Assigned, 'id' | 'position'>[]): void {
    for (const a of assigned) {
      const w = this.waiting.get(a.id);
      if (!w) continue;
      this.waiting.delete(a.id);
      w.event.position = String(a.position);
      w.done();
    }
  }

  /** Looks the waiting events up (one statement for all of them; coalesced). */
  check(q: Queryable): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    this.checking ??= runOn(q)<Assigned>(
      'SELECT id, position FROM event WHERE id = ANY($1::uuid[]) AND position IS NOT NULL',
      [[...this.waiting.keys()]],
    )
      .then((rows) => this.settle(rows))
      .finally(() => (this.checking = null));
    return this.checking;
  }
}

const byDataSource = new WeakMap<DataSource, PositionWaiters>();

export function waitersFor(ds: DataSource): PositionWaiters {
  let w = byDataSource.get(ds);
  if (!w) byDataSource.set(ds, (w = new PositionWaiters()));
  return w;
}

/**
 * One pass on `run`'s session if no sequencer holds the lock (the transaction-level lock
 * conflicts with the elected sequencer's session lock). Returns false when one does.
 */
export async function passIfNobodyElected(ds: DataSource, run: RunSql): Promise<boolean> {
  await run('BEGIN');
  try {
    const [{ locked }] = await run<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1) AS locked',
      [SEQUENCER_LOCK_KEY],
    );
    const pass = locked ? await assignPositions(run) : null;
    await run('COMMIT');
    if (pass) waitersFor(ds).settle(pass.assigned);
    return locked;
  } catch (err) {
    await run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** NOTIFYs the elected sequencer of another instance; one statement in flight per DataSource. */
const notifying = new WeakMap<DataSource, { again: boolean }>();
function notifySequencer(ds: DataSource): void {
  const state = notifying.get(ds);
  if (state) {
    state.again = true;
    return;
  }
  const mine = { again: false };
  notifying.set(ds, mine);
  void ds
    .query('SELECT pg_notify($1, $2)', [SEQUENCER_CHANNEL, ''])
    .catch(() => undefined) // the elected sequencer's poll is the safety net
    .finally(() => {
      notifying.delete(ds);
      if (mine.again) notifySequencer(ds);
    });
}

/**
 * Asks for a pass: the local elected sequencer is woken in memory; otherwise the waiter
 * sequences itself if nobody is elected, else NOTIFYs whoever is. `runner`: a session the
 * caller holds (then the pass runs on it — on the embedded database the only session).
 */
async function nudge(ds: DataSource, runner: QueryRunner | undefined): Promise<void> {
  const local = sequencerFor(ds);
  const embedded = isEmbedded(ds);
  if (local?.isLeader && !(runner && embedded)) {
    local.wake();
    return;
  }
  if (runner) {
    const run = runOn(runner);
    if (!(await passIfNobodyElected(ds, run)))
      await run('SELECT pg_notify($1, $2)', [SEQUENCER_CHANNEL, '']);
    return;
  }
  if (!local) {
    const qr = ds.createQueryRunner();
    try {
      if (await passIfNobodyElected(ds, runOn(qr))) return;
    } finally {
      await qr.release();
    }
  }
  notifySequencer(ds);
}

/** Asks for a pass without waiting for it (errors left to the sequencer's poll). */
export function wakeSequencer(ds: DataSource): void {
  nudge(ds, undefined).catch(() => undefined);
}

function settledWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Waits until every event has its position (filled into the objects), at most `timeoutMs`.
 * Returns false when it gave up: the events are committed and will still be positioned,
 * later (a long-running transaction holds the horizon back).
 */
export async function awaitPositions(
  ds: DataSource,
  events: StoredEvent[],
  opts: { runner?: QueryRunner; timeoutMs: number },
): Promise<boolean> {
  const waiters = waitersFor(ds);
  const { all, cancel } = waiters.wait(events);
  const deadline = Date.now() + opts.timeoutMs;
  let delay = 2;
  try {
    for (;;) {
      await nudge(ds, opts.runner);
      if (await settledWithin(all, Math.min(delay, Math.max(0, deadline - Date.now()))))
        return true;
      // The local elected sequencer settles its waiters itself; otherwise look them up.
      if (!sequencerFor(ds)?.isLeader) await waiters.check(opts.runner ?? ds);
      if (events.every((e) => e.position)) return true;
      if (Date.now() >= deadline) return false;
      delay = Math.min(delay * 2, 100);
    }
  } finally {
    cancel();
  }
}
