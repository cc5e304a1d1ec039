import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A client's idempotency key for a creating mutation, claimed first in the creating
 * transaction: a retry with the same key and input returns `resultId` again.
 */
@Entity({ name: 'idempotency_key' })
export class IdempotencyKeyRow {
  /** Who sent the key (organisation and sub): two users never share keys. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'idempotency_key_pkey' })
  scope: string;

  @PrimaryColumn('text', { primaryKeyConstraintName: 'idempotency_key_pkey' })
  key: string;

  @Column('text')
  operation: string;

  /** sha256 of the operation and its input: the same key with other input is a conflict. */
  @Column('text', { name: 'request_hash' })
  requestHash: string;

  @Column('uuid', { name: 'result_id' })
  resultId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
