/** Adult education's SFI enrolments from the demo data, in the v1 contract's shape, latest first. */
import type { SfiEnrolmentWire } from '../../connectors/sfi/wire';
import { SFI_LIST_KEY, SFI_RESOURCE } from '../../connectors/sfi/wire';
import type { DemoData } from '../../seed/generate';
import type { AgencyRecords } from '../agency-simulator';
import { byPerson, latestFirst } from './order';

export function sfiRecords(data: DemoData): AgencyRecords {
  const enrolments = new Map<string, SfiEnrolmentWire[]>();
  for (const [personId, list] of byPerson(data.sfiEnrolments)) {
    enrolments.set(
      personId,
      latestFirst(list, (e) => e.startDate).map((e) => ({
        personId,
        providerId: e.providerId,
        studyPath: e.studyPath,
        course: e.course,
        startDate: e.startDate,
        endDate: e.endDate,
        hoursPerWeek: e.hoursPerWeek,
        status: e.status,
        grade: e.grade,
        nationalTestGrade: e.nationalTestGrade,
      })),
    );
  }
  return {
    source: 'sfi',
    resource: SFI_RESOURCE,
    listKey: SFI_LIST_KEY,
    lookup: (id) => enrolments.get(id) ?? [],
    size: enrolments.size,
  };
}
