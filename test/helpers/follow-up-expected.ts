/**
 * The follow-up figures computed the plain way — loops over raw table rows — as the
 * independent expectation for followUp (definitions: docs/follow-up.md).
 */
import { stockholmDate } from '../../src/domain/working-days';

export interface RawReferral {
  id: string;
  from_district_id: string;
  to_job_centre_id: string;
  target_group: string;
  status: string;
  created_at: Date;
  first_visit_at: Date | null;
  plan_deadline: string | null;
  deadline_missed_at: Date | null;
  returned_at: Date | null;
  return_reason: string | null;
  closed_at: Date | null;
  closure_reason: string | null;
  closure_employment_type: string | null;
}
export interface RawPlan {
  referral_id: string;
  kind: string;
  status: string;
  submitted_at: Date;
  activities: { interventionType: string; endDate: string }[];
}
export interface RawData {
  referrals: RawReferral[];
  plans: RawPlan[];
  acceptedIds: Set<string>;
}

export interface Expected {
  sent: number;
  accepted: number;
  rejected: number;
  withdrawn: number;
  enrolled: number;
  median: number | null;
  met: number;
  decided: number;
  missed: number;
  returned: number;
  closed: number;
  returnsByReason: Record<string, number>;
  closuresByReason: Record<string, number>;
  workByType: Record<string, number>;
  interventions: Record<
    string,
    { participants: number; completed: number; f6: number; w6: number; f12: number; w12: number }
  >;
}

/** PostgreSQL's date + interval 'n months': the same day, or the month's last day. */
export function addMonthsClamped(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

const days = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const inc = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);

export function expectedFigures(
  data: RawData,
  q: {
    from: string;
    to: string;
    today: string;
    groupBy: string[];
    district?: string;
    jobCentre?: string;
  },
): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const plansOf = new Map<string, RawPlan[]>();
  for (const p of data.plans)
    plansOf.set(p.referral_id, [...(plansOf.get(p.referral_id) ?? []), p]);
  const daysToVisit = new Map<string, number[]>();
  for (const r of data.referrals) {
    const created = stockholmDate(r.created_at);
    if (created < q.from || created > q.to) continue;
    if (q.district && r.from_district_id !== q.district) continue;
    if (q.jobCentre && r.to_job_centre_id !== q.jobCentre) continue;
    const key = JSON.stringify([
      q.groupBy.includes('DISTRICT') ? r.from_district_id : null,
      q.groupBy.includes('JOB_CENTRE') ? r.to_job_centre_id : null,
      q.groupBy.includes('TARGET_GROUP') ? r.target_group : null,
      q.groupBy.includes('MONTH') ? created.slice(0, 7) : null,
    ]);
    let e = out.get(key);
    if (!e) {
      e = {
        sent: 0,
        accepted: 0,
        rejected: 0,
        withdrawn: 0,
        enrolled: 0,
        median: null,
        met: 0,
        decided: 0,
        missed: 0,
        returned: 0,
        closed: 0,
        returnsByReason: {},
        closuresByReason: {},
        workByType: {},
        interventions: {},
      };
      out.set(key, e);
      daysToVisit.set(key, []);
    }
    e.sent++;
    if (data.acceptedIds.has(r.id)) e.accepted++;
    if (r.status === 'REJECTED') e.rejected++;
    if (r.status === 'WITHDRAWN') e.withdrawn++;
    if (r.deadline_missed_at) e.missed++;
    const leftAt = r.returned_at ?? r.closed_at;
    const left = leftAt ? stockholmDate(leftAt) : null;
    if (r.returned_at) {
      e.returned++;
      inc(e.returnsByReason, r.return_reason as string);
    }
    if (r.closed_at) {
      e.closed++;
      inc(e.closuresByReason, r.closure_reason as string);
      if (r.closure_reason === 'ARBETE') inc(e.workByType, r.closure_employment_type as string);
    }
    if (r.first_visit_at) {
      e.enrolled++;
      daysToVisit.get(key)?.push(days(created, stockholmDate(r.first_visit_at)));
    }
    const plans = plansOf.get(r.id) ?? [];
    if (r.plan_deadline) {
      const deadline = r.plan_deadline;
      const inTime = plans.some(
        (p) => p.kind === 'INITIAL' && stockholmDate(p.submitted_at) <= deadline,
      );
      if (inTime) e.met++;
      if (inTime || (deadline < q.today && (left === null || left > deadline))) e.decided++;
    }
    // Interventions: per referral and type, the last end date over approved plans.
    const lastEnd = new Map<string, string>();
    for (const p of plans)
      if (p.status === 'APPROVED')
        for (const a of p.activities) {
          const prev = lastEnd.get(a.interventionType);
          if (!prev || a.endDate > prev) lastEnd.set(a.interventionType, a.endDate);
        }
    for (const [type, end] of lastEnd) {
      const i = (e.interventions[type] ??= {
        participants: 0,
        completed: 0,
        f6: 0,
        w6: 0,
        f12: 0,
        w12: 0,
      });
      i.participants++;
      const completed = end < q.today && (left === null || left >= end);
      if (!completed) continue;
      i.completed++;
      const toWork = r.closure_reason === 'ARBETE' || r.closure_reason === 'STUDIER';
      const closed = r.closed_at ? stockholmDate(r.closed_at) : null;
      for (const [months, f, w] of [
        [6, 'f6', 'w6'],
        [12, 'f12', 'w12'],
      ] as const) {
        const horizon = addMonthsClamped(end, months);
        if (horizon >= q.today) continue;
        i[f]++;
        if (toWork && closed !== null && closed <= horizon) i[w]++;
      }
    }
  }
  for (const [key, e] of out) e.median = median(daysToVisit.get(key) ?? []);
  return out;
}
