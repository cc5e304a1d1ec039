import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trusted documents: the operations front-ends registered (`npm run documents`), per client
 * and version, looked up by id when a request names one.
 */
export class PersistedDocuments1795939200000 implements MigrationInterface {
  name = 'PersistedDocuments1795939200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE persisted_document (
        client text NOT NULL,
        version text NOT NULL,
        document_id text NOT NULL,
        body text NOT NULL,
        operation_names text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT persisted_document_pkey PRIMARY KEY (client, version, document_id),
        CONSTRAINT persisted_document_document_id_check
          CHECK (document_id ~ '^(sha256:[0-9a-f]{64}|sha1:[0-9a-f]{40}|md5:[0-9a-f]{32})$')
      )`);
    await q.query(
      `CREATE INDEX persisted_document_document_id_idx ON persisted_document (document_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE persisted_document`);
  }
}
