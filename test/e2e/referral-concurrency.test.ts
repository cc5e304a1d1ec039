/**
 * Concurrency over HTTP (API.md "Mutations"): two steps fired at once with the same
 * expectedVersion — exactly one wins, the other is CONFLICT (stale) or INVALID_TRANSITION
 * (it read the new state), and the stored state and events are the winner's alone; and
 * idempotency keys on createReferral, including concurrent retries (both databases).
 */
import { insertPersons, fullSkarholmenPerson } from '../helpers/person-fixture';
import {
  ReferralApi,
  firstError,
  hoursFromNow,
  referralInput,
  ResidentPool,
  stockholmToday,
  type ReferralView,
} from '../helpers/referral-api';
import { startTestHub, type GraphQLResponse, type TestHub } from '../helpers/test-hub';

const ROUNDS = 10;

let t: TestHub;
let api: ReferralApi;
let caseworker: string;
let coach: string;
let residents: string[];

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  api = new ReferralApi(t);
  const persons = await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 12 }, () => fullSkarholmenPerson()),
  );
  residents = persons.map((p) => p.id);
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'hl-7' });
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'coach-7' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

const pool = new ResidentPool(() => residents);
const resident = (): string => pool.take();

async function countFor(personId: string): Promise<{ referrals: number; sent: number }> {
  const [row] = await t.hub.dataSource.query<{ referrals: string; sent: string }[]>(
    `SELECT (SELECT count(*) FROM referral WHERE person_id = $1) AS referrals,
            (SELECT count(*) FROM event WHERE person_id = $1 AND type = 'REFERRAL_SENT') AS sent`,
    [personId],
  );
  return { referrals: Number(row.referrals), sent: Number(row.sent) };
}

type Contender = {
  name: string;
  status: string;
  event: string;
  res: GraphQLResponse<Record<string, unknown>>;
};

/** Exactly one contender succeeded; returns it and the loser's error code. */
function judge(contenders: Contender[]): { winner: Contender; loserCode: string | undefined } {
  const winners = contenders.filter((c) => !c.res.body.errors?.length);
  const losers = contenders.filter((c) => c.res.body.errors?.length);
  expect(winners).toHaveLength(1);
  expect(losers).toHaveLength(1);
  const loserCode = firstError(losers[0].res).code;
  expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(loserCode);
  return { winner: winners[0], loserCode };
}

test(`accept and reject fired together with the same expectedVersion: exactly one wins (${ROUNDS} rounds)`, async () => {
  const personId = resident();
  const wins: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const r = await api.ok('createReferral', referralInput(personId), caseworker);
    const [accept, reject] = await Promise.all([
      api.run('acceptReferral', { id: r.id, expectedVersion: 1, coachId: 'coach-7' }, coach),
      api.run(
        'rejectReferral',
        { id: r.id, expectedVersion: 1, reason: 'Inte i målgruppen' },
        coach,
      ),
    ]);
    const { winner } = judge([
      { name: 'acceptReferral', status: 'ACCEPTED', event: 'REFERRAL_ACCEPTED', res: accept },
      { name: 'rejectReferral', status: 'REJECTED', event: 'REFERRAL_REJECTED', res: reject },
    ]);
    wins[winner.status] = (wins[winner.status] ?? 0) + 1;
    const returned = winner.res.body.data![winner.name] as ReferralView;
    expect(returned).toMatchObject({ id: r.id, status: winner.status, version: 2 });
    // The stored state is the winner's, with exactly one event of its type and none of the loser's.
    expect(await api.state(r.id, caseworker)).toEqual({
      version: 2,
      status: winner.status,
      events: ['REFERRAL_SENT', winner.event],
    });
    const [row] = await t.hub.dataSource.query<
      { coach_id: string | null; rejection_reason: string | null }[]
    >('SELECT coach_id, rejection_reason FROM referral WHERE id = $1', [r.id]);
    // No field of the loser leaked into the row.
    expect(row).toEqual(
      winner.status === 'ACCEPTED'
        ? { coach_id: 'coach-7', rejection_reason: null }
        : { coach_id: null, rejection_reason: 'Inte i målgruppen' },
    );
  }
  expect(Object.values(wins).reduce((a, b) => a + b, 0)).toBe(ROUNDS);
});

test(`withdraw (district) and accept (job centre) at once: a stale withdraw after an accept is CONFLICT (${ROUNDS} rounds)`, async () => {
  const personId = resident();
  for (let round = 0; round < ROUNDS; round++) {
    const r = await api.ok('createReferral', referralInput(personId), caseworker);
    const [withdraw, accept] = await Promise.all([
      api.run(
        'withdrawReferral',
        { id: r.id, expectedVersion: 1, reason: 'Fick arbete' },
        caseworker,
      ),
      api.run('acceptReferral', { id: r.id, expectedVersion: 1 }, coach),
    ]);
    const { winner, loserCode } = judge([
      { name: 'withdrawReferral', status: 'WITHDRAWN', event: 'REFERRAL_WITHDRAWN', res: withdraw },
      { name: 'acceptReferral', status: 'ACCEPTED', event: 'REFERRAL_ACCEPTED', res: accept },
    ]);
    if (winner.status === 'ACCEPTED') {
      // Withdrawing is allowed from ACCEPTED too: only the compare-and-set on the version can
      // stop the district's withdraw, which was based on the SENT referral it saw.
      expect(loserCode).toBe('CONFLICT');
    }
    expect(await api.state(r.id, coach)).toEqual({
      version: 2,
      status: winner.status,
      events: ['REFERRAL_SENT', winner.event],
    });
  }
});

test('two deviations reported on the same version: one is stored, the other is CONFLICT (5 rounds)', async () => {
  const personId = resident();
  const today = stockholmToday();
  for (let round = 0; round < 5; round++) {
    const r = await api.ok('createReferral', referralInput(personId), caseworker);
    await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, coach);
    await api.ok(
      'registerFirstVisit',
      { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
      coach,
    );
    const [a, b] = await Promise.all(
      ['FRANVARO_OGILTIG', 'SEN_ANKOMST'].map((kind) =>
        api.run(
          'reportDeviation',
          { referralId: r.id, expectedVersion: 3, kind, date: today },
          coach,
        ),
      ),
    );
    // Both are allowed in ENROLLED and keep the status: the version alone decides.
    const { loserCode } = judge([
      { name: 'reportDeviation', status: 'ENROLLED', event: 'DEVIATION_REPORTED', res: a },
      { name: 'reportDeviation', status: 'ENROLLED', event: 'DEVIATION_REPORTED', res: b },
    ]);
    expect(loserCode).toBe('CONFLICT');
    const s = await api.state(r.id, coach);
    expect(s.version).toBe(4);
    expect(s.events.filter((e) => e === 'DEVIATION_REPORTED')).toHaveLength(1);
    const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM deviation WHERE referral_id = $1',
      [r.id],
    );
    expect(Number(n)).toBe(1);
  }
});

describe('idempotencyKey on createReferral', () => {
  test('the same key and input return the same referral; only one is created and sent', async () => {
    const personId = resident();
    const input = referralInput(personId, { idempotencyKey: 'remiss-a-1' });
    const first = await api.ok('createReferral', input, caseworker);
    const again = await api.ok('createReferral', input, caseworker);
    expect(again.id).toBe(first.id);
    expect(again).toMatchObject({ status: 'SENT', version: 1 });
    expect(await countFor(personId)).toEqual({ referrals: 1, sent: 1 });
    expect((await api.state(first.id, caseworker)).events).toEqual(['REFERRAL_SENT']);
  });

  test('the same key with other input is CONFLICT and creates nothing', async () => {
    const personId = resident();
    const first = await api.ok(
      'createReferral',
      referralInput(personId, { idempotencyKey: 'remiss-b-1' }),
      caseworker,
    );
    for (const other of [
      { note: 'Annan anteckning' },
      { supportBarrier: '01' },
      { firstAppointmentAt: '2099-01-16T09:00:00.000Z' },
    ]) {
      const e = await api.fail(
        'createReferral',
        referralInput(personId, { idempotencyKey: 'remiss-b-1', ...other }),
        caseworker,
      );
      expect(e.code).toBe('CONFLICT');
    }
    expect(await countFor(personId)).toEqual({ referrals: 1, sent: 1 });
    expect((await api.state(first.id, caseworker)).version).toBe(1);
  });

  test('a request refused for bad input does not use up the key', async () => {
    const personId = resident();
    const bad = await api.fail(
      'createReferral',
      referralInput(personId, { idempotencyKey: 'remiss-c-1', targetGroup: 'OKAND' }),
      caseworker,
    );
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetGroup' });
    const good = await api.ok(
      'createReferral',
      referralInput(personId, { idempotencyKey: 'remiss-c-1' }),
      caseworker,
    );
    expect(good.status).toBe('SENT');
    expect(await countFor(personId)).toEqual({ referrals: 1, sent: 1 });
  });

  test('10 concurrent retries with the same key and input: one referral, one event, the same id for all', async () => {
    const personId = resident();
    const input = referralInput(personId, { idempotencyKey: 'remiss-d-1' });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api.run('createReferral', input, caseworker)),
    );
    for (const res of responses) expect(res.body.errors).toBeUndefined();
    const ids = new Set(responses.map((res) => (res.body.data!.createReferral as ReferralView).id));
    expect(ids.size).toBe(1);
    expect(await countFor(personId)).toEqual({ referrals: 1, sent: 1 });
    const listed = await t.gql<{
      referrals: { totalCount: number; edges: { node: { id: string } }[] };
    }>(
      `query ($f: ReferralFilter) { referrals(filter: $f) { totalCount edges { node { id } } } }`,
      { token: caseworker, variables: { f: { personId } } },
    );
    expect(listed.body.data!.referrals).toEqual({
      totalCount: 1,
      edges: [{ node: { id: [...ids][0] } }],
    });
  });

  test('10 concurrent requests with the same key and different input: exactly one creates, the rest are CONFLICT', async () => {
    const personId = resident();
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.run(
          'createReferral',
          referralInput(personId, { idempotencyKey: 'remiss-e-1', note: `Försök ${i}` }),
          caseworker,
        ),
      ),
    );
    const created = responses.filter((res) => !res.body.errors?.length);
    expect(created).toHaveLength(1);
    for (const res of responses.filter((r) => r.body.errors?.length)) {
      expect(firstError(res).code).toBe('CONFLICT');
    }
    expect(await countFor(personId)).toEqual({ referrals: 1, sent: 1 });
  });
});
