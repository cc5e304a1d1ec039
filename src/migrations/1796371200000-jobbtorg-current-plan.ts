import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An enrolment's plans newest first, so the Jobbtorg source's current plan (`ORDER BY
 * valid_from DESC LIMIT 1` per enrolment, src/connectors/jobbtorg/embedded.ts) is the
 * index's first entry: with an index on enrolment_id alone every plan of the enrolment was
 * fetched and sorted, once per person on the page — the most expensive of a caseload page's
 * four source reads. It replaces that index: its leading column serves the same lookups
 * (the foreign key's cascade among them).
 */
export class JobbtorgCurrentPlan1796371200000 implements MigrationInterface {
  name = 'JobbtorgCurrentPlan1796371200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX plan_enrolment_current_idx ON jobbtorg.plan (enrolment_id, valid_from DESC)`,
    );
    await q.query(`DROP INDEX jobbtorg.plan_enrolment_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX plan_enrolment_idx ON jobbtorg.plan (enrolment_id)`);
    await q.query(`DROP INDEX jobbtorg.plan_enrolment_current_idx`);
  }
}
