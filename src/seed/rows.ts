/**
 * The demo data's rows: one interface per table, camelCase mirroring the SQL columns, and
 * the data set they make up. Written by the seed (write.ts), served by the agency
 * simulators.
 */

export interface PersonRow {
  id: string;
  personnummer: string;
  givenName: string;
  familyName: string;
  birthYear: number;
  protectedIdentity: boolean;
  homeDistrictId: string;
  synthetic: boolean;
}

export type LinkRelation =
  'ASSISTANCE_CASE' | 'JOB_CENTRE_ENROLMENT' | 'SFI_ENROLMENT' | 'EMPLOYMENT_SERVICE';

export interface PersonLinkRow {
  personId: string;
  organisationId: string;
  relation: LinkRelation;
  targetGroup: string | null;
  active: boolean;
  since: string;
}

export interface AssistanceCaseRow {
  id: string;
  personId: string;
  districtId: string;
  caseworker: string;
  status: 'ACTIVE' | 'CLOSED';
  periodStart: string;
  periodEnd: string | null;
  supportBarrier: string;
  targetGroup: string | null;
}

export interface DecisionRow {
  id: string;
  caseId: string;
  /** First day of the month the decision covers. */
  month: string;
  outcome: 'GRANTED' | 'PARTLY_REFUSED' | 'REFUSED';
  /** SEK with two decimals, as a string so numeric(10,2) round-trips exactly. */
  amount: string;
}

export interface JobCentreEnrolmentRow {
  id: string;
  personId: string;
  jobCentreId: string;
  coach: string;
  /** ISO timestamp with the Stockholm offset of that day. */
  firstVisitAt: string | null;
  status: 'ENROLLED' | 'ACTIVE' | 'INTERRUPTED' | 'CLOSED';
  closureReason: string | null;
  closureEmploymentType: string | null;
  closedAt: string | null;
}

export interface PlanRow {
  id: string;
  enrolmentId: string;
  kind: 'INITIAL' | 'EXTENDED';
  goal: string;
  validFrom: string;
  validTo: string;
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';
}

export interface InterventionRow {
  id: string;
  enrolmentId: string;
  interventionType: string;
  provider: string;
  startDate: string;
  endDate: string | null;
  hoursPerWeek: number;
  attendancePercent: number | null;
}

export interface InterruptionRow {
  id: string;
  enrolmentId: string;
  reason: string;
  fromDate: string;
  toDate: string | null;
}

export interface SfiEnrolmentRow {
  id: string;
  personId: string;
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

export interface JobSeekerRow {
  personId: string;
  officeId: string;
  registered: boolean;
  registeredSince: string | null;
  deregisteredAt: string | null;
  categoryCode: string | null;
  extentPercent: number | null;
  lastActivityReport: string | null;
  activitySupport: boolean;
}

export interface ProgrammeAssignmentRow {
  id: string;
  personId: string;
  programmeCode: string;
  startDate: string;
  endDate: string | null;
}

export type DemoProfile =
  'UNEMPLOYED' | 'SFI_STUDENT' | 'REFUGEE' | 'YOUNG' | 'SOCIAL_MEDICAL' | 'FORMER';

/** Not a table: how each person was drawn, so tests can check the shares. */
export interface PersonProfileRow {
  personId: string;
  profile: DemoProfile;
  moved: boolean;
}

export interface DemoData {
  seed: number;
  referenceDate: string;
  persons: PersonRow[];
  personLinks: PersonLinkRow[];
  assistanceCases: AssistanceCaseRow[];
  decisions: DecisionRow[];
  jobCentreEnrolments: JobCentreEnrolmentRow[];
  plans: PlanRow[];
  interventions: InterventionRow[];
  interruptions: InterruptionRow[];
  sfiEnrolments: SfiEnrolmentRow[];
  jobSeekers: JobSeekerRow[];
  programmeAssignments: ProgrammeAssignmentRow[];
  profiles: PersonProfileRow[];
}
