/**
 * followUp: checks who asks (policy), validates the window, runs the two aggregate
 * statements and shapes their rows, withholding small cells where the policy says so.
 */
import type { DataSource } from 'typeorm';
import { followUpAccess } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import { stockholmDate } from '../../domain/working-days';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../../errors';
import {
  FOLLOW_UP_DIMENSIONS,
  runFollowUpQueries,
  WORK_REASON,
  type FollowUpDimension,
  type GroupKey,
  type InterventionAggregate,
  type ReferralAggregate,
} from './follow-up-query';
import {
  Suppressor,
  type CountCell,
  type MedianCell,
  type ShareCell,
} from './follow-up-suppression';

export interface FollowUpInput {
  from: string;
  to: string;
  groupBy: readonly string[];
}

export interface CodeCount {
  code: string;
  count: CountCell;
}

export interface InterventionFigures {
  interventionType: string;
  participants: CountCell;
  completed: CountCell;
  workOrStudiesWithin6Months: ShareCell;
  workOrStudiesWithin12Months: ShareCell;
}

export interface FollowUpRowValue {
  districtId: string | null;
  jobCentreId: string | null;
  targetGroup: string | null;
  month: string | null;
  referralsSent: CountCell;
  accepted: CountCell;
  rejected: CountCell;
  withdrawn: CountCell;
  enrolled: CountCell;
  medianDaysToFirstVisit: MedianCell;
  planWithinJobGuarantee: ShareCell;
  planDeadlinesMissed: CountCell;
  returned: CountCell;
  returnsByReason: CodeCount[];
  closedExcludingReturned: CountCell;
  closuresByReason: CodeCount[];
  workClosuresByEmploymentType: CodeCount[];
  interventions: InterventionFigures[];
}

export interface FollowUpValue {
  from: string;
  to: string;
  groupBy: FollowUpDimension[];
  suppressed: boolean;
  rows: FollowUpRowValue[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Longest window: ten years of referrals is more than any follow-up asks for. */
const MAX_WINDOW_DAYS = 3660;

function validDate(value: string, field: string): Date {
  const d = new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new BadUserInputError(`${field} must be a date (YYYY-MM-DD)`, field);
  return d;
}

const keyOf = (k: GroupKey) => JSON.stringify([k.district, k.job_centre, k.target_group, k.month]);

export class FollowUpService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async followUp(viewer: Viewer, input: FollowUpInput): Promise<FollowUpValue> {
    const access = followUpAccess(viewer);
    if (!access.allowed) {
      if (access.reason === 'UNAUTHENTICATED') throw new UnauthenticatedError();
      throw new ForbiddenError('Your role may not read follow-up figures');
    }
    const from = validDate(input.from, 'from');
    const to = validDate(input.to, 'to');
    if (from > to) throw new BadUserInputError('from must not be after to', 'from');
    if ((to.getTime() - from.getTime()) / 86_400_000 > MAX_WINDOW_DAYS)
      throw new BadUserInputError(`The window is at most ${MAX_WINDOW_DAYS} days`, 'to');
    if (input.groupBy.length === 0)
      throw new BadUserInputError('groupBy needs at least one dimension', 'groupBy');
    const groupBy = FOLLOW_UP_DIMENSIONS.filter((d) => input.groupBy.includes(d));
    if (groupBy.length !== new Set(input.groupBy).size)
      throw new BadUserInputError('Unknown groupBy dimension', 'groupBy');
    if (access.suppressSmallCells) {
      // Against differencing: windows that differ by a day would single out the persons
      // referred that day, so callers without the right to see persons ask by whole months.
      if (input.from.slice(8) !== '01')
        throw new BadUserInputError('from must be the first day of a month', 'from');
      const next = new Date(to.getTime() + 86_400_000);
      if (next.getUTCDate() !== 1)
        throw new BadUserInputError('to must be the last day of a month', 'to');
    }

    const { referrals, interventions } = await runFollowUpQueries(this.ds, {
      from: input.from,
      to: input.to,
      today: stockholmDate(this.now()),
      groupBy,
      scope: access.scope,
    });
    const s = new Suppressor(access.suppressSmallCells);
    return {
      from: input.from,
      to: input.to,
      groupBy,
      suppressed: access.suppressSmallCells,
      rows: shapeRows(referrals, interventions, s),
    };
  }
}

function shapeRows(
  referrals: ReferralAggregate[],
  interventions: InterventionAggregate[],
  s: Suppressor,
): FollowUpRowValue[] {
  const base = referrals.filter((r) => r.g_return === 1 && r.g_closure === 1);
  const byReturn = referrals.filter((r) => r.g_return === 0 && r.return_reason !== null);
  const byClosure = referrals.filter(
    (r) => r.g_closure === 0 && r.g_employment === 1 && r.closure_reason !== null,
  );
  const byEmployment = referrals.filter(
    (r) =>
      r.g_employment === 0 &&
      r.closure_reason === WORK_REASON &&
      r.closure_employment_type !== null,
  );
  const group = <T extends GroupKey>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(keyOf(r), [...(m.get(keyOf(r)) ?? []), r]);
    return m;
  };
  const returns = group(byReturn);
  const closures = group(byClosure);
  const employment = group(byEmployment);
  const interventionsByKey = group(interventions);
  const byCode = (rows: T[] | undefined, code: (r: T) => string, total: CountCell) =>
    s
      .breakdown(
        (rows ?? [])
          .map((r) => ({ key: code(r), n: r.sent }))
          .sort((a, b) => a.key.localeCompare(b.key)),
        !total.suppressed,
      )
      .map((c) => ({ code: c.key, count: c.count }));
  type T = ReferralAggregate;

  return base.map((r) => {
    const k = keyOf(r);
    const returned = s.count(r.returned);
    const closed = s.count(r.closed);
    const closuresByReason = byCode(closures.get(k), (x) => x.closure_reason ?? '', closed);
    const work = closures.get(k)?.find((x) => x.closure_reason === WORK_REASON)?.sent ?? 0;
    const workShown = closuresByReason.find((c) => c.code === WORK_REASON)?.count ?? s.count(work);
    return {
      districtId: r.district,
      jobCentreId: r.job_centre,
      targetGroup: r.target_group,
      month: r.month,
      referralsSent: s.count(r.sent),
      accepted: s.count(r.accepted),
      rejected: s.count(r.rejected),
      withdrawn: s.count(r.withdrawn),
      enrolled: s.count(r.enrolled),
      medianDaysToFirstVisit: s.median(r.median_days_to_first_visit, r.enrolled),
      planWithinJobGuarantee: s.share(r.guarantee_met, r.guarantee_decided),
      planDeadlinesMissed: s.count(r.deadlines_missed),
      returned,
      returnsByReason: byCode(returns.get(k), (x) => x.return_reason ?? '', returned),
      closedExcludingReturned: closed,
      closuresByReason,
      workClosuresByEmploymentType: byCode(
        employment.get(k),
        (x) => x.closure_employment_type ?? '',
        workShown,
      ),
      interventions: (interventionsByKey.get(k) ?? [])
        .sort((a, b) => a.intervention_type.localeCompare(b.intervention_type))
        .map((i) => ({
          interventionType: i.intervention_type,
          participants: s.count(i.participants),
          completed: s.count(i.completed),
          workOrStudiesWithin6Months: s.share(i.work_or_studies_6, i.followed_6),
          workOrStudiesWithin12Months: s.share(i.work_or_studies_12, i.followed_12),
        })),
    };
  });
}
