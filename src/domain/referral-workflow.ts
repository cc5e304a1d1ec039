/**
 * The referral workflow (DOMAIN.md, "The path of a person") as a table: for each step,
 * who takes it (the referring district or the receiving job centre), from which statuses
 * it is allowed, and the status after it. Pure: the services apply it inside a transaction.
 */

export const REFERRAL_STATUSES = [
  'SENT',
  'ACCEPTED',
  'REJECTED',
  'WITHDRAWN',
  'ENROLLED',
  'ACTIVE',
  'INTERRUPTED',
  'RETURNED',
  'CLOSED',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export type Party = 'DISTRICT' | 'JOB_CENTRE';

export type Step =
  | 'accept'
  | 'reject'
  | 'withdraw'
  | 'registerFirstVisit'
  | 'submitPlan'
  | 'approvePlan'
  | 'rejectPlan'
  | 'reportDeviation'
  | 'interrupt'
  | 'resume'
  | 'return'
  | 'acknowledgeReturn'
  | 'close';

/** Statuses in which the person is at the job centre (enrolled and not yet out). */
const AT_JOB_CENTRE: readonly ReferralStatus[] = ['ENROLLED', 'ACTIVE', 'INTERRUPTED'];

interface Rule {
  by: Party;
  from: readonly ReferralStatus[];
  /** The status after the step; 'same' keeps it; 'beforeInterruption' restores it. */
  to: ReferralStatus | 'same' | 'beforeInterruption';
}

export const WORKFLOW: Readonly<Record<Step, Rule>> = {
  accept: { by: 'JOB_CENTRE', from: ['SENT'], to: 'ACCEPTED' },
  reject: { by: 'JOB_CENTRE', from: ['SENT'], to: 'REJECTED' },
  // Before the person has been to the job centre; afterwards the job centre returns or closes.
  withdraw: { by: 'DISTRICT', from: ['SENT', 'ACCEPTED'], to: 'WITHDRAWN' },
  registerFirstVisit: { by: 'JOB_CENTRE', from: ['ACCEPTED'], to: 'ENROLLED' },
  submitPlan: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE'], to: 'same' },
  // Approval of a plan makes the participation active (the district approves every plan).
  approvePlan: { by: 'DISTRICT', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'same' },
  rejectPlan: { by: 'DISTRICT', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'same' },
  reportDeviation: { by: 'JOB_CENTRE', from: AT_JOB_CENTRE, to: 'same' },
  interrupt: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE'], to: 'INTERRUPTED' },
  resume: { by: 'JOB_CENTRE', from: ['INTERRUPTED'], to: 'beforeInterruption' },
  return: { by: 'JOB_CENTRE', from: AT_JOB_CENTRE, to: 'RETURNED' },
  acknowledgeReturn: { by: 'DISTRICT', from: ['RETURNED'], to: 'same' },
  close: { by: 'JOB_CENTRE', from: AT_JOB_CENTRE, to: 'CLOSED' },
};

/** Statuses after which nothing more happens on the referral. */
export const FINAL_STATUSES: readonly ReferralStatus[] = [
  'REJECTED',
  'WITHDRAWN',
  'RETURNED',
  'CLOSED',
];

export type TransitionResult =
  | { ok: true; status: ReferralStatus }
  | { ok: false; reason: 'WRONG_PARTY' | 'INVALID_TRANSITION' };

export function transition(
  step: Step,
  party: Party,
  current: ReferralStatus,
  statusBeforeInterruption: ReferralStatus | null = null,
): TransitionResult {
  const rule = WORKFLOW[step];
  if (rule.by !== party) return { ok: false, reason: 'WRONG_PARTY' };
  if (!rule.from.includes(current)) return { ok: false, reason: 'INVALID_TRANSITION' };
  if (rule.to === 'same') return { ok: true, status: current };
  if (rule.to === 'beforeInterruption')
    return { ok: true, status: statusBeforeInterruption ?? 'ENROLLED' };
  return { ok: true, status: rule.to };
}
