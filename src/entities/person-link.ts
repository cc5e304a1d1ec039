import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OrganisationRow } from './organisation';
import { PersonRow } from './person';

/**
 * Which organisation relates to a person, and how: the basis of "persons my organisation
 * may see" and of the caseload filters, without calling four systems.
 */
@Entity({ name: 'person_link' })
@Index('person_link_org_idx', ['organisationId', 'relation', 'personId'], { where: 'active' })
@Index('person_link_org_person_idx', ['organisationId', 'personId', 'relation'], {
  where: 'active',
})
@Index('person_link_target_group_idx', ['targetGroup', 'personId'], { where: 'active' })
@Index('person_link_relation_idx', ['relation', 'personId'], { where: 'active' })
export class PersonLinkRow {
  @PrimaryColumn('uuid', { name: 'person_id', primaryKeyConstraintName: 'person_link_pkey' })
  @ForeignKey(() => PersonRow, { name: 'person_link_person_id_fkey', onDelete: 'CASCADE' })
  personId: string;

  @PrimaryColumn('text', { name: 'organisation_id', primaryKeyConstraintName: 'person_link_pkey' })
  @ForeignKey(() => OrganisationRow, { name: 'person_link_organisation_id_fkey' })
  organisationId: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'person_link_pkey' })
  relation: string;

  @Column('text', { name: 'target_group', nullable: true })
  targetGroup: string | null;

  /** False once the relation has ended (a closed referral, say): only active links give access. */
  @Column('boolean', { default: true })
  active: boolean;

  /** 'YYYY-MM-DD' (dates are strings on both drivers). */
  @Column('date')
  since: string;
}
