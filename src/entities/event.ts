import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { ReferralEventType } from '../events/event-types';

/**
 * One event of the referral event log (the transactional outbox), append-only. The writing
 * transaction inserts it without a position (src/events/outbox.ts); the sequencer
 * (src/events/sequencer/) gives it one after commit. Readers only see positioned rows.
 */
@Entity({ name: 'event' })
@Unique('event_id_key', ['id'])
@Unique('event_position_key', ['position'])
// What the sequencer reads: the rows still waiting, in its order.
@Index('event_unsequenced_idx', ['txId', 'seq'], { where: 'position IS NULL' })
@Index('event_referral_idx', ['referralId', 'position'])
@Index('event_district_idx', ['districtId', 'position'])
@Index('event_job_centre_idx', ['jobCentreId', 'position'])
// The job guarantee is missed once per referral, however often the checker runs.
@Index('event_deadline_missed_once', ['referralId'], {
  unique: true,
  where: "type = 'PLAN_DEADLINE_MISSED'",
})
export class EventRow {
  /** Insertion order, the tiebreaker within one transaction (int8 as a decimal string). */
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'event_pkey' })
  seq: string;

  /**
   * The writing transaction's id (`txid_current()`, the same 64-bit id as
   * `pg_current_xact_id()`; bigint because TypeORM has no xid8 type).
   */
  @Column('bigint', { name: 'tx_id', default: () => 'txid_current()' })
  txId: string;

  /**
   * Gap-free, 1..n, null until sequenced. int8: a decimal string (pg does not turn it into
   * a number that could lose digits).
   */
  @Column('bigint', { nullable: true })
  position: string | null;

  @Column('uuid')
  id: string;

  @Column('text')
  type: ReferralEventType;

  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' })
  occurredAt: Date;

  @Column('uuid', { name: 'referral_id' })
  referralId: string;

  @Column('uuid', { name: 'person_id' })
  personId: string;

  @Column('text', { name: 'district_id' })
  districtId: string;

  @Column('text', { name: 'job_centre_id' })
  jobCentreId: string;

  /** Null for events the hub writes itself (a missed plan deadline). */
  @Column('text', { name: 'actor_sub', nullable: true })
  actorSub: string | null;

  @Column('text', { name: 'actor_org', nullable: true })
  actorOrg: string | null;

  @Column('jsonb', { default: {} })
  payload: Record<string, unknown>;
}
