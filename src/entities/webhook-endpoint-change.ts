import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookEndpointRow } from './webhook-endpoint';

/**
 * The trail of changes to a webhook endpoint: who (sub, role, organisation, or `system`
 * when the worker disabled it), what, in which request. Written in the change's own
 * transaction. Endpoints are not person data, so this is kept beside the access log.
 */
@Entity({ name: 'webhook_endpoint_change' })
@Index('webhook_endpoint_change_endpoint_idx', ['endpointId', 'id'])
export class WebhookEndpointChangeRow {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'webhook_endpoint_change_pkey',
  })
  id: string;

  @Column('uuid', { name: 'endpoint_id' })
  @ForeignKey(() => WebhookEndpointRow, {
    name: 'webhook_endpoint_change_endpoint_id_fkey',
    onDelete: 'CASCADE',
  })
  endpointId: string;

  @Column('text')
  action: string;

  @Column('text', { name: 'actor_sub' })
  actorSub: string;

  @Column('text', { name: 'actor_role' })
  actorRole: string;

  @Column('text', { name: 'actor_org' })
  actorOrg: string;

  @Column('text', { name: 'request_id' })
  requestId: string;

  @Column('jsonb', { default: {} })
  details: Record<string, unknown>;

  @Column('timestamptz', { default: () => 'now()' })
  at: Date;
}
