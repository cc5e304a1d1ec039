import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The event log's position counter: one row (id 1), the last position handed out. Only the
 * sequencer (src/events/sequencer/pass.ts) writes it, in the statement that gives positions;
 * writers never touch it. Passes run one at a time under the sequencer's advisory lock.
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
