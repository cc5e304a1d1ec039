/**
 * The job guarantee (jobbgarantin) on a real database: `markMissedDeadlines(ds, now)` marks
 * a referral whose plan deadline (5 working days after the first visit) has passed with no
 * initial plan submitted by then — once, with exactly one PLAN_DEADLINE_MISSED event, however
 * often and however concurrently it runs — and leaves alone the ones that met the deadline,
 * are not yet due, or had left the job centre. Referrals are made through ReferralService
 * with a fake clock; dates the service cannot set (submitted_at, a deadline long past) are
 * adjusted in SQL. The hub's own periodic check is off (interval one day).
 */
import type { DataSource } from 'typeorm';
import { Role } from '../../src/auth/roles';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { markMissedDeadlines } from '../../src/services/referrals/job-guarantee';
import { PersonDirectory } from '../../src/services/persons/person-directory';
import { ReferenceService } from '../../src/services/reference/reference-service';
import { ReferralService } from '../../src/services/referrals/referral-service';
import type { ReferralRecord } from '../../src/services/referrals/referral-store';
import { insertPersons } from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let ds: DataSource;
let service: ReferralService;
let personId: string;
let caseworkerToken: string;
/** The service's clock; each test sets it. */
let clock = new Date('2026-12-18T09:00:00Z');

const caseworker: AuthenticatedViewer = {
  kind: 'authenticated',
  sub: 'hl-jobbgaranti',
  role: Role.DISTRICT_CASEWORKER,
  orgId: 'skarholmen',
  orgKind: 'DISTRICT',
  scopes: [],
  expiresAt: 4102444800,
};
const coach: AuthenticatedViewer = {
  kind: 'authenticated',
  sub: 'coach-jobbgaranti',
  role: Role.JOB_CENTRE_COACH,
  orgId: 'jobbtorg-sydvast',
  orgKind: 'JOB_CENTRE',
  scopes: [],
  expiresAt: 4102444800,
};

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  ds = t.hub.dataSource;
  const reference = await ReferenceService.fromDatabase(ds);
  service = new ReferralService(ds, reference, new PersonDirectory(ds), () => clock);
  [{ id: personId }] = await insertPersons(ds, [
    { homeDistrictId: 'skarholmen', cases: [{ districtId: 'skarholmen', active: true }] },
  ]);
  caseworkerToken = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

beforeEach(async () => {
  // Each test counts what the checker does with its own referrals: take earlier tests'
  // open deadlines out of the checker's reach.
  await ds.query('UPDATE referral SET plan_deadline = NULL WHERE deadline_missed_at IS NULL');
});

/** Referred, accepted and first visit registered at `visitedAt` (the clock stands there). */
async function enrolledAt(visitedAt: string): Promise<ReferralRecord> {
  clock = new Date(visitedAt);
  const r = await service.createReferral(caseworker, {
    personId,
    targetGroup: 'ARBETSLOS',
    supportBarrier: '02',
    firstAppointmentAt: clock,
  });
  // created_at is the database's now(): put it where the test's clock is.
  await ds.query('UPDATE referral SET created_at = $2 WHERE id = $1', [r.id, visitedAt]);
  await service.accept(coach, { id: r.id, expectedVersion: 1 });
  return service.registerFirstVisit(coach, { id: r.id, expectedVersion: 2, visitedAt: clock });
}

async function submitInitialPlan(r: ReferralRecord, at: string, version = 3): Promise<void> {
  clock = new Date(at);
  const day = at.slice(0, 10);
  const plan = await service.submitJobPlan(coach, {
    referralId: r.id,
    expectedVersion: version,
    kind: 'INITIAL',
    goal: 'Arbete inom lager',
    activities: [
      {
        interventionType: 'KARTLAGGNING',
        provider: 'Jobbtorg Sydväst',
        startDate: day,
        endDate: day,
        hoursPerWeek: 20,
      },
    ],
  });
  // submitted_at is the database's now(): put it where the test's clock is.
  await ds.query('UPDATE job_plan SET submitted_at = $2 WHERE id = $1', [plan.id, at]);
}

interface MissedEvent {
  payload: { planDeadline?: string };
  actor_sub: string | null;
  district_id: string;
  job_centre_id: string;
  person_id: string;
}

async function missedEvents(referralId: string): Promise<MissedEvent[]> {
  return ds.query<MissedEvent[]>(
    `SELECT payload, actor_sub, district_id, job_centre_id, person_id FROM event
      WHERE referral_id = $1 AND type = 'PLAN_DEADLINE_MISSED' ORDER BY position`,
    [referralId],
  );
}

/** planDeadlineMissed and the event types as the district reads them over HTTP. */
async function viewed(id: string): Promise<{ planDeadlineMissed: boolean; events: string[] }> {
  const res = await t.gql<{
    referral: { planDeadline: string; planDeadlineMissed: boolean; events: { type: string }[] };
  }>(`query ($id: ID!) { referral(id: $id) { planDeadline planDeadlineMissed events { type } } }`, {
    token: caseworkerToken,
    variables: { id },
  });
  expect(res.body.errors).toBeUndefined();
  const r = res.body.data!.referral;
  return { planDeadlineMissed: r.planDeadlineMissed, events: r.events.map((e) => e.type) };
}

test('a first visit on Fri 18 Dec 2026 (10:00 in Stockholm) is due on Tue 29 Dec: 21, 22, 23, 28, 29', async () => {
  // 24 julafton, 25 juldagen, 26 annandag jul (a Saturday) and 27 (Sunday) are not working days.
  const r = await enrolledAt('2026-12-18T09:00:00Z');
  expect(r.status).toBe('ENROLLED');
  expect(r.planDeadline).toBe('2026-12-29');
});

test('deadline passed with no initial plan: marked once, one event, planDeadlineMissed', async () => {
  const r = await enrolledAt('2026-12-18T09:00:00Z');
  expect(r.planDeadline).toBe('2026-12-29');
  // The deadline day runs to midnight in Stockholm (23:59 on the 29th is 22:59 UTC).
  expect(await markMissedDeadlines(ds, new Date('2026-12-29T22:59:00Z'))).toBe(0);
  expect(await missedEvents(r.id)).toHaveLength(0);
  expect((await viewed(r.id)).planDeadlineMissed).toBe(false);

  // 00:00 on the 30th in Stockholm.
  expect(await markMissedDeadlines(ds, new Date('2026-12-29T23:00:00Z'))).toBe(1);
  const events = await missedEvents(r.id);
  expect(events).toEqual([
    {
      payload: { planDeadline: '2026-12-29' },
      actor_sub: null, // the system, not a user
      district_id: 'skarholmen',
      job_centre_id: 'jobbtorg-sydvast',
      person_id: personId,
    },
  ]);
  expect(await viewed(r.id)).toEqual({
    planDeadlineMissed: true,
    events: [
      'REFERRAL_SENT',
      'REFERRAL_ACCEPTED',
      'FIRST_VISIT_REGISTERED',
      'PLAN_DEADLINE_MISSED',
    ],
  });

  // Again, and three instances at once: nothing more.
  expect(await markMissedDeadlines(ds, new Date('2027-01-04T09:00:00Z'))).toBe(0);
  const concurrent = await Promise.all(
    [1, 2, 3].map(() => markMissedDeadlines(ds, new Date('2027-01-05T09:00:00Z'))),
  );
  expect(concurrent).toEqual([0, 0, 0]);
  expect(await missedEvents(r.id)).toHaveLength(1);

  // Marking changes no workflow state: the referral is still enrolled, at the same version.
  const [row] = await ds.query<{ status: string; version: number }[]>(
    'SELECT status, version FROM referral WHERE id = $1',
    [r.id],
  );
  expect(row).toEqual({ status: 'ENROLLED', version: 3 });
});

test('three checkers racing over newly missed deadlines: each referral is marked exactly once', async () => {
  const referrals = [
    await enrolledAt('2027-02-01T09:00:00Z'), // Mon → Mon 8 Feb
    await enrolledAt('2027-02-02T09:00:00Z'), // Tue → Tue 9 Feb
    await enrolledAt('2027-02-03T09:00:00Z'), // Wed → Wed 10 Feb
  ];
  expect(referrals.map((r) => r.planDeadline)).toEqual(['2027-02-08', '2027-02-09', '2027-02-10']);
  const now = new Date('2027-02-15T09:00:00Z');
  const results = await Promise.all([1, 2, 3].map(() => markMissedDeadlines(ds, now)));
  expect(results.reduce((a, b) => a + b, 0)).toBe(3);
  for (const r of referrals) {
    expect(await missedEvents(r.id)).toHaveLength(1);
    expect((await viewed(r.id)).planDeadlineMissed).toBe(true);
  }
  expect(await markMissedDeadlines(ds, now)).toBe(0);
});

test('an initial plan submitted on or before the deadline (Stockholm day) meets the guarantee; one a day late does not', async () => {
  const onTime = await enrolledAt('2027-03-01T09:00:00Z'); // Mon → Mon 8 Mar
  const lastMinute = await enrolledAt('2027-03-01T09:00:00Z');
  const late = await enrolledAt('2027-03-01T09:00:00Z');
  expect(onTime.planDeadline).toBe('2027-03-08');
  await submitInitialPlan(onTime, '2027-03-03T10:00:00Z');
  // 23:30 in Stockholm on the deadline day is 22:30 UTC: still on the deadline day.
  await submitInitialPlan(lastMinute, '2027-03-08T22:30:00Z');
  // 00:30 in Stockholm the day after.
  await submitInitialPlan(late, '2027-03-08T23:30:00Z');

  expect(await markMissedDeadlines(ds, new Date('2027-03-12T09:00:00Z'))).toBe(1);
  expect(await missedEvents(onTime.id)).toHaveLength(0);
  expect(await missedEvents(lastMinute.id)).toHaveLength(0);
  expect(await missedEvents(late.id)).toHaveLength(1);
  expect((await viewed(onTime.id)).planDeadlineMissed).toBe(false);
  expect((await viewed(lastMinute.id)).planDeadlineMissed).toBe(false);
  expect((await viewed(late.id)).planDeadlineMissed).toBe(true);
});

test('a deadline not yet passed is not marked (the deadline day itself is still in time)', async () => {
  const r = await enrolledAt('2027-04-12T09:00:00Z'); // Mon → Mon 19 Apr
  expect(r.planDeadline).toBe('2027-04-19');
  expect(await markMissedDeadlines(ds, new Date('2027-04-14T09:00:00Z'))).toBe(0);
  expect(await markMissedDeadlines(ds, new Date('2027-04-19T21:00:00Z'))).toBe(0);
  expect(await missedEvents(r.id)).toHaveLength(0);
  expect(await viewed(r.id)).toEqual({
    planDeadlineMissed: false,
    events: ['REFERRAL_SENT', 'REFERRAL_ACCEPTED', 'FIRST_VISIT_REGISTERED'],
  });
});

test('"the server was down": a deadline several days back is marked by one run, with one event', async () => {
  const r = await enrolledAt('2027-05-03T09:00:00Z');
  // The hub was down for over a week: the deadline passed nine days before this run.
  await ds.query('UPDATE referral SET plan_deadline = $2 WHERE id = $1', [r.id, '2027-05-01']);
  const now = new Date('2027-05-10T09:00:00Z');
  expect(await markMissedDeadlines(ds, now)).toBe(1);
  expect((await missedEvents(r.id)).map((e) => e.payload)).toEqual([
    { planDeadline: '2027-05-01' },
  ]);
  expect(await markMissedDeadlines(ds, now)).toBe(0);
  expect(await missedEvents(r.id)).toHaveLength(1);
});

test('referrals that left the job centre by the deadline, or never had a first visit, are not marked', async () => {
  const returned = await enrolledAt('2027-06-01T09:00:00Z'); // Tue → Tue 8 Jun
  expect(returned.planDeadline).toBe('2027-06-08');
  clock = new Date('2027-06-04T09:00:00Z');
  await service.returnReferral(coach, {
    id: returned.id,
    expectedVersion: 3,
    reason: 'SJUKSKRIVEN',
  });
  const closed = await enrolledAt('2027-06-01T09:00:00Z');
  clock = new Date('2027-06-08T15:00:00Z'); // on the deadline day
  await service.close(coach, { id: closed.id, expectedVersion: 3, reason: 'STUDIER' });
  const stillThere = await enrolledAt('2027-06-01T09:00:00Z');
  clock = new Date('2027-06-09T09:00:00Z'); // the day after: the deadline was already missed
  await service.close(coach, { id: stillThere.id, expectedVersion: 3, reason: 'STUDIER' });
  clock = new Date('2027-06-01T09:00:00Z');
  const neverVisited = await service.createReferral(caseworker, {
    personId,
    targetGroup: 'ARBETSLOS',
    supportBarrier: '02',
    firstAppointmentAt: clock,
  });

  expect(await markMissedDeadlines(ds, new Date('2027-06-20T09:00:00Z'))).toBe(1);
  expect(await missedEvents(returned.id)).toHaveLength(0);
  expect(await missedEvents(closed.id)).toHaveLength(0);
  expect(await missedEvents(neverVisited.id)).toHaveLength(0);
  expect(await missedEvents(stillThere.id)).toHaveLength(1);
});
