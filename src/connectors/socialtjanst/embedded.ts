import { prepared } from '../../db/prepared';
import { uuidArray } from '../../db/uuid-array';
import type { Reads } from '../../db/pipelined-statements';
import type {
  AssistanceDecisionRecord,
  FinancialAidCaseRecord,
  SourceCallContext,
  SourceConnector,
  SourceDetails,
} from '../types';

interface Row {
  id: string;
  person_id: string;
  district_id: string;
  caseworker: string;
  status: FinancialAidCaseRecord['status'];
  period_start: string;
  period_end: string | null;
  support_barrier: string;
  target_group: string | null;
  decisions?: AssistanceDecisionRecord[];
}

/** Per person the active case (else the latest); `decisions` only when asked for. */
function casesSql(decisions: boolean): string {
  return `SELECT DISTINCT ON (c.person_id)
              c.id, c.person_id, c.district_id, c.caseworker, c.status, c.period_start, c.period_end,
              c.support_barrier, c.target_group${
                decisions
                  ? `,
              COALESCE((SELECT json_agg(json_build_object('month', d.month, 'outcome', d.outcome,
                                                          'amount', d.amount::text) ORDER BY d.month DESC)
                          FROM socialtjanst.decision d WHERE d.case_id = c.id), '[]') AS decisions`
                  : ''
              }
         FROM socialtjanst.assistance_case c
        WHERE c.person_id = ANY($1::uuid[])
        ORDER BY c.person_id, (c.status = 'ACTIVE') DESC, c.period_start DESC`;
}

/** Named (src/db/prepared.ts): their generic plans read by person index, as the custom ones do. */
const WITH_DECISIONS = prepared(casesSql(true));
const CASES_ONLY = prepared(casesSql(false));

/**
 * The district case system's stand-in (schema `socialtjanst`). One statement per batch:
 * per person the active case (else the latest), with its decisions as JSON when the caller
 * asks for them (a page that shows no decisions does not read them).
 */
export class EmbeddedSocialtjanst implements SourceConnector<FinancialAidCaseRecord> {
  readonly source = 'socialtjanst' as const;

  constructor(private readonly db: Reads) {}

  async loadByPersonIds(
    personIds: readonly string[],
    _call?: SourceCallContext,
    details?: SourceDetails,
  ): Promise<Map<string, FinancialAidCaseRecord>> {
    const withDecisions = !details || details.has('decisions');
    const rows = await this.db.query<Row>(withDecisions ? WITH_DECISIONS : CASES_ONLY, [
      uuidArray(personIds),
    ]);
    return new Map(
      rows.map((r) => [
        r.person_id,
        {
          caseId: r.id,
          districtId: r.district_id,
          caseworker: r.caseworker,
          status: r.status,
          periodStart: r.period_start,
          periodEnd: r.period_end,
          supportBarrier: r.support_barrier,
          targetGroup: r.target_group,
          ...(withDecisions ? { decisions: r.decisions } : {}),
        },
      ]),
    );
  }
}
