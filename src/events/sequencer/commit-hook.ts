/**
 * What happens to a transaction's events at its commit. appendEvents notes them on the
 * transaction's query runner; this TypeORM subscriber (registered on every DataSource,
 * src/db/data-source.ts) sees the commit and makes the events' positions known before the
 * transaction's promise resolves — appendEvents keeps its contract of returning positioned
 * events. A rolled-back transaction (or savepoint) forgets the events it appended.
 *
 * A transaction run by `eventTransaction` (the mutations) waits instead after its connection
 * went back to the pool, so waiting for the sequencer never holds a connection.
 */
import {
  EventSubscriber,
  type DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { StoredEvent } from '../event-types';
import { sequencerFor } from './registry';
import { awaitPositions, waitersFor, wakeSequencer } from './waiters';

/** How long appendEvents waits for positions before it reports the events as late. */
export const APPEND_WAIT_MS = 30_000;

/** Default wait of a mutation when no sequencer runs in this process. */
const DEFAULT_POSITION_WAIT_MS = 5_000;

interface RunnerState {
  batches: { depth: number; events: StoredEvent[] }[];
  /** Run by eventTransaction, which waits itself after commit. */
  managed: boolean;
}

const byRunner = new WeakMap<QueryRunner, RunnerState>();

/** TypeORM keeps the savepoint depth protected; it decides which batches a rollback drops. */
function depthOf(qr: QueryRunner): number {
  return (qr as unknown as { transactionDepth?: number }).transactionDepth ?? 1;
}

function stateOf(qr: QueryRunner): RunnerState {
  let s = byRunner.get(qr);
  if (!s) byRunner.set(qr, (s = { batches: [], managed: false }));
  return s;
}

export class EventPositionsAreLate extends Error {
  constructor(count: number, ms: number) {
    super(
      `${count} committed event(s) got no position within ${ms} ms: a long-running transaction holds the sequencer back (the events are not lost)`,
    );
  }
}

/**
 * Notes events inserted in `m`'s transaction. Outside a transaction (the INSERT has
 * committed already) waits for their positions at once.
 */
export async function noteAppended(m: EntityManager, events: StoredEvent[]): Promise<void> {
  const qr = m.queryRunner;
  if (qr?.isTransactionActive) {
    stateOf(qr).batches.push({ depth: depthOf(qr), events });
    waitersFor(m.connection).register(events);
    return;
  }
  if (!(await awaitPositions(m.connection, events, { runner: qr, timeoutMs: APPEND_WAIT_MS })))
    throw new EventPositionsAreLate(events.length, APPEND_WAIT_MS);
}

function take(qr: QueryRunner): StoredEvent[] {
  const s = byRunner.get(qr);
  byRunner.delete(qr);
  return s ? s.batches.flatMap((b) => b.events) : [];
}

/**
 * Runs `work` in a transaction whose events are positioned before this resolves (at most
 * the sequencer's positionWaitMs; after that it resolves anyway, the events being committed
 * and positioned later). The connection is back in the pool while it waits.
 */
export async function eventTransaction<T>(
  ds: DataSource,
  work: (m: EntityManager) => Promise<T>,
): Promise<T> {
  let runner: QueryRunner | undefined;
  const result = await ds.transaction(async (m) => {
    runner = m.queryRunner;
    if (runner) stateOf(runner).managed = true;
    return work(m);
  });
  const events = runner ? take(runner) : [];
  await positionsAfterCommit(ds, events);
  return result;
}

/**
 * Like eventTransaction for work done in one statement outside a transaction (its own
 * transaction): `write` runs the statement, which may insert `events` (made by the
 * outbox's toBeStored, inserted with its eventInsert) and reports whether it did. Answers
 * once they are positioned, at most the sequencer's positionWaitMs, like eventTransaction.
 */
export async function eventStatement<T>(
  ds: DataSource,
  events: StoredEvent[],
  write: () => Promise<{ result: T; written: boolean }>,
): Promise<T> {
  // Registered before the statement, as appendEvents does before commit: a pass that
  // positions them before this waits (another writer woke the sequencer) settles them too.
  const waiters = waitersFor(ds);
  waiters.register(events);
  let outcome: { result: T; written: boolean };
  try {
    outcome = await write();
  } catch (err) {
    waiters.unregister(events);
    throw err;
  }
  if (!outcome.written) {
    waiters.unregister(events);
    return outcome.result;
  }
  await positionsAfterCommit(ds, events);
  return outcome.result;
}

/** A mutation's wait for its committed events' positions (with no connection held). */
async function positionsAfterCommit(ds: DataSource, events: StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  const local = sequencerFor(ds);
  const timeoutMs = local?.positionWaitMs ?? DEFAULT_POSITION_WAIT_MS;
  if (timeoutMs === 0) {
    waitersFor(ds).unregister(events);
    wakeSequencer(ds);
  } else if (!(await awaitPositions(ds, events, { timeoutMs })))
    local?.positionsLate(events.length, timeoutMs);
}

// TypeORM instantiates only decorated subscriber classes (for the DataSources listing them).
@EventSubscriber()
export class OutboxCommitSubscriber implements EntitySubscriberInterface {
  async afterTransactionCommit({ queryRunner: qr }: TransactionCommitEvent): Promise<void> {
    if (qr.isTransactionActive) return; // a savepoint released: the transaction goes on
    const s = byRunner.get(qr);
    if (!s || s.managed) return;
    const events = take(qr);
    if (events.length === 0) return;
    const ok = await awaitPositions(qr.connection, events, {
      runner: qr,
      timeoutMs: APPEND_WAIT_MS,
    });
    if (!ok) throw new EventPositionsAreLate(events.length, APPEND_WAIT_MS);
  }

  afterTransactionRollback({ queryRunner: qr }: TransactionRollbackEvent): void {
    const s = byRunner.get(qr);
    if (!s) return;
    // The whole transaction, or a savepoint: drop what was appended inside it.
    const depth = qr.isTransactionActive ? depthOf(qr) : 0;
    const dropped = s.batches.filter((b) => b.depth > depth);
    s.batches = s.batches.filter((b) => b.depth <= depth);
    waitersFor(qr.connection).unregister(dropped.flatMap((b) => b.events));
    if (!qr.isTransactionActive) byRunner.delete(qr);
  }
}
