import { prepared } from '../../db/prepared';
import { uuidArray } from '../../db/uuid-array';
import type { Reads } from '../../db/pipelined-statements';
import type { EmploymentServiceStatusRecord, SourceConnector } from '../types';

interface Row {
  person_id: string;
  office_id: string;
  registered: boolean;
  registered_since: string | null;
  deregistered_at: string | null;
  category_code: string | null;
  extent_percent: number | null;
  last_activity_report: string | null;
  activity_support: boolean;
  programmes: EmploymentServiceStatusRecord['programmes'];
}

/** Named (src/db/prepared.ts): its generic plan reads by the person keys, as the custom ones do. */
const JOB_SEEKERS =
  prepared(`SELECT s.person_id, s.office_id, s.registered, s.registered_since, s.deregistered_at,
              s.category_code, s.extent_percent, s.last_activity_report, s.activity_support,
              COALESCE((SELECT json_agg(json_build_object('programmeCode', a.programme_code,
                                                          'startDate', a.start_date, 'endDate', a.end_date)
                               ORDER BY a.start_date DESC)
                          FROM arbetsformedlingen.programme_assignment a
                         WHERE a.person_id = s.person_id), '[]') AS programmes
         FROM arbetsformedlingen.job_seeker s
        WHERE s.person_id = ANY($1::uuid[])`);

/**
 * Arbetsförmedlingen's stand-in (schema `arbetsformedlingen`): the job-seeker status as
 * social services see it through SSBTEK, with programme assignments.
 */
export class EmbeddedArbetsformedlingen implements SourceConnector<EmploymentServiceStatusRecord> {
  readonly source = 'arbetsformedlingen' as const;

  constructor(private readonly db: Reads) {}

  async loadByPersonIds(
    personIds: readonly string[],
  ): Promise<Map<string, EmploymentServiceStatusRecord>> {
    const rows = await this.db.query<Row>(JOB_SEEKERS, [uuidArray(personIds)]);
    const fetchedAt = new Date();
    return new Map(
      rows.map((r) => [
        r.person_id,
        {
          officeId: r.office_id,
          registered: r.registered,
          registeredSince: r.registered_since,
          deregisteredAt: r.deregistered_at,
          categoryCode: r.category_code,
          extentPercent: r.extent_percent,
          lastActivityReport: r.last_activity_report,
          activitySupport: r.activity_support,
          programmes: r.programmes,
          fetchedAt,
          stale: false,
        },
      ]),
    );
  }
}
