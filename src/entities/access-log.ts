import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** By which path a read reached the data: the hub's root fields, or federation entities. */
export type AccessPath = 'root' | 'entities';

/**
 * One line of the access log: who (sub, role, organisation) read or changed whose data,
 * which field groups, for what purpose and on what basis, in which request; or, for a change
 * to something other than a person's data (a webhook endpoint), which `resource`.
 * Append-only.
 */
@Entity({ name: 'access_log' })
@Check('access_log_via_check', `via IN ('root', 'entities')`)
@Check('access_log_subject_check', `person_id IS NOT NULL OR resource IS NOT NULL`)
@Index('access_log_person_idx', ['personId', 'id'])
@Index('access_log_actor_idx', ['actorSub', 'id'])
@Index('access_log_resource_idx', ['resource', 'id'], { where: 'resource IS NOT NULL' })
export class AccessLogRow {
  /** bigserial; int8 as a decimal string. Readers page on it (newest first). */
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'access_log_pkey',
  })
  id: string;

  @Column('timestamptz', { default: () => 'now()' })
  at: Date;

  @Column('text', { name: 'request_id' })
  requestId: string;

  @Column('text', { name: 'actor_sub' })
  actorSub: string;

  @Column('text', { name: 'actor_role' })
  actorRole: string;

  @Column('text', { name: 'actor_org' })
  actorOrg: string;

  /** Whose data; null only for a change to something else (`resource`). */
  @Column('uuid', { name: 'person_id', nullable: true })
  personId: string | null;

  /**
   * What a change that is not to a person's data was made to, e.g. `webhookEndpoint:<id>`
   * (null for a person's data).
   */
  @Column('text', { nullable: true })
  resource: string | null;

  @Column('text')
  action: string;

  @Column('text')
  operation: string;

  @Column('text', { name: 'field_groups', array: true })
  fieldGroups: string[];

  @Column('text')
  purpose: string;

  /**
   * The basis of each cross-authority read (a consent's id, or the statute). Empty for the
   * organisation's own data.
   */
  @Column('text', { array: true, default: [] })
  bases: string[];

  /** `root`, or `entities` for a read a federation gateway made through `_entities`. */
  @Column('text', { default: 'root' })
  via: AccessPath;
}
