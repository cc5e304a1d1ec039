import {
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { ReferralStatus } from '../domain/referral-workflow';
import { OrganisationRow } from './organisation';
import { PersonRow } from './person';

/**
 * A referral from a district to a job centre, the state of its workflow included.
 * Dates (`date` columns) are 'YYYY-MM-DD' strings on both drivers.
 */
@Entity({ name: 'referral' })
@Index('referral_person_idx', ['personId'])
@Index('referral_district_idx', ['fromDistrictId', 'createdAt', 'id'])
@Index('referral_job_centre_idx', ['toJobCentreId', 'createdAt', 'id'])
// The job-guarantee checker looks only at enrolled referrals whose deadline is not yet marked.
@Index('referral_open_deadline_idx', ['planDeadline'], {
  where: 'deadline_missed_at IS NULL AND plan_deadline IS NOT NULL',
})
export class ReferralRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'referral_pkey' })
  id: string;

  @Column('uuid', { name: 'person_id' })
  @ForeignKey(() => PersonRow, { name: 'referral_person_id_fkey' })
  personId: string;

  @Column('text', { name: 'from_district_id' })
  @ForeignKey(() => OrganisationRow, { name: 'referral_from_district_id_fkey' })
  fromDistrictId: string;

  @Column('text', { name: 'to_job_centre_id' })
  @ForeignKey(() => OrganisationRow, { name: 'referral_to_job_centre_id_fkey' })
  toJobCentreId: string;

  @Column('text', { name: 'target_group' })
  targetGroup: string;

  @Column('text', { name: 'support_barrier' })
  supportBarrier: string;

  @Column('text', { nullable: true })
  note: string | null;

  /**
   * The consent the referral was sent under. No foreign key: the consent table came in a
   * later migration; the service checks the consent when the referral is sent.
   */
  @Column('uuid', { name: 'consent_id', nullable: true })
  consentId: string | null;

  @Column('text')
  status: ReferralStatus;

  /** Where a resumed referral goes back to. */
  @Column('text', { name: 'status_before_interruption', nullable: true })
  statusBeforeInterruption: ReferralStatus | null;

  @Column('text', { name: 'coach_id', nullable: true })
  coachId: string | null;

  @Column('timestamptz', { name: 'first_appointment_at' })
  firstAppointmentAt: Date;

  @Column('timestamptz', { name: 'first_visit_at', nullable: true })
  firstVisitAt: Date | null;

  /** The job guarantee: set at the first visit, the day the initial plan is due (+5 working days). */
  @Column('date', { name: 'plan_deadline', nullable: true })
  planDeadline: string | null;

  @Column('timestamptz', { name: 'deadline_missed_at', nullable: true })
  deadlineMissedAt: Date | null;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason: string | null;

  @Column('text', { name: 'withdrawal_reason', nullable: true })
  withdrawalReason: string | null;

  @Column('text', { name: 'return_reason', nullable: true })
  returnReason: string | null;

  @Column('text', { name: 'return_note', nullable: true })
  returnNote: string | null;

  @Column('timestamptz', { name: 'returned_at', nullable: true })
  returnedAt: Date | null;

  @Column('timestamptz', { name: 'return_acknowledged_at', nullable: true })
  returnAcknowledgedAt: Date | null;

  @Column('text', { name: 'closure_reason', nullable: true })
  closureReason: string | null;

  @Column('text', { name: 'closure_employment_type', nullable: true })
  closureEmploymentType: string | null;

  @Column('text', { name: 'closure_note', nullable: true })
  closureNote: string | null;

  @Column('timestamptz', { name: 'closed_at', nullable: true })
  closedAt: Date | null;

  @Column('text', { name: 'created_by' })
  createdBy: string;

  /**
   * Compare-and-set counter, bumped by the store's UPDATE … WHERE version = $n. A plain
   * column, not @VersionColumn: TypeORM's save() would bump it without checking it.
   */
  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
