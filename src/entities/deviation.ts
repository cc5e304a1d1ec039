import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ReferralRow } from './referral';

/** A deviation (avvikelse: absence, non-participation) the job centre reports on a referral. */
@Entity({ name: 'deviation' })
@Index('deviation_referral_idx', ['referralId', 'date'])
export class DeviationRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'deviation_pkey' })
  id: string;

  @Column('uuid', { name: 'referral_id' })
  @ForeignKey(() => ReferralRow, { name: 'deviation_referral_id_fkey' })
  referralId: string;

  @Column('text')
  kind: string;

  /** The day it happened, 'YYYY-MM-DD'. */
  @Column('date')
  date: string;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('timestamptz', { name: 'reported_at', default: () => 'now()' })
  reportedAt: Date;

  @Column('text', { name: 'reported_by' })
  reportedBy: string;
}
