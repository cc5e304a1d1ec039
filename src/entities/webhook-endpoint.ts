import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OrganisationRow } from './organisation';

export type WebhookEndpointState = 'ENABLED' | 'DISABLED';

/** The stored filter: EventFilterInput's fields (ids and event type names). */
export interface StoredWebhookFilter {
  types?: string[] | null;
  districtId?: string | null;
  jobCentreId?: string | null;
  referralId?: string | null;
}

/**
 * An outbound webhook endpoint of an organisation, acting as one role: its URL, filter and
 * signing secrets, its durable cursor on the event log (the last acknowledged position),
 * the state of the current event's attempts, and the lease of the instance delivering it.
 */
@Entity({ name: 'webhook_endpoint' })
@Check('webhook_endpoint_state_check', `state IN ('ENABLED', 'DISABLED')`)
@Index('webhook_endpoint_owner_idx', ['organisationId', 'role'])
export class WebhookEndpointRow {
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'webhook_endpoint_pkey' })
  id: string;

  @Column('text', { name: 'organisation_id' })
  @ForeignKey(() => OrganisationRow, { name: 'webhook_endpoint_organisation_id_fkey' })
  organisationId: string;

  /** The role events are rendered for (the creator's role). */
  @Column('text')
  role: string;

  @Column('text', { name: 'created_by_sub' })
  createdBySub: string;

  @Column('text')
  url: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('jsonb', { default: {} })
  filter: StoredWebhookFilter;

  /** `whsec_…` */
  @Column('text')
  secret: string;

  @Column('text', { name: 'previous_secret', nullable: true })
  previousSecret: string | null;

  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column('text', { default: 'ENABLED' })
  state: WebhookEndpointState;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  /** The last acknowledged (or skipped) position; int8 as a decimal string. */
  @Column('bigint', { name: 'cursor_position' })
  cursorPosition: string;

  /** Attempts so far of the event after the cursor. */
  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @Column('timestamptz', { name: 'failing_since', nullable: true })
  failingSince: Date | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('text', { name: 'lease_owner', nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { name: 'lease_expires_at', nullable: true })
  leaseExpiresAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
