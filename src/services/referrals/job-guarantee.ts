/**
 * The job guarantee (jobbgarantin): an initial plan within 5 working days of the first
 * visit. `markMissedDeadlines` finds referrals whose deadline has passed with no initial
 * plan submitted by then (and that were still at the job centre that day), marks them and
 * writes exactly one PLAN_DEADLINE_MISSED event each — in one transaction. Idempotent and
 * safe on several instances: the UPDATE's row locks and `deadline_missed_at IS NULL` let
 * one instance win, and a unique index allows one such event per referral. It runs at
 * start (catching deadlines that passed while the hub was down) and periodically.
 */
import type { DataSource } from 'typeorm';
import { queryReturning } from '../../db/query-returning';
import type { ReferralRow } from '../../entities';
import { appendEvents } from '../../events/outbox';
import type { Logger } from '../../observability/logger';
import { stockholmDate } from '../../domain/working-days';

/** What the UPDATE returns of each referral it marks (planDeadline is never null: the WHERE compares it). */
type Missed = Pick<
  ReferralRow,
  'id' | 'personId' | 'fromDistrictId' | 'toJobCentreId' | 'planDeadline'
>;

export async function markMissedDeadlines(ds: DataSource, now: Date = new Date()): Promise<number> {
  const today = stockholmDate(now);
  return ds.transaction(async (m) => {
    const missed = await queryReturning<Missed>(
      m,
      `UPDATE referral r SET deadline_missed_at = now()
        WHERE r.deadline_missed_at IS NULL AND r.plan_deadline < $1::date
          AND NOT EXISTS (SELECT 1 FROM job_plan p WHERE p.referral_id = r.id AND p.kind = 'INITIAL'
                           AND (p.submitted_at AT TIME ZONE 'Europe/Stockholm')::date <= r.plan_deadline)
          AND (r.returned_at IS NULL OR (r.returned_at AT TIME ZONE 'Europe/Stockholm')::date > r.plan_deadline)
          AND (r.closed_at IS NULL OR (r.closed_at AT TIME ZONE 'Europe/Stockholm')::date > r.plan_deadline)
        RETURNING r.id, r.person_id AS "personId", r.from_district_id AS "fromDistrictId",
                  r.to_job_centre_id AS "toJobCentreId", r.plan_deadline AS "planDeadline"`,
      [today],
    );
    await appendEvents(
      m,
      missed.map((r) => ({
        type: 'PLAN_DEADLINE_MISSED' as const,
        referralId: r.id,
        personId: r.personId,
        districtId: r.fromDistrictId,
        jobCentreId: r.toJobCentreId,
        actor: null,
        payload: { planDeadline: r.planDeadline },
      })),
    );
    return missed.length;
  });
}

/** Runs the check now and every `intervalS`; returns a stop function. */
export function scheduleJobGuaranteeCheck(
  ds: DataSource,
  logger: Logger,
  intervalS: number,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = markMissedDeadlines(ds).then(
      (n) => {
        if (n > 0) logger.info({ missed: n }, 'job guarantee: plan deadlines missed');
      },
      (err: unknown) =>
        logger.warn({ err }, 'job guarantee check failed; retrying at the next interval'),
    );
  };
  run();
  const timer = setInterval(run, intervalS * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
