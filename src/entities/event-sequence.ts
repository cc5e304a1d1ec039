import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The event log's position counter: one row (id 1), the last position handed out. Only the
 * sequencer (src/events/sequencer/) writes it, in the transaction that gives positions,
 * after locking it (FOR UPDATE), so two passes can never hand out the same position even
 * if the advisory lock that elects one sequencer were bypassed. Writers never touch it.
 */
@Entity({ name: 'event_sequence' })
@Check('event_sequence_id_check', 'id = 1')
export class EventSequenceRow {
  @PrimaryColumn('integer', { primaryKeyConstraintName: 'event_sequence_pkey' })
  id: number;

  /** int8 as a decimal string, like event.position. */
  @Column('bigint', { name: 'last_position' })
  lastPosition: string;
}
