import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * By which path a read reached the person's data: `root` (the hub's own root fields and
 * subscriptions) or `entities` (a federation gateway resolving entity references). A review
 * can then tell reads made through a supergraph from direct ones.
 */
export class AccessLogVia1795852800000 implements MigrationInterface {
  name = 'AccessLogVia1795852800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE access_log ADD COLUMN via text NOT NULL DEFAULT 'root'
         CONSTRAINT access_log_via_check CHECK (via IN ('root', 'entities'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP COLUMN via`);
  }
}
