import { prepared } from '../../db/prepared';
import { uuidArray } from '../../db/uuid-array';
import type { Reads } from '../../db/pipelined-statements';
import type {
  JobCentreEnrolmentRecord,
  SourceCallContext,
  SourceConnector,
  SourceDetails,
} from '../types';

interface Row {
  id: string;
  person_id: string;
  job_centre_id: string;
  coach: string;
  first_visit_at: Date | null;
  status: JobCentreEnrolmentRecord['status'];
  closure_reason: string | null;
  closure_employment_type: string | null;
  closed_at: string | null;
  current_plan: JobCentreEnrolmentRecord['currentPlan'];
  interventions?: JobCentreEnrolmentRecord['interventions'];
  interruptions?: JobCentreEnrolmentRecord['interruptions'];
}

const INTERVENTIONS = `COALESCE((SELECT json_agg(json_build_object(
                                 'interventionType', i.intervention_type, 'provider', i.provider,
                                 'startDate', i.start_date, 'endDate', i.end_date,
                                 'hoursPerWeek', i.hours_per_week, 'attendancePercent', i.attendance_percent)
                               ORDER BY i.start_date DESC)
                          FROM jobbtorg.intervention i WHERE i.enrolment_id = e.id), '[]') AS interventions`;

const INTERRUPTIONS = `COALESCE((SELECT json_agg(json_build_object('reason', x.reason, 'fromDate', x.from_date,
                                                          'toDate', x.to_date) ORDER BY x.from_date DESC)
                          FROM jobbtorg.interruption x WHERE x.enrolment_id = e.id), '[]') AS interruptions`;

/** Per person the open enrolment (else the latest) with its latest plan, and the lists asked for. */
function enrolmentsSql(interventions: boolean, interruptions: boolean): string {
  const lists = [interventions && INTERVENTIONS, interruptions && INTERRUPTIONS].filter(Boolean);
  return `SELECT DISTINCT ON (e.person_id)
              e.id, e.person_id, e.job_centre_id, e.coach, e.first_visit_at, e.status,
              e.closure_reason, e.closure_employment_type, e.closed_at,
              (SELECT json_build_object('kind', p.kind, 'goal', p.goal, 'validFrom', p.valid_from,
                                        'validTo', p.valid_to, 'status', p.status)
                 FROM jobbtorg.plan p WHERE p.enrolment_id = e.id
                ORDER BY p.valid_from DESC LIMIT 1) AS current_plan${lists.map((l) => `,\n              ${l}`).join('')}
         FROM jobbtorg.enrolment e
        WHERE e.person_id = ANY($1::uuid[])
        ORDER BY e.person_id, (e.status <> 'CLOSED') DESC, e.first_visit_at DESC NULLS LAST`;
}

/**
 * The four statements, by [interventions][interruptions], built once and named
 * (src/db/prepared.ts): their generic plans read by person index, as the custom ones do.
 */
const SQL = [
  [prepared(enrolmentsSql(false, false)), prepared(enrolmentsSql(false, true))],
  [prepared(enrolmentsSql(true, false)), prepared(enrolmentsSql(true, true))],
];

/**
 * The job centres' case system stand-in (schema `jobbtorg`). One statement per batch: per
 * person the open enrolment (else the latest) with its latest plan, and its interventions
 * and interruptions as JSON when the caller asks for them.
 */
export class EmbeddedJobbtorg implements SourceConnector<JobCentreEnrolmentRecord> {
  readonly source = 'jobbtorg' as const;

  constructor(private readonly db: Reads) {}

  async loadByPersonIds(
    personIds: readonly string[],
    _call?: SourceCallContext,
    details?: SourceDetails,
  ): Promise<Map<string, JobCentreEnrolmentRecord>> {
    const interventions = !details || details.has('interventions');
    const interruptions = !details || details.has('interruptions');
    const rows = await this.db.query<Row>(SQL[+interventions][+interruptions], [
      uuidArray(personIds),
    ]);
    return new Map(
      rows.map((r) => [
        r.person_id,
        {
          enrolmentId: r.id,
          jobCentreId: r.job_centre_id,
          coach: r.coach,
          firstVisitAt: r.first_visit_at,
          status: r.status,
          currentPlan: r.current_plan,
          ...(interventions ? { interventions: r.interventions } : {}),
          ...(interruptions ? { interruptions: r.interruptions } : {}),
          closure:
            r.closure_reason && r.closed_at
              ? {
                  reason: r.closure_reason,
                  employmentType: r.closure_employment_type,
                  closedAt: r.closed_at,
                }
              : null,
        },
      ]),
    );
  }
}
