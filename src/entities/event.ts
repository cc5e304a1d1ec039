import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { ReferralEventType } from '../events/event-types';

/**
 * One event of the referral event log (the transactional outbox), append-only. `position`
 * comes from event_sequence in the writing transaction (see src/events/outbox.ts).
 */
@Entity({ name: 'event' })
@Unique('event_id_key', ['id'])
@Index('event_referral_idx', ['referralId', 'position'])
@Index('event_district_idx', ['districtId', 'position'])
@Index('event_job_centre_idx', ['jobCentreId', 'position'])
// The job guarantee is missed once per referral, however often the checker runs.
@Index('event_deadline_missed_once', ['referralId'], {
  unique: true,
  where: "type = 'PLAN_DEADLINE_MISSED'",
})
export class EventRow {
  /** int8: a decimal string (pg does not turn it into a number that could lose digits). */
  @PrimaryColumn('bigint', { primaryKeyConstraintName: 'event_pkey' })
  position: string;

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
