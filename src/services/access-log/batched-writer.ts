/**
 * Access-log rows of many actors written together: a subscription event shared by a cohort
 * of subscribers is one read per subscriber (each with their own identity, request and
 * purpose), and writing each as its own INSERT would make the log the bottleneck of fan-out.
 *
 * Durability is the same as a single write: `write` resolves only once the statement that
 * holds its rows has committed, and the caller sends the event only then (and withholds it
 * when `write` rejects). Batching only lets rows that become due at the same moment share a
 * statement: the first row of an empty batch schedules a flush on the next turn of the event
 * loop (so every subscriber woken by the same event joins it), a full batch flushes at once,
 * and rows arriving while statements are in flight wait for the next one. `close` writes
 * what is pending and waits for what is in flight.
 */
import { dataSourceStatements, type Statements } from '../../db/pipelined-statements';
import { prepared } from '../../db/prepared';
import type { DataSource } from 'typeorm';
import { accessLogRows, type ActorEntries } from './access-log';

interface Batch {
  /** Each actor's rows stay together: its delivery waits for one statement. */
  actors: ActorEntries[];
  rows: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatchedWriterOptions {
  /** Rows per statement; a full batch is written at once. */
  maxRows?: number;
  /** Statements in flight at once (each takes a connection). */
  maxInFlight?: number;
  /** Told after each statement (rows written, or the error). */
  onFlush?: (rows: number, err?: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A batch nobody awaits (every caller went away) must not be an unhandled rejection.
  done.catch(() => undefined);
  return { actors: [], rows: 0, done, resolve, reject };
}

/** Many actors' rows in one INSERT (access-log.ts accessLogRows), its own transaction. */
export async function insertAccessRows(
  writes: Statements,
  actors: readonly ActorEntries[],
): Promise<void> {
  if (actors.length === 0) return;
  const insert = accessLogRows(actors);
  // Named (src/db/prepared.ts): numbered from $1, one text, no table read to plan.
  await writes.query(prepared(insert.sql), insert.params);
}

export class BatchedAccessLogWriter {
  private pending: Batch = newBatch();
  /** Batches closed for new rows, waiting for a statement slot. */
  private readonly ready: Batch[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxRows: number;
  private readonly maxInFlight: number;

  constructor(
    ds: DataSource,
    private readonly options: BatchedWriterOptions = {},
    /** Where the INSERTs go: the hub's pipelined single-statement writes on a server. */
    private readonly writes: Statements = dataSourceStatements(ds),
  ) {
    this.maxRows = options.maxRows ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** Resolves once these rows are committed; rejects when their statement failed. */
  write(actor: ActorEntries): Promise<void> {
    if (actor.entries.length === 0) return Promise.resolve();
    const batch = this.pending;
    // One actor's rows stay in one batch: its delivery waits for one statement.
    batch.actors.push(actor);
    batch.rows += actor.entries.length;
    if (batch.rows >= this.maxRows) this.seal();
    else this.schedule();
    return batch.done;
  }

  /** Writes what is pending now and waits for every statement in flight. */
  async close(): Promise<void> {
    this.seal();
    while (this.ready.length > 0 || this.inFlight.size > 0 || this.pending.rows > 0) {
      this.start(true);
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.start(true);
    });
  }

  /** A full batch: closed for new rows, written as soon as a slot is free. */
  private seal(): void {
    if (this.pending.rows > 0) {
      this.ready.push(this.pending);
      this.pending = newBatch();
    }
    this.start(false);
  }

  /**
   * Starts statements while slots are free: full batches first, then (when `withPending`:
   * the turn that woke the rows is over) the pending one. While every slot is busy the
   * pending batch stays open, so rows that keep arriving share the next statement.
   */
  private start(withPending: boolean): void {
    while (this.inFlight.size < this.maxInFlight) {
      let batch = this.ready.shift();
      if (!batch && withPending && this.pending.rows > 0) {
        batch = this.pending;
        this.pending = newBatch();
      }
      if (!batch) return;
      const running = this.flush(batch).finally(() => {
        this.inFlight.delete(running);
        this.start(true);
      });
      this.inFlight.add(running);
    }
  }

  private async flush(batch: Batch): Promise<void> {
    try {
      await insertAccessRows(this.writes, batch.actors);
      this.options.onFlush?.(batch.rows);
      batch.resolve();
    } catch (err) {
      this.options.onFlush?.(batch.rows, err);
      batch.reject(err);
    }
  }
}
