/**
 * Single statements pipelined on a few connections of their own instead of one pooled
 * connection each: the embedded sources' batch reads, and (on a second set of connections)
 * writes done in one statement, such as createReferral's.
 *
 * Why: a caseload page sends one read per source in the same turn of the event loop, and
 * concurrent createReferral requests each send one statement. From the pool each goes out in
 * its own `writev`, wakes its own backend and comes back in its own read; on a small host
 * the hub spent a fifth of its busy time in those sends (the bench's profile), and for
 * writes PostgreSQL spent a fifth more CPU per write switching between sixteen backends.
 * `pg`'s pipeline mode (node-postgres 8.23, documented under "Pipelining") lets a connection
 * carry queries without waiting for the one before; the statements issued in one turn are
 * corked into a single write, and one backend answers them in order, each with its own
 * result or error (every query ends with its own Sync: a failing statement fails alone, and
 * a write outside BEGIN is its own transaction, committed before the next one runs).
 *
 * Only single statements outside a transaction belong here: nothing on these connections
 * may hold a lock, a transaction or a portal across queries. A write waiting for a lock
 * delays the statements queued behind it on its connection (never more: it holds nothing
 * they need), which is why reads and writes get separate connections. The embedded
 * database (PGlite, one session) runs them through the DataSource instead
 * (`dataSourceStatements`).
 */
import { DatabaseError, type ClientConfig, type QueryResult } from 'pg';
import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { PreparingClient } from './prepared';

/** Single statements, each its own transaction, answered with their rows. */
export interface Statements {
  query<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Ends what the runner opened (nothing for a DataSource's). */
  close(): Promise<void>;
}

/** The sources' read-only statements. */
export type Reads = Statements;

/** Statements through the DataSource's own pool or session. */
export function dataSourceStatements(ds: DataSource): Statements {
  return {
    query: <T>(sql: string, params: readonly unknown[]) => ds.query<T[]>(sql, [...params]),
    close: () => Promise.resolve(),
  };
}

interface Lane {
  client: PreparingClient;
  connected: Promise<unknown>;
  inFlight: number;
  broken: boolean;
}

export interface PipelinedStatementsOptions {
  /** `pg` client settings (connection string, type parsers, application name). */
  client: ClientConfig;
  /** Connections to spread the turns' batches over. */
  lanes: number;
  /** Told of every statement, as TypeORM's own queries tell it (tests count statements). */
  logger?: () => TypeOrmLogger | undefined;
}

export class PipelinedStatements implements Statements {
  private readonly lanes: (Lane | undefined)[];
  /** The lanes this turn's statements went to: corked until the turn ends. */
  private turn: Lane[] = [];
  private closed = false;

  constructor(private readonly options: PipelinedStatementsOptions) {
    this.lanes = new Array<Lane | undefined>(Math.max(1, options.lanes)).fill(undefined);
  }

  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.closed) throw new Error('pipelined statements are closed');
    const lane = this.laneForTurn();
    this.options.logger?.()?.logQuery(sql, [...params]);
    lane.inFlight += 1;
    try {
      await lane.connected;
      // PreparingClient's query() is typed loosely (pg's overloads); (text, values) → a result.
      const pending = lane.client.query(sql, [...params]) as Promise<QueryResult>;
      const result = await pending;
      return result.rows as T[];
    } catch (err) {
      // The server ending the session (FATAL: terminated, shut down) reaches the statement in
      // flight before the socket closes; the lane must not take the next turn's statements.
      if (endsSession(err)) this.retire(lane);
      throw err;
    } finally {
      lane.inFlight -= 1;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const open = this.lanes.filter((l): l is Lane => l !== undefined);
    this.lanes.fill(undefined);
    await Promise.all(open.map((l) => l.client.end().catch(() => undefined)));
  }

  /**
   * Where a statement goes: to the lane this turn already writes to, so a page's reads (and those
   * of pages that dispatch in the same turn) leave in one write, wake one backend and are
   * answered in order; a turn's first read takes an idle lane if there is one, else the
   * least busy. A lane written to in a turn is corked until the turn ends: `setImmediate`
   * runs after every microtask and `nextTick` of the turn (where DataLoader dispatches its
   * batches). Spreading one page's reads over idle lanes instead ran them side by side, but
   * each woke its own backend: on two cores PostgreSQL spent 5–10 % more CPU per page and
   * the hub served 6 % fewer pages at 4 connections (bench/RESULTS.md). The lanes serve
   * turns that overlap.
   */
  private laneForTurn(): Lane {
    const joined = leastBusy(this.turn);
    if (joined) return joined;
    return this.cork(this.idleLane() ?? (leastBusy(this.lanes as Lane[]) as Lane));
  }

  /** An idle lane, opening one in a free slot (or in place of a broken one) if need be. */
  private idleLane(): Lane | undefined {
    for (let i = 0; i < this.lanes.length; i += 1) {
      let lane = this.lanes[i];
      if (!lane || lane.broken) lane = this.lanes[i] = this.open();
      if (lane.inFlight === 0 && !this.turn.includes(lane)) return lane;
    }
    return undefined;
  }

  private cork(lane: Lane): Lane {
    if (this.turn.length === 0)
      setImmediate(() => {
        const corked = this.turn;
        this.turn = [];
        for (const l of corked) l.client.connection.stream.uncork();
      });
    this.turn.push(lane);
    lane.client.connection.stream.cork();
    return lane;
  }

  private retire(lane: Lane): void {
    if (lane.broken) return;
    lane.broken = true;
    lane.client.end().catch(() => undefined);
  }

  private open(): Lane {
    const client = new PreparingClient({ ...this.options.client, pipeline: true });
    const lane: Lane = { client, connected: Promise.resolve(), inFlight: 0, broken: false };
    // A lost connection fails the statements in flight on it (pg rejects them); the next turn
    // opens a new one in its place.
    const broken = () => {
      lane.broken = true;
    };
    client.on('error', broken);
    client.on('end', broken);
    lane.connected = client.connect().catch((err: unknown) => {
      broken();
      throw err;
    });
    // The rejection is seen by the statements that await it; nobody else must see it unhandled.
    lane.connected.catch(() => undefined);
    return lane;
  }
}

function leastBusy(lanes: readonly Lane[]): Lane | undefined {
  let best: Lane | undefined;
  for (const lane of lanes)
    if (!lane.broken && (!best || lane.inFlight < best.inFlight)) best = lane;
  return best;
}

/**
 * An error after which the lane is not trusted: FATAL or PANIC from the server, or anything
 * that is not the server's answer to the statement (a closed or reset socket).
 */
function endsSession(err: unknown): boolean {
  if (!(err instanceof DatabaseError)) return true;
  return err.severity === 'FATAL' || err.severity === 'PANIC';
}
