/**
 * The referral workflow table, exhaustively: every step × party × status. The expected
 * table is written out here from DOMAIN.md ("The path of a person"), independently of
 * src/domain/referral-workflow.ts, so a change to either shows up as a failure.
 */
import {
  REFERRAL_STATUSES,
  WORKFLOW,
  transition,
  type Party,
  type ReferralStatus,
  type Step,
} from '../../src/domain/referral-workflow';

const PARTIES: readonly Party[] = ['DISTRICT', 'JOB_CENTRE'];

/** The status after the step: a status, the current one ('same'), or the one before interruption. */
type Expected = {
  by: Party;
  from: readonly ReferralStatus[];
  to: ReferralStatus | 'same' | 'beforeInterruption';
};

const EXPECTED: Record<Step, Expected> = {
  // 3. The job centre accepts or rejects what the district sent.
  accept: { by: 'JOB_CENTRE', from: ['SENT'], to: 'ACCEPTED' },
  reject: { by: 'JOB_CENTRE', from: ['SENT'], to: 'REJECTED' },
  // The district may take the referral back until the person has been to the job centre.
  withdraw: { by: 'DISTRICT', from: ['SENT', 'ACCEPTED'], to: 'WITHDRAWN' },
  // The first visit enrols the person; the job-guarantee clock starts.
  registerFirstVisit: { by: 'JOB_CENTRE', from: ['ACCEPTED'], to: 'ENROLLED' },
  // 4. The job centre makes the plans while the person takes part.
  submitPlan: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE'], to: 'same' },
  // 5. The district approves / rejects every plan (also one submitted before an interruption).
  approvePlan: { by: 'DISTRICT', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'same' },
  rejectPlan: { by: 'DISTRICT', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'same' },
  // 7. Deviations are reported by the job centre while the person is there.
  reportDeviation: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'same' },
  // 8. Interruption and restart.
  interrupt: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE'], to: 'INTERRUPTED' },
  resume: { by: 'JOB_CENTRE', from: ['INTERRUPTED'], to: 'beforeInterruption' },
  // 9. Återremittering, acknowledged by the district.
  return: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'RETURNED' },
  acknowledgeReturn: { by: 'DISTRICT', from: ['RETURNED'], to: 'same' },
  // 10. Avslut.
  close: { by: 'JOB_CENTRE', from: ['ENROLLED', 'ACTIVE', 'INTERRUPTED'], to: 'CLOSED' },
};

const STEPS = Object.keys(EXPECTED) as Step[];

test('the status list is exactly the nine statuses of API.md', () => {
  expect([...REFERRAL_STATUSES].sort()).toEqual(
    [
      'SENT',
      'ACCEPTED',
      'REJECTED',
      'WITHDRAWN',
      'ENROLLED',
      'ACTIVE',
      'INTERRUPTED',
      'RETURNED',
      'CLOSED',
    ].sort(),
  );
});

test('the table has exactly the expected steps', () => {
  expect(Object.keys(WORKFLOW).sort()).toEqual([...STEPS].sort());
});

const cases = STEPS.flatMap((step) =>
  PARTIES.flatMap((party) => REFERRAL_STATUSES.map((status) => [step, party, status] as const)),
);

test(`${cases.length} combinations are covered (13 steps × 2 parties × 9 statuses)`, () => {
  expect(cases).toHaveLength(13 * 2 * 9);
});

describe.each(cases)('%s by %s from %s', (step, party, status) => {
  const rule = EXPECTED[step];
  const allowed = rule.by === party && rule.from.includes(status);

  test(allowed ? 'is allowed' : 'is refused', () => {
    const result = transition(step, party, status);
    if (!allowed) {
      expect(result).toEqual({
        ok: false,
        // The party is checked first: the wrong party is refused whatever the status.
        reason: rule.by !== party ? 'WRONG_PARTY' : 'INVALID_TRANSITION',
      });
      return;
    }
    if (rule.to === 'beforeInterruption') {
      // Covered below with each status before the interruption.
      expect(result.ok).toBe(true);
      return;
    }
    expect(result).toEqual({ ok: true, status: rule.to === 'same' ? status : rule.to });
  });
});

describe('resume restores the status before the interruption', () => {
  test.each(['ENROLLED', 'ACTIVE'] as const)(
    'interrupted from %s, resume restores it',
    (before) => {
      const interrupted = transition('interrupt', 'JOB_CENTRE', before);
      expect(interrupted).toEqual({ ok: true, status: 'INTERRUPTED' });
      expect(transition('resume', 'JOB_CENTRE', 'INTERRUPTED', before)).toEqual({
        ok: true,
        status: before,
      });
    },
  );

  test('with no recorded status the person is back as enrolled (no plan approved yet)', () => {
    expect(transition('resume', 'JOB_CENTRE', 'INTERRUPTED', null)).toEqual({
      ok: true,
      status: 'ENROLLED',
    });
  });

  test('the district cannot resume, and nothing but an interrupted referral resumes', () => {
    expect(transition('resume', 'DISTRICT', 'INTERRUPTED', 'ACTIVE')).toEqual({
      ok: false,
      reason: 'WRONG_PARTY',
    });
    expect(transition('resume', 'JOB_CENTRE', 'ACTIVE', 'ACTIVE')).toEqual({
      ok: false,
      reason: 'INVALID_TRANSITION',
    });
  });
});

test('the whole path of a person is a chain of allowed transitions', () => {
  let s: ReferralStatus = 'SENT';
  const go = (step: Step, party: Party, before: ReferralStatus | null = null): void => {
    const r = transition(step, party, s, before);
    if (!r.ok) throw new Error(`${step} by ${party} from ${s}: ${r.reason}`);
    s = r.status;
  };
  go('accept', 'JOB_CENTRE');
  expect(s).toBe('ACCEPTED');
  go('registerFirstVisit', 'JOB_CENTRE');
  expect(s).toBe('ENROLLED');
  go('submitPlan', 'JOB_CENTRE');
  go('approvePlan', 'DISTRICT');
  expect(s).toBe('ENROLLED'); // the table keeps the status; the service activates (see e2e)
  go('interrupt', 'JOB_CENTRE');
  expect(s).toBe('INTERRUPTED');
  go('resume', 'JOB_CENTRE', 'ENROLLED');
  expect(s).toBe('ENROLLED');
  go('return', 'JOB_CENTRE');
  expect(s).toBe('RETURNED');
  go('acknowledgeReturn', 'DISTRICT');
  expect(s).toBe('RETURNED');
});

test('final statuses allow no step by anyone except acknowledging a return', () => {
  for (const status of ['REJECTED', 'WITHDRAWN', 'CLOSED', 'RETURNED'] as const) {
    const allowed = STEPS.flatMap((step) =>
      PARTIES.filter((party) => transition(step, party, status).ok).map((p) => `${step}/${p}`),
    );
    expect(allowed).toEqual(status === 'RETURNED' ? ['acknowledgeReturn/DISTRICT'] : []);
  }
});
