/** Arbetsförmedlingen's job seekers from the demo data, in the v1 contract's shape. */
import type { JobSeekerWire } from '../../connectors/arbetsformedlingen/wire';
import { AF_LIST_KEY, AF_RESOURCE } from '../../connectors/arbetsformedlingen/wire';
import type { DemoData } from '../../seed/generate';
import type { AgencyRecords } from '../agency-simulator';
import { byPerson, latestFirst } from './order';

export function afRecords(data: DemoData): AgencyRecords {
  const programmes = byPerson(data.programmeAssignments);
  const seekers = new Map<string, JobSeekerWire>(
    data.jobSeekers.map((s) => [
      s.personId,
      {
        personId: s.personId,
        officeId: s.officeId,
        registered: s.registered,
        registeredSince: s.registeredSince,
        deregisteredAt: s.deregisteredAt,
        category: s.categoryCode ? { code: s.categoryCode } : null,
        extentPercent: s.extentPercent,
        lastActivityReport: s.lastActivityReport,
        activitySupport: s.activitySupport,
        programmes: latestFirst(programmes.get(s.personId) ?? [], (p) => p.startDate).map((p) => ({
          programmeCode: p.programmeCode,
          startDate: p.startDate,
          endDate: p.endDate,
        })),
      },
    ]),
  );
  return {
    source: 'arbetsformedlingen',
    resource: AF_RESOURCE,
    listKey: AF_LIST_KEY,
    lookup: (id) => {
      const s = seekers.get(id);
      return s ? [s] : [];
    },
    size: seekers.size,
  };
}
