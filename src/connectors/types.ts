/**
 * The four agency sources behind one interface shape: a batch read by the hub's person
 * ids, returning what the source knows per person (a missing key = the source has no
 * record). Implementations: `embedded` (a stand-in system of record on its own PostgreSQL
 * schema) now, `http` (the agency's REST API) later — the call context carries what an HTTP
 * request must send: the purpose, the case reference and a correlation id.
 * A connector signals failure by rejecting; the hub turns that into SOURCE_UNAVAILABLE.
 */

export const SOURCE_NAMES = ['socialtjanst', 'jobbtorg', 'sfi', 'arbetsformedlingen'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Why and on whose behalf a source is read (SSBTEK requests carry the same). */
export interface SourceCallContext {
  /** Purpose of the read, e.g. 'caseload' or 'person-view'. */
  purpose: string;
  /** The case (referral or assistance case) the read is about, when there is one. */
  caseReference?: string;
  /** The request id: correlates the hub's log with the agency's. */
  correlationId: string;
  /** Who asks: `sub` and organisation of the viewer. */
  requestedBy: { sub: string; organisationId: string };
}

/**
 * What a batch read returns per person: the record; an Error when this person's data is
 * unavailable while others' are not (e.g. no last known status to fall back on); a missing
 * key when the source has no record.
 */
export type SourceResult<T> = Map<string, T | Error>;

/**
 * The lists in a source's record that cost a read of their own per case or enrolment. A
 * caller that names the details it needs gets the record without the others (the property
 * is absent, never an empty list that would read as "none"); without `details` a connector
 * returns everything. Only the embedded connectors leave details out: over HTTP the agency
 * answers with the whole record.
 */
export type SourceDetail = 'decisions' | 'interventions' | 'interruptions';
export type SourceDetails = ReadonlySet<SourceDetail>;

export interface SourceConnector<T> {
  readonly source: SourceName;
  loadByPersonIds(
    personIds: readonly string[],
    call: SourceCallContext,
    details?: SourceDetails,
  ): Promise<SourceResult<T>>;
}

// --- socialtjanst -----------------------------------------------------------------------

export interface AssistanceDecisionRecord {
  month: string; // YYYY-MM-DD, first of month
  outcome: 'GRANTED' | 'PARTLY_REFUSED' | 'REFUSED';
  amount: string; // SEK, decimal string
}

export interface FinancialAidCaseRecord {
  caseId: string;
  districtId: string;
  caseworker: string;
  status: 'ACTIVE' | 'CLOSED';
  periodStart: string;
  periodEnd: string | null;
  supportBarrier: string;
  targetGroup: string | null;
  /** Latest first; absent when the read did not ask for it (SourceDetail). */
  decisions?: AssistanceDecisionRecord[];
}

// --- jobbtorg ---------------------------------------------------------------------------

export interface JobCentrePlanRecord {
  kind: 'INITIAL' | 'EXTENDED';
  goal: string;
  validFrom: string;
  validTo: string;
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';
}

export interface InterventionRecord {
  interventionType: string;
  provider: string;
  startDate: string;
  endDate: string | null;
  hoursPerWeek: number;
  attendancePercent: number | null;
}

export interface InterruptionRecord {
  reason: string;
  fromDate: string;
  toDate: string | null;
}

export interface JobCentreEnrolmentRecord {
  enrolmentId: string;
  jobCentreId: string;
  coach: string;
  firstVisitAt: Date | null;
  status: 'ENROLLED' | 'ACTIVE' | 'INTERRUPTED' | 'CLOSED';
  currentPlan: JobCentrePlanRecord | null;
  /** Absent when the read did not ask for it (SourceDetail). */
  interventions?: InterventionRecord[];
  /** Absent when the read did not ask for it (SourceDetail). */
  interruptions?: InterruptionRecord[];
  closure: { reason: string; employmentType: string | null; closedAt: string } | null;
}

// --- sfi --------------------------------------------------------------------------------

export interface SfiEnrolmentRecord {
  providerId: string;
  studyPath: string;
  course: string;
  startDate: string;
  endDate: string | null;
  hoursPerWeek: number;
  status: 'ONGOING' | 'COMPLETED' | 'CANCELLED';
  grade: string | null;
  nationalTestGrade: string | null;
}

// --- arbetsformedlingen -----------------------------------------------------------------

export interface EmploymentServiceStatusRecord {
  officeId: string;
  registered: boolean;
  registeredSince: string | null;
  deregisteredAt: string | null;
  categoryCode: string | null;
  extentPercent: number | null;
  lastActivityReport: string | null;
  activitySupport: boolean;
  /** Current and past programme assignments, latest first. */
  programmes: { programmeCode: string; startDate: string; endDate: string | null }[];
  /** When the hub got this from AF. */
  fetchedAt: Date;
  /** True when AF could not be reached and this is the last known status (HTTP mode). */
  stale: boolean;
}

export interface Connectors {
  socialtjanst: SourceConnector<FinancialAidCaseRecord>;
  jobbtorg: SourceConnector<JobCentreEnrolmentRecord>;
  sfi: SourceConnector<SfiEnrolmentRecord[]>;
  arbetsformedlingen: SourceConnector<EmploymentServiceStatusRecord>;
}
