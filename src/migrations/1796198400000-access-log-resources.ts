import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log also records changes that are not to a person's data: a webhook endpoint
 * created, its secret rotated, disabled (by a user or by the delivery worker), enabled,
 * replayed. Such a row names its `resource` (`webhookEndpoint:<id>`) instead of a person;
 * every row names one or the other.
 */
export class AccessLogResources1796198400000 implements MigrationInterface {
  name = 'AccessLogResources1796198400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log ALTER COLUMN person_id DROP NOT NULL`);
    await q.query(`ALTER TABLE access_log ADD COLUMN resource text`);
    await q.query(
      `ALTER TABLE access_log ADD CONSTRAINT access_log_subject_check
         CHECK (person_id IS NOT NULL OR resource IS NOT NULL)`,
    );
    await q.query(
      `CREATE INDEX access_log_resource_idx ON access_log (resource, id) WHERE resource IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX access_log_resource_idx`);
    await q.query(`DELETE FROM access_log WHERE person_id IS NULL`);
    await q.query(`ALTER TABLE access_log DROP CONSTRAINT access_log_subject_check`);
    await q.query(`ALTER TABLE access_log DROP COLUMN resource`);
    await q.query(`ALTER TABLE access_log ALTER COLUMN person_id SET NOT NULL`);
  }
}
