/**
 * One sequencing pass: gives the next positions to committed events, in one statement
 * (its own transaction, or inside the caller's), on a session that holds the sequencer's
 * advisory lock — the elected sequencer's, or a writer's own for one transaction while
 * nobody is elected. The NOTIFY on the event channel is delivered at commit and wakes every
 * dispatcher.
 *
 * Which rows: those without a position whose transaction id is below the snapshot horizon
 * (every transaction of this database below it has ended, see HORIZON), in (tx_id, seq)
 * order. A transaction still in flight has an id at or above the horizon, so it can never
 * commit events that belong before a position already handed out: the order is the
 * transaction-id order, the same whichever pass (or sequencer) hands the positions out.
 *
 * One exception: a visible row whose tx_id is at or above the snapshot's xmax cannot have
 * been written by this server (its transactions below xmax are the only ones whose rows are
 * visible) — it came from elsewhere, typically a logical restore, which resets the server's
 * transaction counter. Such rows are positioned at once instead of waiting until the
 * counter catches up with their old ids.
 *
 * Two passes never hand out a position twice: the advisory lock lets one run at a time, and
 * the unique constraint on event.position would refuse (and roll back) a second one that
 * started from the same counter. A pass that finds nothing ready writes nothing, so it takes
 * no transaction id and costs no WAL flush.
 */
import { EVENT_CHANNEL } from './channels';

/** A statement on the pass's session: rows (RETURNING included). */
export type RunSql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Assigned {
  id: string;
  position: string;
}

export interface PassResult {
  /** In position order. */
  assigned: Assigned[];
  /** Committed events still without a position (held back by the horizon, or past the limit). */
  left: number;
}

/** Rows per pass; a pass that fills it is followed by another at once. */
export const PASS_LIMIT = 5000;

/**
 * The horizon: the oldest transaction still running in this database (its sessions as
 * pg_stat_activity shows them, and its prepared transactions), else the snapshot's xmax.
 * `pg_snapshot_xmin` alone is the whole server's: a long transaction in any other database
 * on it (measured: another application's bulk load) would hold every event here back,
 * though it can never write this database's event table. A transaction that ends between
 * the snapshot and the look at pg_stat_activity is not counted, which is harmless: its
 * rows are not visible to this statement, so they get positions in a later pass.
 *
 * It reads the functions behind the views pg_stat_activity and pg_prepared_xacts: planning
 * the views' joins (with pg_database and pg_authid) cost more than the rest of a pass that
 * finds nothing to do (0.3 of 0.8 ms of the server's CPU, measured with pgbench), and a
 * pass runs for every few commits.
 */
const HORIZON = `
  snap AS (
    SELECT pg_current_snapshot() AS s
  ), db AS (
    SELECT oid FROM pg_database WHERE datname = current_database()
  ), running AS (
    SELECT a.backend_xid::text::bigint AS xid FROM pg_stat_get_activity(NULL) a
     WHERE a.datid = (SELECT oid FROM db) AND a.backend_xid IS NOT NULL
    UNION ALL
    SELECT p.transaction::text::bigint FROM pg_prepared_xact() p
     WHERE p.dbid = (SELECT oid FROM db)
  ), horizon AS (
    SELECT coalesce(
             (SELECT min(x::text::bigint) FROM snap, pg_snapshot_xip(snap.s) AS x
               WHERE x::text::bigint % 4294967296 IN (SELECT xid FROM running)),
             pg_snapshot_xmax(snap.s)::text::bigint) AS xmin,
           pg_snapshot_xmax(snap.s)::text::bigint AS xmax
      FROM snap
  ), waiting AS (
    SELECT e.seq, e.tx_id, (e.tx_id < h.xmin OR e.tx_id >= h.xmax) AS ready
      FROM event e, horizon h WHERE e.position IS NULL
  )`;

const PASS = `
  WITH ${HORIZON}, ready AS (
    SELECT w.seq, row_number() OVER (ORDER BY w.tx_id, w.seq) AS n
      FROM (SELECT seq, tx_id FROM waiting WHERE ready ORDER BY tx_id, seq LIMIT $1) w
  ), base AS (
    SELECT last_position AS last FROM event_sequence WHERE id = 1
  ), assigned AS (
    UPDATE event e SET position = base.last + ready.n FROM ready, base
     WHERE e.seq = ready.seq AND e.position IS NULL
    RETURNING e.id, e.position
  ), head AS (
    SELECT max(position) AS p FROM assigned
  ), bump AS (
    UPDATE event_sequence s SET last_position = head.p FROM head
     WHERE s.id = 1 AND head.p IS NOT NULL
    RETURNING s.last_position
  ), note AS (
    SELECT pg_notify('${EVENT_CHANNEL}', last_position::text) FROM bump
  )
  SELECT (SELECT coalesce(json_agg(json_build_object('id', id, 'position', position::text)), '[]')
            FROM assigned) AS assigned,
         (SELECT count(*) FROM waiting) AS waiting,
         (SELECT count(*) FROM note) AS notified`;

/** Whether a pass would find anything (read-only: for retries while the horizon holds rows). */
export const ANYTHING_READY = `WITH ${HORIZON} SELECT EXISTS (SELECT 1 FROM waiting WHERE ready) AS ready`;

export async function assignPositions(run: RunSql, limit = PASS_LIMIT): Promise<PassResult> {
  const [row] = await run<{
    assigned: Assigned[] | string;
    waiting: string | number;
  }>(PASS, [limit]);
  const raw =
    typeof row.assigned === 'string' ? (JSON.parse(row.assigned) as Assigned[]) : row.assigned;
  const assigned = raw
    .map((a) => ({ id: a.id, position: String(a.position) }))
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  return { assigned, left: Number(row.waiting) - assigned.length };
}
