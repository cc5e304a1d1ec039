/**
 * The Jobbtorg source's current plan (the newest by valid_from, per enrolment) is read from
 * plan_enrolment_current_idx in order: the first entry, no sort of the enrolment's plans
 * (migration 1796371200000). On both databases.
 */
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { useReferenceDatabase } from '../helpers/database';

const reference = useReferenceDatabase();

/** The subquery of src/connectors/jobbtorg/embedded.ts, for one enrolment. */
const CURRENT_PLAN = `SELECT p.kind, p.valid_from::text AS "validFrom"
   FROM jobbtorg.plan p WHERE p.enrolment_id = $1
  ORDER BY p.valid_from DESC LIMIT 1`;

/** Runs `fn` in a transaction that is rolled back: the shared database keeps no rows. */
async function rolledBack<T>(fn: (q: QueryRunner) => Promise<T>): Promise<T> {
  const q = reference.ds.createQueryRunner();
  await q.connect();
  await q.startTransaction();
  try {
    return await fn(q);
  } finally {
    await q.rollbackTransaction();
    await q.release();
  }
}

test('the newest plan is the index’s first entry: no sort of the enrolment’s plans', async () => {
  await rolledBack(async (q) => {
    const enrolment = randomUUID();
    await q.query(
      `INSERT INTO jobbtorg.enrolment (id, person_id, job_centre_id, coach, status)
       VALUES ($1, $2, 'jobbtorg-jarva', 'coach-1', 'ACTIVE')`,
      [enrolment, randomUUID()],
    );
    const froms = ['2026-01-05', '2026-09-01', '2026-03-10', '2025-11-20'];
    for (const [i, from] of froms.entries())
      await q.query(
        `INSERT INTO jobbtorg.plan (id, enrolment_id, kind, goal, valid_from, valid_to, status)
         VALUES ($1, $2, $3, 'Arbete', $4::date, $4::date + 180, 'ACTIVE')`,
        [randomUUID(), enrolment, `kind-${i}`, from],
      );
    expect(await q.query(CURRENT_PLAN, [enrolment])).toEqual([
      { kind: 'kind-1', validFrom: '2026-09-01' },
    ]);
    // A table this small would be read whole; what matters is that the index can give the
    // order, so the planner is kept off the table scan.
    await q.query('SET LOCAL enable_seqscan = off');
    const rows: { 'QUERY PLAN': string }[] = await q.query(
      `EXPLAIN ${CURRENT_PLAN.replace('$1', `'${enrolment}'::uuid`)}`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('plan_enrolment_current_idx');
    expect(plan).not.toMatch(/Sort/);
  });
});
