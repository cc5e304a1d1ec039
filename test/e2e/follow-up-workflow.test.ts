/**
 * followUp over referrals made through the real workflow mutations (not written to the
 * tables directly): what the workflow records is what followUp counts, for a manager
 * (unsuppressed) and an analyst (small cells withheld). Both databases.
 */
import { insertPersons, fullSkarholmenPerson } from '../helpers/person-fixture';
import {
  ReferralApi,
  hoursFromNow,
  plusDays,
  referralInput,
  stockholmToday,
  type ReferralView,
} from '../helpers/referral-api';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let api: ReferralApi;
let caseworker: string;
let coach: string;
let analyst: string;
let residents: string[];

const QUERY = `query ($from: LocalDate!, $to: LocalDate!, $groupBy: [FollowUpDimension!]!) {
  followUp(from: $from, to: $to, groupBy: $groupBy) { rows {
    district { id } month
    referralsSent { value suppressed } accepted { value suppressed }
    rejected { value suppressed } withdrawn { value suppressed } enrolled { value suppressed }
    medianDaysToFirstVisit { value suppressed }
    planWithinJobGuarantee { value suppressed numerator { value } denominator { value } }
    planDeadlinesMissed { value suppressed }
    returned { value suppressed } returnsByReason { code { code } count { value suppressed } }
    closedExcludingReturned { value suppressed }
    closuresByReason { code { code } count { value suppressed } }
    workClosuresByEmploymentType { code { code } count { value suppressed } }
    interventions { interventionType { code } participants { value } completed { value } }
  } } }`;

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  api = new ReferralApi(t);
  residents = (
    await insertPersons(
      t.hub.dataSource,
      Array.from({ length: 7 }, () => fullSkarholmenPerson()),
    )
  ).map((p) => p.id);
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  analyst = await t.token({ role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' });

  const sent = (i: number) =>
    api.ok<ReferralView>('createReferral', referralInput(residents[i]), caseworker);
  const accepted = async (i: number) => {
    const r = await sent(i);
    return api.ok<ReferralView>('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
  };
  const enrolled = async (i: number) => {
    const r = await accepted(i);
    return api.ok<ReferralView>(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
      coach,
    );
  };
  const withPlan = async (i: number) => {
    const r = await enrolled(i);
    const today = stockholmToday();
    const plan = await api.ok<{ id: string }>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Syntetiskt mål',
        activities: [
          {
            interventionType: 'KARTLAGGNING',
            provider: 'Jobbtorg Sydväst',
            startDate: today,
            endDate: plusDays(today, 27),
            hoursPerWeek: 20,
          },
        ],
      },
      coach,
    );
    await api.ok(
      'decideJobPlan',
      { planId: plan.id, decision: 'APPROVED', expectedVersion: 4 },
      caseworker,
    );
    return r;
  };

  await sent(0); // stays SENT
  const rejected = await sent(1);
  await api.ok(
    'rejectReferral',
    { id: rejected.id, expectedVersion: 1, reason: 'Ej målgrupp' },
    coach,
  );
  const withdrawn = await accepted(2);
  await api.ok(
    'withdrawReferral',
    { id: withdrawn.id, expectedVersion: 2, reason: 'Fått arbete' },
    caseworker,
  );
  await enrolled(3); // enrolled, no plan yet
  await withPlan(4); // active
  const closed = await withPlan(5);
  await api.ok(
    'closeReferral',
    { id: closed.id, expectedVersion: 5, reason: 'ARBETE', employmentType: 'TILLSVIDARE_HELTID' },
    coach,
  );
  const returned = await enrolled(6);
  await api.ok(
    'returnReferral',
    { id: returned.id, expectedVersion: 3, reason: 'SJUKSKRIVEN' },
    coach,
  );
}, 120_000);

afterAll(() => t?.stop());

function thisMonth(): { from: string; to: string; month: string } {
  const today = stockholmToday();
  const month = today.slice(0, 7);
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: `${month}-01`, to: last, month };
}

test('a manager sees exactly what the workflow recorded', async () => {
  const { from, to, month } = thisMonth();
  for (const token of [caseworker, coach]) {
    const res = await t.gql(QUERY, {
      token,
      variables: { from, to, groupBy: ['DISTRICT', 'MONTH'] },
    });
    expect(res.body.errors).toBeUndefined();
    const shown = (v: number) => ({ value: v, suppressed: false });
    expect((res.body.data as { followUp: { rows: unknown[] } }).followUp.rows).toEqual([
      {
        district: { id: 'skarholmen' },
        month,
        referralsSent: shown(7),
        accepted: shown(5),
        rejected: shown(1),
        withdrawn: shown(1),
        enrolled: shown(4),
        medianDaysToFirstVisit: { value: 0, suppressed: false },
        // Two plans in time; the other deadlines are in the future, so not yet decided.
        planWithinJobGuarantee: {
          value: 1,
          suppressed: false,
          numerator: { value: 2 },
          denominator: { value: 2 },
        },
        planDeadlinesMissed: shown(0),
        returned: shown(1),
        returnsByReason: [{ code: { code: 'SJUKSKRIVEN' }, count: shown(1) }],
        closedExcludingReturned: shown(1),
        closuresByReason: [{ code: { code: 'ARBETE' }, count: shown(1) }],
        workClosuresByEmploymentType: [{ code: { code: 'TILLSVIDARE_HELTID' }, count: shown(1) }],
        interventions: [
          {
            interventionType: { code: 'KARTLAGGNING' },
            participants: { value: 2 },
            completed: { value: 0 },
          },
        ],
      },
    ]);
  }
});

test('an analyst sees the same row with the counts of 1–4 withheld', async () => {
  const { from, to } = thisMonth();
  const res = await t.gql(QUERY, {
    token: analyst,
    variables: { from, to, groupBy: ['DISTRICT'] },
  });
  expect(res.body.errors).toBeUndefined();
  const [row] = (res.body.data as { followUp: { rows: Record<string, unknown>[] } }).followUp.rows;
  const withheld = { value: null, suppressed: true };
  expect(row).toMatchObject({
    referralsSent: { value: 7, suppressed: false },
    accepted: { value: 5, suppressed: false },
    rejected: withheld,
    withdrawn: withheld,
    enrolled: withheld,
    medianDaysToFirstVisit: withheld,
    planWithinJobGuarantee: { value: null, suppressed: true },
    planDeadlinesMissed: { value: 0, suppressed: false },
    returned: withheld,
    returnsByReason: [{ code: { code: 'SJUKSKRIVEN' }, count: withheld }],
    closedExcludingReturned: withheld,
  });
});
