import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { ConsentScope } from '../auth/policy-table';
import { OrganisationRow } from './organisation';
import { PersonRow } from './person';

/**
 * A consent (samtycke): the person allows data to cross between the parties, for the
 * scopes, from valid_from to valid_until inclusive (Stockholm dates, 'YYYY-MM-DD'), until
 * withdrawn. Never deleted: a withdrawal is recorded, so earlier reads keep their basis.
 */
@Entity({ name: 'consent' })
@Index('consent_person_idx', ['personId'])
@Check('consent_parties_check', 'cardinality(parties) > 0')
@Check('consent_scope_check', 'cardinality(scope) > 0')
@Check('consent_check', 'valid_until >= valid_from')
export class ConsentRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'consent_pkey' })
  id: string;

  @Column('uuid', { name: 'person_id' })
  @ForeignKey(() => PersonRow, { name: 'consent_person_id_fkey', onDelete: 'CASCADE' })
  personId: string;

  /** Organisation ids the data may cross between. */
  @Column('text', { array: true })
  parties: string[];

  @Column('text', { array: true })
  scope: ConsentScope[];

  @Column('date', { name: 'valid_from' })
  validFrom: string;

  @Column('date', { name: 'valid_until' })
  validUntil: string;

  @Column('text', { name: 'recorded_by_org' })
  @ForeignKey(() => OrganisationRow, { name: 'consent_recorded_by_org_fkey' })
  recordedByOrg: string;

  @Column('text', { name: 'recorded_by_sub' })
  recordedBySub: string;

  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' })
  recordedAt: Date;

  @Column('timestamptz', { name: 'withdrawn_at', nullable: true })
  withdrawnAt: Date | null;

  @Column('text', { name: 'withdrawn_by_sub', nullable: true })
  withdrawnBySub: string | null;

  @Column('text', { name: 'withdrawal_reason', nullable: true })
  withdrawalReason: string | null;
}
