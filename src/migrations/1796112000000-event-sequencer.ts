import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event positions without the global lock (issue 16). Writers no longer take the
 * event_sequence row: they insert their events without a position, stamped with their
 * transaction id (`tx_id`) and a per-row tiebreaker (`seq`). One sequencer per database
 * (src/events/sequencer/) gives positions after commit, in (tx_id, seq) order, only to rows
 * below the snapshot horizon, and keeps event_sequence.last_position as its high-water mark.
 *
 * Existing rows keep their positions. `tx_id` is bigint, not xid8: TypeORM has no xid8 type,
 * and `txid_current()` is the same 64-bit, epoch-extended id as `pg_current_xact_id()`.
 * Adding the two columns rewrites the table once (existing rows get this migration's
 * transaction id and seq numbers in table order; neither matters for rows that already
 * have a position). Run it with every instance of the previous version stopped: those
 * still write positions themselves.
 */
export class EventSequencer1796112000000 implements MigrationInterface {
  name = 'EventSequencer1796112000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE event
        ADD COLUMN tx_id bigint NOT NULL DEFAULT txid_current(),
        ADD COLUMN seq bigserial NOT NULL,
        DROP CONSTRAINT event_pkey,
        ALTER COLUMN position DROP NOT NULL`);
    await q.query(`ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (seq)`);
    await q.query(`ALTER TABLE event ADD CONSTRAINT event_position_key UNIQUE (position)`);
    // What the sequencer reads: the rows still waiting for a position, in its order.
    await q.query(
      `CREATE INDEX event_unsequenced_idx ON event (tx_id, seq) WHERE position IS NULL`,
    );
    // The counter now only follows the positions handed out (it may lag if the log was
    // written by hand): bring it to the log's head.
    await q.query(
      `UPDATE event_sequence SET last_position = greatest(last_position, (SELECT coalesce(max(position), 0) FROM event)) WHERE id = 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows still waiting get positions after the last one, in the sequencer's order.
    await q.query(`
      WITH waiting AS (
        SELECT seq, row_number() OVER (ORDER BY tx_id, seq) AS n FROM event WHERE position IS NULL
      )
      UPDATE event e SET position = (SELECT last_position FROM event_sequence WHERE id = 1) + w.n
        FROM waiting w WHERE e.seq = w.seq`);
    await q.query(
      `UPDATE event_sequence SET last_position = (SELECT coalesce(max(position), 0) FROM event) WHERE id = 1`,
    );
    await q.query(`DROP INDEX event_unsequenced_idx`);
    await q.query(`ALTER TABLE event DROP CONSTRAINT event_position_key`);
    await q.query(`ALTER TABLE event DROP CONSTRAINT event_pkey`);
    await q.query(`ALTER TABLE event DROP COLUMN seq, DROP COLUMN tx_id`);
    await q.query(`ALTER TABLE event ADD CONSTRAINT event_pkey PRIMARY KEY (position)`);
  }
}
