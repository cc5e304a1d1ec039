/**
 * The referral workflow over HTTP (API.md "Mutations", DOMAIN.md "The path of a person"):
 * the whole path of a person from remiss to återremittering, a closure, who may take each
 * step, which steps each status allows, stale versions, bad input (which changes nothing),
 * routing to the district's job centre and who sees which referrals (both databases).
 */
import { insertPersons, fullSkarholmenPerson } from '../helpers/person-fixture';
import {
  ReferralApi,
  firstError,
  hoursFromNow,
  referralInput,
  ResidentPool,
  plusDays,
  stockholmToday,
  type PlanView,
  type ReferralView,
} from '../helpers/referral-api';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let api: ReferralApi;
let caseworker: string; // DISTRICT_CASEWORKER, skarholmen (default job centre jobbtorg-sydvast)
let coach: string; // JOB_CENTRE_COACH, jobbtorg-sydvast
let caseworkerBromma: string;
let coachJarva: string;
let analyst: string;
/** Skärholmen residents with an active case; each test refers its own person. */
let residents: string[];
/** A Skärholmen resident no test refers successfully. */
let untouched: string;
let brommaResident: string;

beforeAll(async () => {
  // No background job-guarantee check: the events of each referral are exactly the steps.
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  api = new ReferralApi(t);
  const persons = await insertPersons(t.hub.dataSource, [
    ...Array.from({ length: 40 }, () => fullSkarholmenPerson()),
    { homeDistrictId: 'bromma', cases: [{ districtId: 'bromma', active: true }] },
    { homeDistrictId: 'skarholmen', cases: [{ districtId: 'skarholmen', active: true }] },
  ]);
  residents = persons.slice(0, 40).map((p) => p.id);
  brommaResident = persons[40].id;
  untouched = persons[41].id;
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'hl-1' });
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'coach-1' });
  caseworkerBromma = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  coachJarva = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' });
  analyst = await t.token({ role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

const pool = new ResidentPool(() => residents);
const resident = (): string => pool.take();

async function sent(personId = resident(), extra: Record<string, unknown> = {}) {
  return api.ok('createReferral', referralInput(personId, extra), caseworker);
}

async function enrolled(personId = resident()): Promise<ReferralView> {
  const r = await sent(personId);
  await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
  return api.ok(
    'registerFirstVisit',
    { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
    coach,
  );
}

function activity(extra: Record<string, unknown> = {}) {
  const today = stockholmToday();
  return {
    interventionType: 'KARTLAGGNING',
    provider: 'Jobbtorg Sydväst',
    startDate: today,
    endDate: plusDays(today, 27),
    hoursPerWeek: 20,
    ...extra,
  };
}

// Swedish non-working weekdays (röda dagar, julafton, midsommarafton, nyårsafton), written out
// from the calendar independently of the hub's holiday library.
// prettier-ignore
const RED_WEEKDAYS = new Set([
  '2025-12-24', '2025-12-25', '2025-12-26', '2025-12-31',
  '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-06', '2026-05-01', '2026-05-14',
  '2026-06-19', '2026-12-24', '2026-12-25', '2026-12-31',
  '2027-01-01', '2027-01-06', '2027-03-26', '2027-03-29', '2027-05-06', '2027-06-25',
  '2027-12-24', '2027-12-31',
  '2028-01-06', '2028-04-14', '2028-04-17', '2028-05-01', '2028-05-25', '2028-06-06',
  '2028-06-23', '2028-12-25', '2028-12-26',
]);

/** The job-guarantee deadline: 5 working days after the visit day (which does not count). */
function fiveWorkingDaysAfter(date: string): string {
  if (Number(date.slice(0, 4)) > 2028) throw new Error('extend RED_WEEKDAYS past 2028');
  let d = date;
  for (let left = 5; left > 0;) {
    d = plusDays(d, 1);
    const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !RED_WEEKDAYS.has(d)) left--;
  }
  return d;
}

test('the path of a person: remiss → mottagen → inskriven → plans → avvikelse → avbrott → nystart → återremittering', async () => {
  const personId = resident();
  const appointment = hoursFromNow(48);
  const today = stockholmToday();
  let version = 1;
  /** Each step adds exactly one to the version; reads it back too. */
  const stepped = async (expectedStatus: string, expectedEvents: number) => {
    version++;
    const s = await api.state(created.id, caseworker);
    expect(s.version).toBe(version);
    expect(s.status).toBe(expectedStatus);
    expect(s.events).toHaveLength(expectedEvents);
  };

  // 2. Remiss, without toJobCentreId: routed to Skärholmen's job centre (Jobbtorg Sydväst).
  const created = await api.ok(
    'createReferral',
    referralInput(personId, { firstAppointmentAt: appointment }),
    caseworker,
  );
  expect(created).toMatchObject({
    status: 'SENT',
    version: 1,
    note: 'Syntetisk testremiss',
    coachId: null,
    firstAppointmentAt: appointment,
    firstVisitAt: null,
    planDeadline: null,
    planDeadlineMissed: false,
    planValidUntil: null,
    maxEndDate: null,
    person: { id: personId },
    fromDistrict: { id: 'skarholmen' },
    toJobCentre: { id: 'jobbtorg-sydvast' },
    targetGroup: { code: 'ARBETSLOS', list: 'targetGroup' },
    supportBarrier: { code: '02', label: 'Arbetslös utan ersättning' },
    return: null,
    closure: null,
  });
  expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

  // 3. Mottagen, with a coach.
  const accepted = await api.ok(
    'acceptReferral',
    { id: created.id, expectedVersion: 1, coachId: 'coach-1' },
    coach,
  );
  expect(accepted).toMatchObject({
    id: created.id,
    status: 'ACCEPTED',
    version: 2,
    coachId: 'coach-1',
  });
  await stepped('ACCEPTED', 2);

  // First visit: the job guarantee's deadline is 5 working days later.
  const visitedAt = hoursFromNow(-1 / 60);
  const visitDay = stockholmToday(new Date(visitedAt));
  const visited = await api.ok(
    'registerFirstVisit',
    { id: created.id, expectedVersion: 2, visitedAt },
    coach,
  );
  expect(visited).toMatchObject({
    status: 'ENROLLED',
    version: 3,
    firstVisitAt: visitedAt,
    planDeadline: fiveWorkingDaysAfter(visitDay),
    planDeadlineMissed: false,
  });
  // 18 months at the job centres in all.
  const visitDate = new Date(`${visitDay}T00:00:00Z`);
  visitDate.setUTCMonth(visitDate.getUTCMonth() + 18);
  expect(visited.maxEndDate).toBe(visitDate.toISOString().slice(0, 10));
  await stepped('ENROLLED', 3);

  // 4. Initial job plan (four weeks) with one activity.
  const initial = await api.ok<PlanView>(
    'submitJobPlan',
    {
      referralId: created.id,
      expectedVersion: 3,
      kind: 'INITIAL',
      goal: 'Arbete inom handel',
      activities: [activity()],
    },
    coach,
  );
  expect(initial).toMatchObject({
    referralId: created.id,
    kind: 'INITIAL',
    goal: 'Arbete inom handel',
    status: 'SUBMITTED',
    validFrom: today,
    validUntil: plusDays(today, 28),
    decidedAt: null,
    decisionComment: null,
    activities: [
      {
        interventionType: { code: 'KARTLAGGNING' },
        provider: 'Jobbtorg Sydväst',
        startDate: today,
        endDate: plusDays(today, 27),
        hoursPerWeek: 20,
      },
    ],
  });
  await stepped('ENROLLED', 4);

  // 5. The district approves: the participation is active.
  const approved = await api.ok<PlanView>(
    'decideJobPlan',
    { planId: initial.id, decision: 'APPROVED', expectedVersion: 4 },
    caseworker,
  );
  expect(approved).toMatchObject({ id: initial.id, status: 'APPROVED', decisionComment: null });
  expect(approved.decidedAt).not.toBeNull();
  await stepped('ACTIVE', 5);

  // Extended plan, rejected with a comment: the approved initial plan still holds.
  const extended = await api.ok<PlanView>(
    'submitJobPlan',
    {
      referralId: created.id,
      expectedVersion: 5,
      kind: 'EXTENDED',
      goal: 'Praktik som första steg till arbete',
      activities: [
        activity({
          interventionType: 'PRAKTIK_FORSTA_STEG',
          provider: 'Procurerad leverantör AB',
          startDate: plusDays(today, 28),
          endDate: plusDays(today, 120),
          hoursPerWeek: 30,
        }),
        activity({
          interventionType: 'SFI_PRAKTIK',
          endDate: plusDays(today, 90),
          hoursPerWeek: 10,
        }),
      ],
    },
    coach,
  );
  expect(extended).toMatchObject({
    kind: 'EXTENDED',
    status: 'SUBMITTED',
    validFrom: today,
    validUntil: plusDays(today, 120),
  });
  expect(extended.activities.map((a) => a.interventionType.code)).toEqual([
    'PRAKTIK_FORSTA_STEG',
    'SFI_PRAKTIK',
  ]);
  await stepped('ACTIVE', 6);
  const rejected = await api.ok<PlanView>(
    'decideJobPlan',
    {
      planId: extended.id,
      decision: 'REJECTED',
      comment: 'Komplettera med SFI på heltid',
      expectedVersion: 6,
    },
    caseworker,
  );
  expect(rejected).toMatchObject({
    id: extended.id,
    status: 'REJECTED',
    decisionComment: 'Komplettera med SFI på heltid',
  });
  await stepped('ACTIVE', 7);

  // 7. Avvikelse.
  const deviation = await api.ok<{
    id: string;
    date: string;
    note: string;
    kind: { code: string };
  }>(
    'reportDeviation',
    {
      referralId: created.id,
      expectedVersion: 7,
      kind: 'FRANVARO_OGILTIG',
      date: today,
      note: 'Uteblev från praktiken',
    },
    coach,
  );
  expect(deviation).toMatchObject({
    date: today,
    note: 'Uteblev från praktiken',
    kind: { code: 'FRANVARO_OGILTIG' },
  });
  await stepped('ACTIVE', 8);

  // 8. Avbrott and nystart: back to ACTIVE (the status before the interruption).
  const interrupted = await api.ok(
    'interruptReferral',
    { id: created.id, expectedVersion: 8, reason: 'SJUKDOM', from: today },
    coach,
  );
  expect(interrupted).toMatchObject({ status: 'INTERRUPTED', version: 9 });
  await stepped('INTERRUPTED', 9);
  const resumed = await api.ok(
    'resumeReferral',
    { id: created.id, expectedVersion: 9, at: plusDays(today, 14) },
    coach,
  );
  expect(resumed).toMatchObject({ status: 'ACTIVE', version: 10 });
  await stepped('ACTIVE', 10);

  // 9. Återremittering, acknowledged by the district.
  const returned = await api.ok(
    'returnReferral',
    { id: created.id, expectedVersion: 10, reason: 'SJUKSKRIVEN', note: 'Sjukskriven på heltid' },
    coach,
  );
  expect(returned).toMatchObject({
    status: 'RETURNED',
    version: 11,
    return: {
      reason: { code: 'SJUKSKRIVEN' },
      note: 'Sjukskriven på heltid',
      acknowledgedAt: null,
    },
    closure: null,
  });
  expect(Date.parse(returned.return!.returnedAt)).toBeGreaterThan(Date.now() - 60_000);
  await stepped('RETURNED', 11);
  const acknowledged = await api.ok(
    'acknowledgeReturn',
    { id: created.id, expectedVersion: 11 },
    caseworker,
  );
  expect(acknowledged).toMatchObject({ status: 'RETURNED', version: 12 });
  expect(acknowledged.return!.acknowledgedAt).not.toBeNull();
  await stepped('RETURNED', 12);

  // The district's view of the whole story, oldest event first.
  const full = await t.gql<{
    referral: ReferralView & {
      events: { type: string; referralId: string; districtId: string; jobCentreId: string }[];
      plans: { id: string; kind: string; status: string }[];
      deviations: { id: string }[];
    };
  }>(
    `query ($id: ID!) { referral(id: $id) {
        id status version planValidUntil
        events { type referralId districtId jobCentreId }
        plans { id kind status } deviations { id } } }`,
    { token: caseworker, variables: { id: created.id } },
  );
  expect(full.body.errors).toBeUndefined();
  const r = full.body.data!.referral;
  expect(r.events.map((e) => e.type)).toEqual([
    'REFERRAL_SENT',
    'REFERRAL_ACCEPTED',
    'FIRST_VISIT_REGISTERED',
    'PLAN_SUBMITTED',
    'PLAN_APPROVED',
    'PLAN_SUBMITTED',
    'PLAN_REJECTED',
    'DEVIATION_REPORTED',
    'REFERRAL_INTERRUPTED',
    'REFERRAL_RESUMED',
    'REFERRAL_RETURNED',
    'RETURN_ACKNOWLEDGED',
  ]);
  for (const e of r.events) {
    expect(e).toMatchObject({
      referralId: created.id,
      districtId: 'skarholmen',
      jobCentreId: 'jobbtorg-sydvast',
    });
  }
  expect(r.plans).toEqual([
    { id: initial.id, kind: 'INITIAL', status: 'APPROVED' },
    { id: extended.id, kind: 'EXTENDED', status: 'REJECTED' },
  ]);
  expect(r.deviations).toEqual([{ id: deviation.id }]);
  expect(r.planValidUntil).toBe(initial.validUntil);

  // The job centre sees the same story.
  expect((await api.state(created.id, coach)).events).toEqual(r.events.map((e) => e.type));

  // Acknowledging twice is not a step the status allows; nothing changes.
  const again = await api.fail(
    'acknowledgeReturn',
    { id: created.id, expectedVersion: 12 },
    caseworker,
  );
  expect(again.code).toBe('INVALID_TRANSITION');
  // Nor is anything else after the return.
  const afterReturn = await api.fail(
    'closeReferral',
    { id: created.id, expectedVersion: 12, reason: 'STUDIER' },
    coach,
  );
  expect(afterReturn.code).toBe('INVALID_TRANSITION');
  expect(await api.state(created.id, caseworker)).toMatchObject({
    version: 12,
    status: 'RETURNED',
  });
  expect((await api.state(created.id, caseworker)).events).toHaveLength(12);
});

/** A referral sent at `at` (the database stamps now()): for first visits on fixed past days. */
async function sentOn(at: string): Promise<{ id: string }> {
  const r = await sent();
  await t.hub.dataSource.query('UPDATE referral SET created_at = $2 WHERE id = $1', [r.id, at]);
  return r;
}

test('planDeadline skips weekends and the Christmas holidays: a visit on Fri 19 Dec 2025 → Fri 2 Jan 2026', async () => {
  const r = await sentOn('2025-12-18T10:00:00.000Z');
  await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
  const visited = await api.ok(
    'registerFirstVisit',
    { id: r.id, expectedVersion: 2, visitedAt: '2025-12-19T08:00:00.000Z' }, // 09:00 in Stockholm
    coach,
  );
  // 22, 23 Dec; 24–26 Dec holidays; 27–28 weekend; 29, 30 Dec; 31 Dec and 1 Jan holidays; 2 Jan.
  expect(fiveWorkingDaysAfter('2025-12-19')).toBe('2026-01-02');
  expect(visited.planDeadline).toBe('2026-01-02');
  expect(visited.maxEndDate).toBe('2027-06-19');
});

test('a visit late in the evening counts on its Stockholm day, not its UTC day', async () => {
  const r = await sentOn('2026-01-08T10:00:00.000Z');
  await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
  // Friday 2026-01-09 23:30 UTC is Saturday 10 Jan 00:30 in Stockholm: counting starts Monday.
  const visited = await api.ok(
    'registerFirstVisit',
    { id: r.id, expectedVersion: 2, visitedAt: '2026-01-09T23:30:00.000Z' },
    coach,
  );
  expect(fiveWorkingDaysAfter('2026-01-10')).toBe('2026-01-16');
  expect(visited.planDeadline).toBe('2026-01-16');
});

test('closure to work requires the employment type (avslut)', async () => {
  const r = await enrolled();
  const plan = await api.ok<PlanView>(
    'submitJobPlan',
    {
      referralId: r.id,
      expectedVersion: 3,
      kind: 'INITIAL',
      goal: 'Arbete',
      activities: [activity()],
    },
    coach,
  );
  await api.ok(
    'decideJobPlan',
    { planId: plan.id, decision: 'APPROVED', expectedVersion: 4 },
    caseworker,
  );
  expect(await api.state(r.id, coach)).toMatchObject({ version: 5, status: 'ACTIVE' });

  const missing = await api.fail(
    'closeReferral',
    { id: r.id, expectedVersion: 5, reason: 'ARBETE', note: 'Fick jobb' },
    coach,
  );
  expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'employmentType' });
  const unknown = await api.fail(
    'closeReferral',
    { id: r.id, expectedVersion: 5, reason: 'ARBETE', employmentType: 'SOMMARJOBB' },
    coach,
  );
  expect(unknown).toMatchObject({ code: 'BAD_USER_INPUT', field: 'employmentType' });
  const badReason = await api.fail(
    'closeReferral',
    { id: r.id, expectedVersion: 5, reason: 'LOTTOVINST' },
    coach,
  );
  expect(badReason).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  expect(await api.state(r.id, coach)).toMatchObject({ version: 5, status: 'ACTIVE' });
  expect((await api.state(r.id, coach)).events).toHaveLength(5);

  // The district cannot close; the job centre does.
  const byDistrict = await api.fail(
    'closeReferral',
    { id: r.id, expectedVersion: 5, reason: 'ARBETE', employmentType: 'TILLSVIDARE_HELTID' },
    caseworker,
  );
  expect(byDistrict.code).toBe('FORBIDDEN');

  const closed = await api.ok(
    'closeReferral',
    {
      id: r.id,
      expectedVersion: 5,
      reason: 'ARBETE',
      employmentType: 'TILLSVIDARE_HELTID',
      note: 'Fick jobb',
    },
    coach,
  );
  expect(closed).toMatchObject({
    status: 'CLOSED',
    version: 6,
    closure: {
      reason: { code: 'ARBETE' },
      employmentType: { code: 'TILLSVIDARE_HELTID' },
      note: 'Fick jobb',
    },
    return: null,
  });
  const s = await api.state(r.id, caseworker);
  expect(s.events).toEqual([
    'REFERRAL_SENT',
    'REFERRAL_ACCEPTED',
    'FIRST_VISIT_REGISTERED',
    'PLAN_SUBMITTED',
    'PLAN_APPROVED',
    'REFERRAL_CLOSED',
  ]);
  // Closed is final.
  const after = await api.fail(
    'reportDeviation',
    { referralId: r.id, expectedVersion: 6, kind: 'OVRIGT', date: stockholmToday() },
    coach,
  );
  expect(after.code).toBe('INVALID_TRANSITION');
});

test('closure for other reasons needs no employment type; closing from ENROLLED is allowed', async () => {
  const r = await enrolled();
  const closed = await api.ok(
    'closeReferral',
    { id: r.id, expectedVersion: 3, reason: 'STUDIER' },
    coach,
  );
  expect(closed).toMatchObject({
    status: 'CLOSED',
    version: 4,
    closure: { reason: { code: 'STUDIER' }, employmentType: null },
  });
});

test('interrupted before any plan is approved: resume goes back to ENROLLED', async () => {
  const r = await enrolled();
  const today = stockholmToday();
  await api.ok(
    'interruptReferral',
    { id: r.id, expectedVersion: 3, reason: 'FORALDRALEDIGHET', from: today },
    coach,
  );
  const resumed = await api.ok(
    'resumeReferral',
    { id: r.id, expectedVersion: 4, at: today },
    coach,
  );
  expect(resumed).toMatchObject({ status: 'ENROLLED', version: 5 });
});

test('withdraw by the district before the first visit', async () => {
  const r = await sent();
  await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
  const w = await api.ok(
    'withdrawReferral',
    { id: r.id, expectedVersion: 2, reason: 'Personen har fått arbete' },
    caseworker,
  );
  expect(w).toMatchObject({ status: 'WITHDRAWN', version: 3 });
  // After withdrawal the job centre cannot register a visit.
  const visit = await api.fail(
    'registerFirstVisit',
    { id: r.id, expectedVersion: 3, visitedAt: hoursFromNow(-1 / 60) },
    coach,
  );
  expect(visit.code).toBe('INVALID_TRANSITION');
  expect((await api.state(r.id, caseworker)).events).toEqual([
    'REFERRAL_SENT',
    'REFERRAL_ACCEPTED',
    'REFERRAL_WITHDRAWN',
  ]);
});

test('reject by the job centre (not in the target group)', async () => {
  const r = await sent();
  const rejected = await api.ok(
    'rejectReferral',
    { id: r.id, expectedVersion: 1, reason: 'Inte i målgruppen' },
    coach,
  );
  expect(rejected).toMatchObject({ status: 'REJECTED', version: 2 });
  const withdraw = await api.fail(
    'withdrawReferral',
    { id: r.id, expectedVersion: 2, reason: 'För sent' },
    caseworker,
  );
  expect(withdraw.code).toBe('INVALID_TRANSITION');
});

describe('who may take a step', () => {
  test('the wrong party is FORBIDDEN: a coach withdraws, a caseworker accepts; nothing changes', async () => {
    const r = await sent();
    const coachWithdraws = await api.fail(
      'withdrawReferral',
      { id: r.id, expectedVersion: 1, reason: 'x' },
      coach,
    );
    expect(coachWithdraws.code).toBe('FORBIDDEN');
    const caseworkerAccepts = await api.fail(
      'acceptReferral',
      { id: r.id, expectedVersion: 1 },
      caseworker,
    );
    expect(caseworkerAccepts.code).toBe('FORBIDDEN');
    const caseworkerRejects = await api.fail(
      'rejectReferral',
      { id: r.id, expectedVersion: 1, reason: 'x' },
      caseworker,
    );
    expect(caseworkerRejects.code).toBe('FORBIDDEN');
    expect(await api.state(r.id, caseworker)).toEqual({
      version: 1,
      status: 'SENT',
      events: ['REFERRAL_SENT'],
    });
  });

  test('the job centre cannot decide its own plan', async () => {
    const r = await enrolled();
    const plan = await api.ok<PlanView>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    const own = await api.fail('decideJobPlan', { planId: plan.id, decision: 'APPROVED' }, coach);
    expect(own.code).toBe('FORBIDDEN');
    expect(await api.state(r.id, coach)).toMatchObject({ version: 4, status: 'ENROLLED' });
  });

  test('an organisation that is not a party gets NOT_FOUND, and null from the query; a role without the step FORBIDDEN', async () => {
    const r = await sent();
    const otherDistrict = await api.fail(
      'withdrawReferral',
      { id: r.id, expectedVersion: 1, reason: 'x' },
      caseworkerBromma,
    );
    expect(otherDistrict.code).toBe('NOT_FOUND');
    const otherJobCentre = await api.fail(
      'acceptReferral',
      { id: r.id, expectedVersion: 1 },
      coachJarva,
    );
    expect(otherJobCentre.code).toBe('NOT_FOUND');
    // The policy table gives the step to coaches only: an analyst is refused before any lookup.
    const byAnalyst = await api.fail('acceptReferral', { id: r.id, expectedVersion: 1 }, analyst);
    expect(byAnalyst.code).toBe('FORBIDDEN');
    const unknownId = await api.fail(
      'acceptReferral',
      { id: '00000000-0000-4000-8000-000000000000', expectedVersion: 1 },
      coach,
    );
    expect(unknownId.code).toBe('NOT_FOUND');
    for (const token of [caseworkerBromma, coachJarva]) {
      expect(await api.read(r.id, token)).toBeNull();
    }
    await expect(api.read(r.id, analyst)).rejects.toThrow(/FORBIDDEN/);
    expect(await api.state(r.id, caseworker)).toMatchObject({ version: 1, status: 'SENT' });
  });

  test('without a token: UNAUTHENTICATED for mutations and referral queries', async () => {
    const r = await sent();
    const create = await api.fail('createReferral', referralInput(resident()));
    expect(create.code).toBe('UNAUTHENTICATED');
    const accept = await api.fail('acceptReferral', { id: r.id, expectedVersion: 1 });
    expect(accept.code).toBe('UNAUTHENTICATED');
    const query = await t.gql(`query ($id: ID!) { referral(id: $id) { id } }`, {
      variables: { id: r.id },
    });
    expect(firstError(query).code).toBe('UNAUTHENTICATED');
    const list = await t.gql(`{ referrals { totalCount } }`);
    expect(firstError(list).code).toBe('UNAUTHENTICATED');
    expect(await api.state(r.id, caseworker)).toMatchObject({ version: 1, status: 'SENT' });
  });

  test('only a district caseworker refers: ANALYST and JOB_CENTRE_COACH are FORBIDDEN', async () => {
    const personId = resident();
    expect((await api.fail('createReferral', referralInput(personId), analyst)).code).toBe(
      'FORBIDDEN',
    );
    expect((await api.fail('createReferral', referralInput(personId), coach)).code).toBe(
      'FORBIDDEN',
    );
    const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM referral WHERE person_id = $1',
      [personId],
    );
    expect(Number(n)).toBe(0);
  });

  test('a district refers only persons with an active case in the district', async () => {
    const other = await api.fail('createReferral', referralInput(brommaResident), caseworker);
    expect(other.code).toBe('NOT_FOUND');
    const fromBromma = await api.ok(
      'createReferral',
      referralInput(brommaResident),
      caseworkerBromma,
    );
    expect(fromBromma).toMatchObject({
      fromDistrict: { id: 'bromma' },
      toJobCentre: { id: 'jobbtorg-vasterort' }, // Bromma's default job centre
    });
  });
});

describe('which steps each status allows', () => {
  test('registerFirstVisit on SENT is INVALID_TRANSITION; nothing changes', async () => {
    const r = await sent();
    const e = await api.fail(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 1, visitedAt: hoursFromNow(-1 / 60) },
      coach,
    );
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(await api.state(r.id, coach)).toEqual({
      version: 1,
      status: 'SENT',
      events: ['REFERRAL_SENT'],
    });
  });

  test('a first visit before the referral was sent is BAD_USER_INPUT; nothing changes', async () => {
    const r = await sent();
    await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
    const e = await api.fail(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-48) },
      coach,
    );
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'visitedAt' });
    expect(e.message).toContain('before the referral was sent');
    expect(await api.state(r.id, coach)).toEqual({
      version: 2,
      status: 'ACCEPTED',
      events: ['REFERRAL_SENT', 'REFERRAL_ACCEPTED'],
    });
  });

  test('plans: none before enrolment, an extended plan only after an approved initial one, one waiting at a time', async () => {
    const r = await sent();
    await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
    const early = await api.fail(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 2,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    expect(early.code).toBe('INVALID_TRANSITION');
    await api.ok(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
      coach,
    );
    const extendedFirst = await api.fail(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'EXTENDED',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    expect(extendedFirst.code).toBe('INVALID_TRANSITION');
    await api.ok<PlanView>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    const second = await api.fail(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 4,
        kind: 'INITIAL',
        goal: 'Annat',
        activities: [activity()],
      },
      coach,
    );
    expect(second.code).toBe('INVALID_TRANSITION');
    const s = await api.state(r.id, coach);
    expect(s).toMatchObject({ version: 4, status: 'ENROLLED' });
    expect(s.events.filter((e) => e === 'PLAN_SUBMITTED')).toHaveLength(1);
  });

  test('a decided plan cannot be decided again', async () => {
    const r = await enrolled();
    const plan = await api.ok<PlanView>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    await api.ok('decideJobPlan', { planId: plan.id, decision: 'APPROVED' }, caseworker);
    const twice = await api.fail(
      'decideJobPlan',
      { planId: plan.id, decision: 'REJECTED', comment: 'Ångrar mig' },
      caseworker,
    );
    expect(twice.code).toBe('INVALID_TRANSITION');
    expect(await api.state(r.id, caseworker)).toMatchObject({ version: 5, status: 'ACTIVE' });
  });
});

describe('a stale expectedVersion is CONFLICT', () => {
  test('on accept, withdraw and a plan decision; nothing changes', async () => {
    const r = await sent();
    for (const stale of [0, 2]) {
      const e = await api.fail('acceptReferral', { id: r.id, expectedVersion: stale }, coach);
      expect(e.code).toBe('CONFLICT');
    }
    await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
    // The district saw version 1 (SENT); withdrawing is still allowed, but its view is stale.
    const withdraw = await api.fail(
      'withdrawReferral',
      { id: r.id, expectedVersion: 1, reason: 'x' },
      caseworker,
    );
    expect(withdraw.code).toBe('CONFLICT');
    expect(await api.state(r.id, caseworker)).toEqual({
      version: 2,
      status: 'ACCEPTED',
      events: ['REFERRAL_SENT', 'REFERRAL_ACCEPTED'],
    });

    await api.ok(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
      coach,
    );
    const plan = await api.ok<PlanView>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    const staleDecision = await api.fail(
      'decideJobPlan',
      { planId: plan.id, decision: 'APPROVED', expectedVersion: 3 },
      caseworker,
    );
    expect(staleDecision.code).toBe('CONFLICT');
    const read = await api.read(r.id, caseworker);
    expect(read).toMatchObject({ version: 4, status: 'ENROLLED', planValidUntil: null });
  });
});

describe('bad input is BAD_USER_INPUT with the field at fault, and changes nothing', () => {
  async function referralCount(personId: string): Promise<{ referrals: number; events: number }> {
    const [row] = await t.hub.dataSource.query<{ referrals: string; events: string }[]>(
      `SELECT (SELECT count(*) FROM referral WHERE person_id = $1) AS referrals,
              (SELECT count(*) FROM event WHERE person_id = $1) AS events`,
      [personId],
    );
    return { referrals: Number(row.referrals), events: Number(row.events) };
  }

  test.each([
    ['unknown targetGroup', { targetGroup: 'PENSIONAR' }, 'targetGroup'],
    ['unknown supportBarrier', { supportBarrier: '99' }, 'supportBarrier'],
    ['unknown toJobCentreId', { toJobCentreId: 'jobbtorg-mars' }, 'toJobCentreId'],
    ['a district as toJobCentreId', { toJobCentreId: 'bromma' }, 'toJobCentreId'],
    [
      'firstAppointmentAt in the past',
      { firstAppointmentAt: hoursFromNow(-72) },
      'firstAppointmentAt',
    ],
    ['both personId and personnummer', { personnummer: '198503150000' }, 'personId'],
  ])('createReferral with %s', async (_what, extra, field) => {
    const personId = untouched;
    const before = await referralCount(personId);
    const e = await api.fail('createReferral', referralInput(personId, extra), caseworker);
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await referralCount(personId)).toEqual(before);
    expect(before).toEqual({ referrals: 0, events: 0 });
  });

  test.each([
    [
      'an unknown interventionType',
      [activity({ interventionType: 'SKOGSPROMENAD' })],
      'activities.0.interventionType',
    ],
    [
      'endDate before startDate',
      [
        activity({
          startDate: plusDays(stockholmToday(), 10),
          endDate: plusDays(stockholmToday(), 9),
        }),
      ],
      'activities.0.endDate',
    ],
    [
      'a bad second activity',
      [activity(), activity({ interventionType: 'SKOGSPROMENAD' })],
      'activities.1.interventionType',
    ],
    ['hoursPerWeek over 40', [activity({ hoursPerWeek: 41 })], 'activities.0.hoursPerWeek'],
    ['no activity', [], 'activities'],
  ])('submitJobPlan with %s', async (_what, activities, field) => {
    const r = await enrolled(residents[0]);
    const e = await api.fail(
      'submitJobPlan',
      { referralId: r.id, expectedVersion: 3, kind: 'INITIAL', goal: 'Arbete', activities },
      coach,
    );
    expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const s = await api.state(r.id, coach);
    expect(s).toMatchObject({ version: 3, status: 'ENROLLED' });
    expect(s.events).toHaveLength(3);
    expect((await api.read(r.id, coach))!.planValidUntil).toBeNull();
  });

  test('rejecting a plan without a comment', async () => {
    const r = await enrolled(residents[0]);
    const plan = await api.ok<PlanView>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      coach,
    );
    for (const comment of [null, '', '   ']) {
      const e = await api.fail(
        'decideJobPlan',
        { planId: plan.id, decision: 'REJECTED', comment, expectedVersion: 4 },
        caseworker,
      );
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', field: 'comment' });
    }
    const s = await api.state(r.id, caseworker);
    expect(s).toMatchObject({ version: 4, status: 'ENROLLED' });
    expect(s.events).toHaveLength(4);
    const plans = await t.gql<{ referral: { plans: { status: string }[] } }>(
      `query ($id: ID!) { referral(id: $id) { plans { status } } }`,
      { token: caseworker, variables: { id: r.id } },
    );
    expect(plans.body.data!.referral.plans).toEqual([{ status: 'SUBMITTED' }]);
  });

  test('other steps name their field too', async () => {
    const r = await enrolled(residents[0]);
    const today = stockholmToday();
    const cases: [Parameters<ReferralApi['fail']>[0], Record<string, unknown>, string][] = [
      [
        'interruptReferral',
        { id: r.id, expectedVersion: 3, reason: 'SEMESTER', from: today },
        'reason',
      ],
      ['returnReferral', { id: r.id, expectedVersion: 3, reason: 'TRÖTT' }, 'reason'],
      [
        'reportDeviation',
        { referralId: r.id, expectedVersion: 3, kind: 'OKAND', date: today },
        'kind',
      ],
      [
        'registerFirstVisit',
        { id: r.id, expectedVersion: 3, visitedAt: hoursFromNow(48) },
        'visitedAt',
      ],
    ];
    for (const [name, input, field] of cases) {
      expect(await api.fail(name, input, coach)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const s = await api.state(r.id, coach);
    expect(s).toMatchObject({ version: 3, status: 'ENROLLED' });
    expect(s.events).toHaveLength(3);
  });
});

test('routing: without toJobCentreId to the district’s default job centre, otherwise to the one chosen', async () => {
  const personId = resident();
  const byDefault = await api.ok('createReferral', referralInput(personId), caseworker);
  expect(byDefault.toJobCentre.id).toBe('jobbtorg-sydvast');
  const chosen = await api.ok(
    'createReferral',
    referralInput(personId, { toJobCentreId: 'jobbtorg-jarva' }),
    caseworker,
  );
  expect(chosen.toJobCentre.id).toBe('jobbtorg-jarva');
  // The chosen job centre takes the steps; the default one does not see the referral.
  expect(await api.read(chosen.id, coach)).toBeNull();
  const accepted = await api.ok(
    'acceptReferral',
    { id: chosen.id, expectedVersion: 1 },
    coachJarva,
  );
  expect(accepted.status).toBe('ACCEPTED');
});

test('referrals(filter) lists a referral for both parties and for nobody else', async () => {
  const personId = resident();
  const first = await sent(personId);
  const second = await sent(personId);
  await api.ok('acceptReferral', { id: second.id, expectedVersion: 1 }, coach);
  const toJarva = await sent(personId, { toJobCentreId: 'jobbtorg-jarva' });

  type Page = {
    referrals: { totalCount: number; edges: { node: { id: string; status: string } }[] };
  };
  const list = async (token: string, filter: Record<string, unknown>) => {
    const res = await t.gql<Page>(
      `query ($f: ReferralFilter) { referrals(filter: $f, first: 50) { totalCount edges { node { id status } } } }`,
      { token, variables: { f: filter } },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.referrals;
  };

  // Newest first.
  const district = await list(caseworker, { personId });
  expect(district.edges.map((e) => e.node.id)).toEqual([toJarva.id, second.id, first.id]);
  expect(district.totalCount).toBe(3);
  const sydvast = await list(coach, { personId });
  expect(sydvast.edges.map((e) => e.node.id)).toEqual([second.id, first.id]);
  expect(sydvast.totalCount).toBe(2);
  const jarva = await list(coachJarva, { personId });
  expect(jarva.edges.map((e) => e.node.id)).toEqual([toJarva.id]);

  const sentOnly = await list(caseworker, { personId, status: ['SENT'] });
  expect(sentOnly.edges.map((e) => e.node.id)).toEqual([toJarva.id, first.id]);
  const accepted = await list(coach, { personId, status: ['ACCEPTED'] });
  expect(accepted.edges).toEqual([{ node: { id: second.id, status: 'ACCEPTED' } }]);
  const byJobCentre = await list(caseworker, { personId, jobCentreId: 'jobbtorg-jarva' });
  expect(byJobCentre.edges.map((e) => e.node.id)).toEqual([toJarva.id]);

  const other = await list(caseworkerBromma, { personId });
  expect(other).toEqual({ totalCount: 0, edges: [] });
  expect(await api.read(first.id, caseworkerBromma)).toBeNull();
  // Analysts see aggregates only: the referral queries are not theirs at all.
  const byAnalyst = await t.gql(`{ referrals(first: 5) { totalCount } }`, { token: analyst });
  expect(byAnalyst.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  // Filtering on another organisation does not widen what a party sees.
  const widened = await list(caseworkerBromma, { districtId: 'skarholmen' });
  expect(widened).toEqual({ totalCount: 0, edges: [] });
});
