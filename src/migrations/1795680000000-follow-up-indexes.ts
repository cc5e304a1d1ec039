import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * followUp selects referrals by when they were sent, city-wide: the existing created_at
 * indexes lead with the district or job centre, so a city-wide window of a few months
 * read the whole table (bench/RESULTS.md).
 */
export class FollowUpIndexes1795680000000 implements MigrationInterface {
  name = 'FollowUpIndexes1795680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX referral_created_at_idx ON referral (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX referral_created_at_idx`);
  }
}
