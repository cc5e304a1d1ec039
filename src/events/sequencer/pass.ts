/**
 * One sequencing pass: gives the next positions to committed events, inside a transaction
 * the caller opened on the session that may sequence (the elected sequencer's, or a
 * writer's own while no sequencer is elected). The caller commits; the NOTIFY on the event
 * channel is delivered at that commit and wakes every dispatcher.
 *
 * Which rows: those without a position whose transaction id is below the snapshot horizon
 * (`pg_snapshot_xmin`: every transaction below it has ended), in (tx_id, seq) order. A
 * transaction still in flight has an id at or above the horizon, so it can never commit
 * events that belong before a position already handed out: the order is the transaction-id
 * order, the same whichever pass (or sequencer) hands the positions out.
 *
 * One exception: a visible row whose tx_id is at or above the snapshot's xmax cannot have
 * been written by this server (its transactions below xmax are the only ones whose rows are
 * visible) — it came from elsewhere, typically a logical restore, which resets the server's
 * transaction counter. Such rows are positioned at once instead of waiting until the
 * counter catches up with their old ids.
 */
import { EVENT_CHANNEL } from './channels';

/** A statement on the pass's session: rows (RETURNING included). */
export type RunSql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Assigned {
  id: string;
  position: string;
}

/** Rows per pass; a pass that fills it is followed by another at once. */
export const PASS_LIMIT = 5000;

const ASSIGN = `
  WITH horizon AS (
    SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax
      FROM (SELECT pg_current_snapshot() AS s) snap
  ), ready AS (
    SELECT w.seq, row_number() OVER (ORDER BY w.tx_id, w.seq) AS n
      FROM (SELECT e.seq, e.tx_id FROM event e, horizon h
             WHERE e.position IS NULL AND (e.tx_id < h.xmin OR e.tx_id >= h.xmax)
             ORDER BY e.tx_id, e.seq LIMIT $2) w
  )
  UPDATE event e SET position = $1::bigint + ready.n
    FROM ready WHERE e.seq = ready.seq AND e.position IS NULL
  RETURNING e.id, e.position`;

/**
 * Assigns positions after event_sequence.last_position and moves it on. The counter row is
 * locked first: a second pass (which the advisory lock should already exclude) waits, then
 * reads the positions this one committed (a new snapshot per statement), so positions are
 * never handed out twice.
 */
export async function assignPositions(run: RunSql, limit = PASS_LIMIT): Promise<Assigned[]> {
  const [counter] = await run<{ last: string | number }>(
    'SELECT last_position AS last FROM event_sequence WHERE id = 1 FOR UPDATE',
  );
  if (!counter) throw new Error('event_sequence has no row: the migrations have not run');
  const rows = await run<{ id: string; position: string | number }>(ASSIGN, [
    String(counter.last),
    limit,
  ]);
  if (rows.length === 0) return [];
  const assigned = rows
    .map((r) => ({ id: r.id, position: String(r.position) }))
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  const head = assigned[assigned.length - 1].position;
  await run('UPDATE event_sequence SET last_position = $1 WHERE id = 1', [head]);
  await run('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, head]);
  return assigned;
}
