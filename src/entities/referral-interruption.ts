import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ReferralRow } from './referral';

/** An interruption (avbrott) of a referral: from a date until the job centre resumes it. */
@Entity({ name: 'referral_interruption' })
@Index('referral_interruption_referral_idx', ['referralId', 'fromDate'])
export class ReferralInterruptionRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'referral_interruption_pkey' })
  id: string;

  @Column('uuid', { name: 'referral_id' })
  @ForeignKey(() => ReferralRow, { name: 'referral_interruption_referral_id_fkey' })
  referralId: string;

  @Column('text')
  reason: string;

  @Column('date', { name: 'from_date' })
  fromDate: string;

  /** Null while the referral is still interrupted. */
  @Column('date', { name: 'resumed_at', nullable: true })
  resumedAt: string | null;
}
