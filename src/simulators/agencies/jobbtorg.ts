/**
 * The job centres' enrolments from the demo data, in the v1 contract's shape: per person
 * the open enrolment, else the latest, with its current plan (the latest by validFrom),
 * interventions and interruptions latest first, and its closure once closed.
 */
import type { JobCentreEnrolmentWire } from '../../connectors/jobbtorg/wire';
import { JOBBTORG_LIST_KEY, JOBBTORG_RESOURCE } from '../../connectors/jobbtorg/wire';
import type { DemoData, JobCentreEnrolmentRow } from '../../seed/generate';
import type { AgencyRecords } from '../agency-simulator';
import { byPerson, compareDesc, groupBy, latestFirst } from './order';

/** An instant as a sortable UTC string (the demo data writes local offsets). */
const utc = (at: string | null): string | null => (at === null ? null : new Date(at).toISOString());

/** Open before closed, then the latest first visit first (none last). */
function currentEnrolment(list: JobCentreEnrolmentRow[]): JobCentreEnrolmentRow {
  return [...list].sort(
    (a, b) =>
      Number(b.status !== 'CLOSED') - Number(a.status !== 'CLOSED') ||
      compareDesc(utc(a.firstVisitAt), utc(b.firstVisitAt)),
  )[0];
}

export function jobbtorgRecords(data: DemoData): AgencyRecords {
  const plans = groupBy(data.plans, (p) => p.enrolmentId);
  const interventions = groupBy(data.interventions, (i) => i.enrolmentId);
  const interruptions = groupBy(data.interruptions, (i) => i.enrolmentId);
  const enrolments = new Map<string, JobCentreEnrolmentWire>();
  for (const [personId, list] of byPerson(data.jobCentreEnrolments)) {
    const e = currentEnrolment(list);
    const plan = latestFirst(plans.get(e.id) ?? [], (p) => p.validFrom)[0];
    enrolments.set(personId, {
      personId,
      enrolmentId: e.id,
      jobCentreId: e.jobCentreId,
      coach: e.coach,
      firstVisitAt: utc(e.firstVisitAt),
      status: e.status,
      currentPlan: plan
        ? {
            kind: plan.kind,
            goal: plan.goal,
            validFrom: plan.validFrom,
            validTo: plan.validTo,
            status: plan.status,
          }
        : null,
      interventions: latestFirst(interventions.get(e.id) ?? [], (i) => i.startDate).map((i) => ({
        interventionType: i.interventionType,
        provider: i.provider,
        startDate: i.startDate,
        endDate: i.endDate,
        hoursPerWeek: i.hoursPerWeek,
        attendancePercent: i.attendancePercent,
      })),
      interruptions: latestFirst(interruptions.get(e.id) ?? [], (x) => x.fromDate).map((x) => ({
        reason: x.reason,
        fromDate: x.fromDate,
        toDate: x.toDate,
      })),
      closure:
        e.closureReason && e.closedAt
          ? {
              reason: e.closureReason,
              employmentType: e.closureEmploymentType,
              closedAt: e.closedAt,
            }
          : null,
    });
  }
  return {
    source: 'jobbtorg',
    resource: JOBBTORG_RESOURCE,
    listKey: JOBBTORG_LIST_KEY,
    lookup: (id) => {
      const e = enrolments.get(id);
      return e ? [e] : [];
    },
    size: enrolments.size,
  };
}
