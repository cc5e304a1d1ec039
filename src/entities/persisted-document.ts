import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A trusted (persisted) document a front-end registered with `npm run documents -- register`:
 * one row per client, version and document. The same document may be registered by several
 * clients and versions; a request by id runs it while any row holds it.
 */
@Entity({ name: 'persisted_document' })
@Index('persisted_document_document_id_idx', ['documentId'])
@Check(
  'persisted_document_document_id_check',
  "document_id ~ '^(sha256:[0-9a-f]{64}|sha1:[0-9a-f]{40}|md5:[0-9a-f]{32})$'",
)
export class PersistedDocumentRow {
  /** The front-end's name, e.g. `caseworker-web`. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'persisted_document_pkey' })
  client: string;

  /** The front-end's build or release version. */
  @PrimaryColumn('text', { primaryKeyConstraintName: 'persisted_document_pkey' })
  version: string;

  /** `<algorithm>:<lowercase hex>` of the body: `sha256:…`, `sha1:…` or `md5:…`. */
  @PrimaryColumn('text', {
    name: 'document_id',
    primaryKeyConstraintName: 'persisted_document_pkey',
  })
  documentId: string;

  /** The document's exact text, as hashed. */
  @Column('text')
  body: string;

  /** The names of its operations, comma-separated (for listings). */
  @Column('text', { name: 'operation_names' })
  operationNames: string;

  @Column('timestamptz', { name: 'registered_at', default: () => 'now()' })
  registeredAt: Date;
}
