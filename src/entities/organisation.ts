import { Column, Entity, ForeignKey, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Storage row of an organisation from the reference data (never the GraphQL type). */
@Entity({ name: 'organisation' })
@Index('organisation_kind_idx', ['kind'], { where: 'active' })
export class OrganisationRow {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'organisation_pkey' })
  id: string;

  @Column('text')
  kind: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'short_name' })
  shortName: string;

  @Column('text', { nullable: true })
  location: string | null;

  /**
   * Districts only: the job centre a referral goes to unless the district picks another.
   * Checked at commit, so the loader can write a file's districts and job centres in any order.
   */
  @Column('text', { name: 'default_job_centre_id', nullable: true })
  @ForeignKey(() => OrganisationRow, {
    name: 'organisation_default_job_centre_id_fkey',
    deferrable: 'INITIALLY DEFERRED',
  })
  defaultJobCentreId: string | null;

  /** False once a newer reference file no longer lists it; kept for old records. */
  @Column('boolean', { default: true })
  active: boolean;

  @Column('text', { name: 'reference_version' })
  referenceVersion: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
