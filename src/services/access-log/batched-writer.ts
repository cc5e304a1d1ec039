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
import { prepared } from '../../db/prepared';
import type { DataSource } from 'typeorm';
import type { AuthenticatedViewer } from '../../auth/viewer';
import type { AccessEntry, ActorEntries } from './access-log';

interface Row {
  viewer: AuthenticatedViewer;
  requestId: string;
  purpose: string;
  entry: AccessEntry;
}

interface Batch {
  rows: Row[];
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface BatchedWriterOptions {
  /** Rows per statement; a full batch is written at once. */
  maxRows?: number;
  /** Statements in flight at once (each takes a pool connection). */
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
  return { rows: [], done, resolve, reject };
}

/** Named (src/db/prepared.ts): one text, no table read to plan. */
const INSERT_ROWS = prepared(
  `INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action, operation, field_groups, purpose, bases, via)
     SELECT r, s, ro, o, p, a, op, string_to_array(g, ','), pu, coalesce(string_to_array(b, E'\\n'), '{}'), v
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS x(r, s, ro, o, p, a, op, g, pu, b, v)`,
);

/** Many actors' rows in one INSERT (access-log.ts writeAccessLog is the one-actor form). */
export async function insertAccessRows(ds: DataSource, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: Row) => T) => rows.map(f);
  await ds.query(INSERT_ROWS, [
    col((r) => r.requestId),
    col((r) => r.viewer.sub),
    col((r) => r.viewer.role),
    col((r) => r.viewer.orgId),
    col((r) => r.entry.personId),
    col((r) => r.entry.action),
    col((r) => r.entry.operation),
    col((r) => r.entry.fieldGroups.join(',')),
    col((r) => r.purpose),
    // One string per row (unnest needs equal-length arrays); bases never contain newlines.
    col((r) => (r.entry.bases?.length ? r.entry.bases.join('\n') : null)),
    col((r) => r.entry.via ?? 'root'),
  ]);
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
    private readonly ds: DataSource,
    private readonly options: BatchedWriterOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 1000;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** Resolves once these rows are committed; rejects when their statement failed. */
  write(actor: ActorEntries): Promise<void> {
    if (actor.entries.length === 0) return Promise.resolve();
    const batch = this.pending;
    // One actor's rows stay in one batch: its delivery waits for one statement.
    for (const entry of actor.entries)
      batch.rows.push({
        viewer: actor.viewer,
        requestId: actor.requestId,
        purpose: actor.purpose,
        entry,
      });
    if (batch.rows.length >= this.maxRows) this.seal();
    else this.schedule();
    return batch.done;
  }

  /** Writes what is pending now and waits for every statement in flight. */
  async close(): Promise<void> {
    this.seal();
    while (this.ready.length > 0 || this.inFlight.size > 0 || this.pending.rows.length > 0) {
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
    if (this.pending.rows.length > 0) {
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
      if (!batch && withPending && this.pending.rows.length > 0) {
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
      await insertAccessRows(this.ds, batch.rows);
      this.options.onFlush?.(batch.rows.length);
      batch.resolve();
    } catch (err) {
      this.options.onFlush?.(batch.rows.length, err);
      batch.reject(err);
    }
  }
}
