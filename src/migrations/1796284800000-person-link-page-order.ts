import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An organisation's active links in person order, so a caseload page reads its first 50
 * persons from the index and stops (person_link_org_idx, by relation first, gives them out
 * of order: every link of the organisation had to be read and sorted, growing with the
 * caseload). The relation is a key column so the scan needs no heap row to test it.
 */
export class PersonLinkPageOrder1796284800000 implements MigrationInterface {
  name = 'PersonLinkPageOrder1796284800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX person_link_org_person_idx ON person_link (organisation_id, person_id, relation) WHERE active`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX person_link_org_person_idx`);
  }
}
