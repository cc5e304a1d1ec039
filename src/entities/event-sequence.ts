import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The event log's position counter: one row (id 1). The outbox bumps it with UPDATE …
 * RETURNING as the last statement of a writing transaction; the row lock held until
 * commit makes positions visible strictly in order.
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
