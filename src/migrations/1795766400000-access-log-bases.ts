import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The basis of each cross-authority read (a consent's id, or the statute), so a review can
 * answer not only who read what but on what ground. Empty for the organisation's own data.
 */
export class AccessLogBases1795766400000 implements MigrationInterface {
  name = 'AccessLogBases1795766400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log ADD COLUMN bases text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP COLUMN bases`);
  }
}
