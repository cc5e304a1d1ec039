import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Storage row of an organisation from the reference data (never the GraphQL type). */
@Entity({ name: 'organisation' })
export class OrganisationRow {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  kind: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'short_name' })
  shortName: string;

  @Column('text', { nullable: true })
  location: string | null;

  /** Districts only: the job centre a referral goes to unless the district picks another. */
  @Column('text', { name: 'default_job_centre_id', nullable: true })
  defaultJobCentreId: string | null;

  /** False once a newer reference file no longer lists it; kept for old records. */
  @Column('boolean', { default: true })
  active: boolean;

  @Column('text', { name: 'reference_version' })
  referenceVersion: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
