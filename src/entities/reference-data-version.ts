import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which version (and checksum) of each reference file the database holds. */
@Entity({ name: 'reference_data_version' })
export class ReferenceDataVersionRow {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'reference_data_version_pkey' })
  name: string;

  @Column('text')
  version: string;

  @Column('text')
  checksum: string;

  @Column('timestamptz', { name: 'loaded_at' })
  loadedAt: Date;
}
