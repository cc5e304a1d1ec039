/**
 * GraphQL documents and small helpers for driving the referral workflow over HTTP in
 * e2e tests: run a mutation, get its data or its first error, and read a referral's
 * version and events.
 */
import type { GraphQLResponse, TestHub } from './test-hub';

export const REFERRAL_FIELDS = `
  id status version note coachId firstAppointmentAt firstVisitAt planDeadline
  planDeadlineMissed planValidUntil maxEndDate createdAt updatedAt
  person { id }
  fromDistrict { id }
  toJobCentre { id }
  targetGroup { code list }
  supportBarrier { code label }
  return { reason { code } note returnedAt acknowledgedAt }
  closure { reason { code } employmentType { code } note closedAt }
`;

export const PLAN_FIELDS = `
  id referralId kind goal status validFrom validUntil submittedAt decidedAt decisionComment
  activities { interventionType { code } provider startDate endDate hoursPerWeek }
`;

export interface ReferralView {
  id: string;
  status: string;
  version: number;
  note: string | null;
  coachId: string | null;
  firstAppointmentAt: string;
  firstVisitAt: string | null;
  planDeadline: string | null;
  planDeadlineMissed: boolean;
  planValidUntil: string | null;
  maxEndDate: string | null;
  createdAt: string;
  updatedAt: string;
  person: { id: string } | null;
  fromDistrict: { id: string };
  toJobCentre: { id: string };
  targetGroup: { code: string; list: string };
  supportBarrier: { code: string; label: string };
  return: {
    reason: { code: string };
    note: string | null;
    returnedAt: string;
    acknowledgedAt: string | null;
  } | null;
  closure: {
    reason: { code: string };
    employmentType: { code: string } | null;
    note: string | null;
    closedAt: string;
  } | null;
}

export interface PlanView {
  id: string;
  referralId: string;
  kind: 'INITIAL' | 'EXTENDED';
  goal: string;
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';
  validFrom: string;
  validUntil: string;
  submittedAt: string;
  decidedAt: string | null;
  decisionComment: string | null;
  activities: {
    interventionType: { code: string };
    provider: string;
    startDate: string;
    endDate: string;
    hoursPerWeek: number;
  }[];
}

/** Mutation name → its input type and the selection of its result. */
const MUTATIONS = {
  createReferral: ['CreateReferralInput', REFERRAL_FIELDS],
  acceptReferral: ['AcceptReferralInput', REFERRAL_FIELDS],
  rejectReferral: ['RejectReferralInput', REFERRAL_FIELDS],
  withdrawReferral: ['WithdrawReferralInput', REFERRAL_FIELDS],
  registerFirstVisit: ['RegisterFirstVisitInput', REFERRAL_FIELDS],
  submitJobPlan: ['SubmitJobPlanInput', PLAN_FIELDS],
  decideJobPlan: ['DecideJobPlanInput', PLAN_FIELDS],
  reportDeviation: ['ReportDeviationInput', 'id date note kind { code } reportedAt'],
  interruptReferral: ['InterruptReferralInput', REFERRAL_FIELDS],
  resumeReferral: ['ResumeReferralInput', REFERRAL_FIELDS],
  returnReferral: ['ReturnReferralInput', REFERRAL_FIELDS],
  acknowledgeReturn: ['AcknowledgeReturnInput', REFERRAL_FIELDS],
  closeReferral: ['CloseReferralInput', REFERRAL_FIELDS],
} as const;

export type MutationName = keyof typeof MUTATIONS;

export interface HubError {
  message: string;
  code: string | undefined;
  field: string | undefined;
  extensions: Record<string, unknown>;
}

export class ReferralApi {
  constructor(private readonly t: TestHub) {}

  /** Runs a mutation; returns the raw response. */
  run(
    name: MutationName,
    input: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<Record<string, unknown>>> {
    const [type, fields] = MUTATIONS[name];
    return this.t.gql(`mutation ($input: ${type}!) { ${name}(input: $input) { ${fields} } }`, {
      token,
      variables: { input },
    });
  }

  /** Runs a mutation that must succeed; returns its result. */
  async ok<T = ReferralView>(
    name: MutationName,
    input: Record<string, unknown>,
    token: string,
  ): Promise<T> {
    const res = await this.run(name, input, token);
    if (res.body.errors?.length) {
      throw new Error(`${name} failed: ${JSON.stringify(res.body.errors)}`);
    }
    return res.body.data![name] as T;
  }

  /** Runs a mutation that must fail; returns its (only) error. */
  async fail(
    name: MutationName,
    input: Record<string, unknown>,
    token?: string,
  ): Promise<HubError> {
    const res = await this.run(name, input, token);
    return firstError(res, name);
  }

  /** The referral as `token` sees it (null when not visible), with its event types. */
  async read(
    id: string,
    token: string,
  ): Promise<(ReferralView & { events: { type: string }[] }) | null> {
    const res = await this.t.gql<{
      referral: (ReferralView & { events: { type: string }[] }) | null;
    }>(`query ($id: ID!) { referral(id: $id) { ${REFERRAL_FIELDS} events { type } } }`, {
      token,
      variables: { id },
    });
    if (res.body.errors?.length) throw new Error(JSON.stringify(res.body.errors));
    return res.body.data!.referral;
  }

  /** Version, status and event types of a referral that `token` may see. */
  async state(
    id: string,
    token: string,
  ): Promise<{ version: number; status: string; events: string[] }> {
    const r = await this.read(id, token);
    if (!r) throw new Error(`referral ${id} not visible`);
    return { version: r.version, status: r.status, events: r.events.map((e) => e.type) };
  }
}

export function firstError(res: GraphQLResponse<unknown>, what = 'the operation'): HubError {
  const errors = res.body.errors;
  if (!errors?.length) throw new Error(`${what} succeeded, but an error was expected`);
  expect(errors).toHaveLength(1);
  const extensions = errors[0].extensions ?? {};
  return {
    message: errors[0].message,
    code: extensions.code as string | undefined,
    field: extensions.field as string | undefined,
    extensions,
  };
}

/** Today's calendar date in Stockholm, 'YYYY-MM-DD'. */
export function stockholmToday(at: Date = new Date()): string {
  return at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

export function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An instant `hours` from now, as an ISO string. */
export function hoursFromNow(hours: number): string {
  return new Date(Date.now() + hours * 3600 * 1000).toISOString();
}

/**
 * A createReferral input. The default appointment is a fixed future instant, so the same
 * call gives the same input (idempotency keys replay rather than conflict).
 */
export function referralInput(personId: string, extra: Record<string, unknown> = {}) {
  return {
    personId,
    targetGroup: 'ARBETSLOS',
    supportBarrier: '02',
    note: 'Syntetisk testremiss',
    firstAppointmentAt: '2099-01-15T09:00:00.000Z',
    ...extra,
  };
}

/** Hands out fixture persons one at a time, so tests never share a person's referrals. */
export class ResidentPool {
  private next = 0;

  constructor(private readonly ids: () => readonly string[]) {}

  take(): string {
    const ids = this.ids();
    if (this.next >= ids.length) throw new Error('add residents in beforeAll');
    return ids[this.next++];
  }
}
