import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ReferralRow } from './referral';

/** One activity of a plan, as stored in `job_plan.activities` (dates 'YYYY-MM-DD'). */
export interface StoredPlanActivity {
  interventionType: string;
  provider: string;
  startDate: string;
  endDate: string;
  hoursPerWeek: number;
}

/** A job plan the job centre submits for a referral and the district approves or rejects. */
@Entity({ name: 'job_plan' })
@Index('job_plan_referral_idx', ['referralId', 'submittedAt'])
export class JobPlanRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'job_plan_pkey' })
  id: string;

  @Column('uuid', { name: 'referral_id' })
  @ForeignKey(() => ReferralRow, { name: 'job_plan_referral_id_fkey' })
  referralId: string;

  @Column('text')
  kind: 'INITIAL' | 'EXTENDED';

  @Column('text')
  goal: string;

  @Column('text')
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';

  @Column('jsonb')
  activities: StoredPlanActivity[];

  @Column('date', { name: 'valid_from' })
  validFrom: string;

  @Column('date', { name: 'valid_until' })
  validUntil: string;

  @Column('timestamptz', { name: 'submitted_at', default: () => 'now()' })
  submittedAt: Date;

  @Column('text', { name: 'submitted_by' })
  submittedBy: string;

  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  @Column('text', { name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column('text', { name: 'decision_comment', nullable: true })
  decisionComment: string | null;
}
