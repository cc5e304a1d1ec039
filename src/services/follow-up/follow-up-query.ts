/**
 * The follow-up figures (uppföljning) as two SQL statements over the hub's own referral
 * tables: one for the referral, job-guarantee, return and closure figures (GROUPING SETS
 * give the per-reason breakdowns in the same pass), one for the intervention figures
 * (activities of approved job plans). PostgreSQL does the counting; Node only maps the
 * aggregate rows. Definitions: docs/follow-up.md.
 */
import type { DataSource } from 'typeorm';

export const FOLLOW_UP_DIMENSIONS = ['DISTRICT', 'JOB_CENTRE', 'TARGET_GROUP', 'MONTH'] as const;
export type FollowUpDimension = (typeof FOLLOW_UP_DIMENSIONS)[number];

/** The column of the cohort CTE each dimension groups by. */
const KEY_COLUMN: Record<FollowUpDimension, string> = {
  DISTRICT: 'district',
  JOB_CENTRE: 'job_centre',
  TARGET_GROUP: 'target_group',
  MONTH: 'month',
};

/** Closure reasons that count as "to work or studies" (code list closureReason). */
export const WORK_OR_STUDIES_REASONS = ['ARBETE', 'STUDIER'] as const;
export const WORK_REASON = 'ARBETE';

export type FollowUpSqlScope =
  { kind: 'all' } | { kind: 'district' | 'jobCentre'; organisationId: string };

export interface FollowUpQuery {
  from: string;
  to: string;
  /** Stockholm date the figures are computed on (what has "already happened"). */
  today: string;
  groupBy: readonly FollowUpDimension[];
  scope: FollowUpSqlScope;
}

export interface GroupKey {
  district: string | null;
  job_centre: string | null;
  target_group: string | null;
  month: string | null;
}

export interface ReferralAggregate extends GroupKey {
  return_reason: string | null;
  closure_reason: string | null;
  closure_employment_type: string | null;
  g_return: number;
  g_closure: number;
  g_employment: number;
  sent: number;
  accepted: number;
  rejected: number;
  withdrawn: number;
  enrolled: number;
  median_days_to_first_visit: number | null;
  guarantee_decided: number;
  guarantee_met: number;
  deadlines_missed: number;
  returned: number;
  closed: number;
}

export interface InterventionAggregate extends GroupKey {
  intervention_type: string;
  participants: number;
  completed: number;
  followed_6: number;
  work_or_studies_6: number;
  followed_12: number;
  work_or_studies_12: number;
}

/** The dimensions in canonical order, without repeats. */
export function keyColumns(groupBy: readonly FollowUpDimension[]): string[] {
  return FOLLOW_UP_DIMENSIONS.filter((d) => groupBy.includes(d)).map((d) => KEY_COLUMN[d]);
}

/**
 * The cohort: referrals created (Stockholm date of created_at) in [from, to], in scope.
 * The window is on a timestamp range so the created_at indexes apply.
 * Parameters: $1 from, $2 to, $3 today, [$4 scope organisation].
 */
function cohort(scope: FollowUpSqlScope): string {
  const scoped =
    scope.kind === 'district'
      ? 'AND r.from_district_id = $4'
      : scope.kind === 'jobCentre'
        ? 'AND r.to_job_centre_id = $4'
        : '';
  // NOT MATERIALIZED: inlined, each statement keeps only the columns it needs (the
  // intervention statement makes no acceptance or plan probes).
  return `c AS NOT MATERIALIZED (
    SELECT r.id, r.from_district_id AS district, r.to_job_centre_id AS job_centre,
      r.target_group, to_char(r.created_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month,
      r.status, r.return_reason, r.closure_reason, r.closure_employment_type,
      r.first_visit_at, r.plan_deadline, r.deadline_missed_at, r.returned_at, r.closed_at,
      (r.first_visit_at AT TIME ZONE 'Europe/Stockholm')::date
        - (r.created_at AT TIME ZONE 'Europe/Stockholm')::date AS days_to_first_visit,
      (coalesce(r.returned_at, r.closed_at) AT TIME ZONE 'Europe/Stockholm')::date AS left_date,
      (r.closed_at AT TIME ZONE 'Europe/Stockholm')::date AS closed_date,
      EXISTS (SELECT 1 FROM event e
               WHERE e.referral_id = r.id AND e.type = 'REFERRAL_ACCEPTED') AS accepted,
      r.plan_deadline IS NOT NULL AND EXISTS (SELECT 1 FROM job_plan p
               WHERE p.referral_id = r.id AND p.kind = 'INITIAL'
                 AND (p.submitted_at AT TIME ZONE 'Europe/Stockholm')::date <= r.plan_deadline)
        AS plan_in_time
    FROM referral r
    WHERE r.created_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Stockholm')
      AND r.created_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')
      ${scoped}
  )`;
}

function params(q: FollowUpQuery): unknown[] {
  const p: unknown[] = [q.from, q.to, q.today];
  if (q.scope.kind !== 'all') p.push(q.scope.organisationId);
  return p;
}

function nullKeys(keys: string[]): string {
  return Object.values(KEY_COLUMN)
    .map((col) => (keys.includes(col) ? col : `NULL::text AS ${col}`))
    .join(', ');
}

export function referralStatement(q: FollowUpQuery): { sql: string; params: unknown[] } {
  const keys = keyColumns(q.groupBy);
  const set = (...extra: string[]) => `(${[...keys, ...extra].join(', ')})`;
  const sql = `WITH ${cohort(q.scope)}
    SELECT ${nullKeys(keys)},
      return_reason, closure_reason, closure_employment_type,
      GROUPING(return_reason)::int AS g_return,
      GROUPING(closure_reason)::int AS g_closure,
      GROUPING(closure_employment_type)::int AS g_employment,
      count(*)::int AS sent,
      count(*) FILTER (WHERE accepted)::int AS accepted,
      count(*) FILTER (WHERE status = 'REJECTED')::int AS rejected,
      count(*) FILTER (WHERE status = 'WITHDRAWN')::int AS withdrawn,
      count(*) FILTER (WHERE first_visit_at IS NOT NULL)::int AS enrolled,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_first_visit)
        FILTER (WHERE first_visit_at IS NOT NULL) AS median_days_to_first_visit,
      count(*) FILTER (WHERE plan_deadline IS NOT NULL AND (plan_in_time OR (
        plan_deadline < $3::date AND (left_date IS NULL OR left_date > plan_deadline))))::int
        AS guarantee_decided,
      count(*) FILTER (WHERE plan_deadline IS NOT NULL AND plan_in_time)::int AS guarantee_met,
      count(*) FILTER (WHERE deadline_missed_at IS NOT NULL)::int AS deadlines_missed,
      count(*) FILTER (WHERE returned_at IS NOT NULL)::int AS returned,
      count(*) FILTER (WHERE closed_at IS NOT NULL)::int AS closed
    FROM c
    GROUP BY GROUPING SETS (${set()}, ${set('return_reason')}, ${set('closure_reason')},
      ${set('closure_reason', 'closure_employment_type')})`;
  return { sql, params: params(q) };
}

export function interventionStatement(q: FollowUpQuery): { sql: string; params: unknown[] } {
  const keys = keyColumns(q.groupBy);
  const p = params(q);
  p.push([...WORK_OR_STUDIES_REASONS]);
  const reasons = `$${p.length}::text[]`;
  const completed = `end_date < $3::date AND (left_date IS NULL OR left_date >= end_date)`;
  const followed = (months: number) =>
    `${completed} AND (end_date + interval '${months} months')::date < $3::date`;
  const toWork = (months: number) =>
    `${followed(months)} AND closure_reason = ANY(${reasons})
       AND closed_date <= (end_date + interval '${months} months')::date`;
  const sql = `WITH ${cohort(q.scope)},
    -- Per referral and intervention type, the last end date over its approved plans.
    a AS (
      SELECT c.id, c.district, c.job_centre, c.target_group, c.month,
        c.left_date, c.closed_date, c.closure_reason,
        act->>'interventionType' AS intervention_type,
        max((act->>'endDate')::date) AS end_date
      FROM c
      JOIN job_plan p ON p.referral_id = c.id AND p.status = 'APPROVED'
      CROSS JOIN LATERAL jsonb_array_elements(p.activities) AS act
      GROUP BY c.id, c.district, c.job_centre, c.target_group, c.month, c.left_date,
        c.closed_date, c.closure_reason, act->>'interventionType'
    )
    SELECT ${nullKeys(keys)}, intervention_type,
      count(*)::int AS participants,
      count(*) FILTER (WHERE ${completed})::int AS completed,
      count(*) FILTER (WHERE ${followed(6)})::int AS followed_6,
      count(*) FILTER (WHERE ${toWork(6)})::int AS work_or_studies_6,
      count(*) FILTER (WHERE ${followed(12)})::int AS followed_12,
      count(*) FILTER (WHERE ${toWork(12)})::int AS work_or_studies_12
    FROM a
    GROUP BY ${[...keys, 'intervention_type'].join(', ')}`;
  return { sql, params: p };
}

export async function runFollowUpQueries(
  ds: DataSource,
  q: FollowUpQuery,
): Promise<{ referrals: ReferralAggregate[]; interventions: InterventionAggregate[] }> {
  const r = referralStatement(q);
  const i = interventionStatement(q);
  // One read-only snapshot, so both statements count the same referrals. JIT off: these
  // statements are estimated expensive enough to trigger it, but compiling took about a
  // second on 100,000 referrals while running them takes a fraction of that (bench/RESULTS.md).
  return ds.transaction(async (m) => {
    await m.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await m.query('SET LOCAL jit = off');
    // The grouping sorts spill to disk at the default 4MB on 100,000 referrals.
    await m.query("SET LOCAL work_mem = '32MB'");
    const referrals = await m.query<ReferralAggregate[]>(r.sql, r.params);
    const interventions = await m.query<InterventionAggregate[]>(i.sql, i.params);
    return { referrals, interventions };
  });
}
