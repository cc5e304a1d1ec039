import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, Unique } from 'typeorm';
import { OrganisationRow } from './organisation';

/** A person the hub knows (the person index); the agencies' records stay in their systems. */
@Entity({ name: 'person' })
@Unique('person_personnummer_key', ['personnummer'])
export class PersonRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'person_pkey' })
  id: string;

  @Column('text')
  personnummer: string;

  @Column('text', { name: 'given_name' })
  givenName: string;

  @Column('text', { name: 'family_name' })
  familyName: string;

  @Column('integer', { name: 'birth_year' })
  birthYear: number;

  /** Skyddad folkbokföring: identity fields are withheld outside the owning district. */
  @Column('boolean', { name: 'protected_identity', default: false })
  protectedIdentity: boolean;

  @Column('text', { name: 'home_district_id', nullable: true })
  @ForeignKey(() => OrganisationRow, { name: 'person_home_district_id_fkey' })
  homeDistrictId: string | null;

  /** Demo data from the seed generator; describes nobody. */
  @Column('boolean', { default: false })
  synthetic: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
