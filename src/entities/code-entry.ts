import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** One code of a versioned code list (support barriers, intervention types, …). */
@Entity({ name: 'code_entry' })
export class CodeEntryRow {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'code_entry_pkey' })
  list: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'code_entry_pkey' })
  code: string;

  @Column('text')
  label: string;

  @Column('integer', { name: 'sort_order' })
  sortOrder: number;

  /** False once a newer list drops the code; stored records still resolve its label. */
  @Column('boolean', { default: true })
  active: boolean;

  @Column('text', { name: 'reference_version' })
  referenceVersion: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
