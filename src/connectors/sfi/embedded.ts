import { prepared } from '../../db/prepared';
import { uuidArray } from '../../db/uuid-array';
import type { Reads } from '../../db/pipelined-statements';
import type { SfiEnrolmentRecord, SourceConnector } from '../types';

interface Row {
  person_id: string;
  provider_id: string;
  study_path: string;
  course: string;
  start_date: string;
  end_date: string | null;
  hours_per_week: string;
  status: SfiEnrolmentRecord['status'];
  grade: string | null;
  national_test_grade: string | null;
}

/** Named (src/db/prepared.ts): its generic plan reads by person index, as the custom ones do. */
const ENROLMENTS =
  prepared(`SELECT person_id, provider_id, study_path, course, start_date, end_date, hours_per_week,
              status, grade, national_test_grade
         FROM sfi.enrolment
        WHERE person_id = ANY($1::uuid[])
        ORDER BY person_id, start_date DESC`);

/** Adult education's stand-in (schema `sfi`): every SFI enrolment, latest first. */
export class EmbeddedSfi implements SourceConnector<SfiEnrolmentRecord[]> {
  readonly source = 'sfi' as const;

  constructor(private readonly db: Reads) {}

  async loadByPersonIds(personIds: readonly string[]): Promise<Map<string, SfiEnrolmentRecord[]>> {
    const rows = await this.db.query<Row>(ENROLMENTS, [uuidArray(personIds)]);
    const out = new Map<string, SfiEnrolmentRecord[]>();
    for (const r of rows) {
      const list = out.get(r.person_id) ?? [];
      list.push({
        providerId: r.provider_id,
        studyPath: r.study_path,
        course: r.course,
        startDate: r.start_date,
        endDate: r.end_date,
        hoursPerWeek: Number(r.hours_per_week),
        status: r.status,
        grade: r.grade,
        nationalTestGrade: r.national_test_grade,
      });
      out.set(r.person_id, list);
    }
    return out;
  }
}
