import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { WebhookEndpointRow } from './webhook-endpoint';

export type WebhookDeliveryStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/**
 * One event's delivery to one endpoint: its attempts so far and the last outcome (a status
 * code or the hub's own description of a failure — never the receiver's response body).
 */
@Entity({ name: 'webhook_delivery' })
@Check('webhook_delivery_status_check', `status IN ('PENDING', 'SUCCEEDED', 'FAILED')`)
export class WebhookDeliveryRow {
  @PrimaryColumn('uuid', { name: 'endpoint_id', primaryKeyConstraintName: 'webhook_delivery_pkey' })
  @ForeignKey(() => WebhookEndpointRow, {
    name: 'webhook_delivery_endpoint_id_fkey',
    onDelete: 'CASCADE',
  })
  endpointId: string;

  @PrimaryColumn('bigint', { primaryKeyConstraintName: 'webhook_delivery_pkey' })
  position: string;

  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('text')
  status: WebhookDeliveryStatus;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt: Date | null;

  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;
}
