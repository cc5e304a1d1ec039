/**
 * createReferral in few round trips (issue 16): the person's visibility, the idempotency
 * key's claim, the referral, the person link, the access-log row and the outbox event are
 * one statement — one transaction, no BEGIN/COMMIT. A person the caseworker may not see,
 * a replay, or a statement that fails writes nothing (a refused request leaves the key
 * unclaimed). A person by personnummer or with a consent is looked up first, as before.
 */
import { onPostgresServer } from '../helpers/database';
import { insertPersons, fullSkarholmenPerson } from '../helpers/person-fixture';
import { ReferralApi, referralInput, type ReferralView } from '../helpers/referral-api';
import { SqlCounter } from '../helpers/sql-counter';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let api: ReferralApi;
const sql = new SqlCounter();
let caseworker: string;
let residents: string[];
let next = 0;
const resident = () => residents[next++];

beforeAll(async () => {
  t = await startTestHub(
    // No background statements (event poll, job-guarantee check) while statements are counted.
    { EVENT_POLL_INTERVAL_MS: '60000', JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' },
    { logger: sql },
  );
  api = new ReferralApi(t);
  const persons = await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 7 }, () => fullSkarholmenPerson()),
  );
  residents = persons.map((p) => p.id);
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'hl-rt' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

/**
 * The statements of the request itself: without the sequencer's pass, the dispatcher's
 * read of the new events and the webhook workers' lease, which the event sets off and
 * which run beside the request (shared by every writer at that moment).
 */
function ofRequest(statements: string[]): string[] {
  return statements.filter(
    (q) => !/pg_current_snapshot|pg_notify|webhook_endpoint|^\s*SELECT position, id, type/.test(q),
  );
}

async function create(input: Record<string, unknown>) {
  // The bench's selection: nothing in it reads a person's data (no read to log).
  const { result, statements } = await sql.measure(() =>
    t.gql<{ createReferral: ReferralView }>(
      `mutation ($input: CreateReferralInput!) {
        createReferral(input: $input) { id status version toJobCentre { id } }
      }`,
      { token: caseworker, variables: { input } },
    ),
  );
  expect(result.body.errors).toBeUndefined();
  return {
    referral: result.body.data!.createReferral,
    requestId: result.headers.get('x-request-id'),
    statements: ofRequest(statements),
  };
}

async function rowsFor(personId: string) {
  const [row] = await t.hub.dataSource.query<Record<string, string>[]>(
    `SELECT (SELECT count(*) FROM referral WHERE person_id = $1) AS referrals,
            (SELECT count(*) FROM access_log WHERE person_id = $1 AND action = 'WRITE') AS writes,
            (SELECT count(*) FROM event WHERE person_id = $1) AS events,
            (SELECT count(*) FROM person_link WHERE person_id = $1 AND relation = 'REFERRAL') AS links`,
    [personId],
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

const onServer = onPostgresServer ? test : test.skip;

onServer(
  'on a PostgreSQL server the statement runs on the pipelined write connections',
  async () => {
    await create(referralInput(resident(), { idempotencyKey: 'rt-lanes' }));
    // Each backend's last statement: the write connections ran the createReferral statement.
    const backends = await t.hub.dataSource.query<{ app: string; query: string }[]>(
      `SELECT application_name AS app, query FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    const ranIt = backends.filter((b) => b.query.includes('INSERT INTO referral'));
    expect(ranIt.length).toBeGreaterThan(0);
    expect(new Set(ranIt.map((b) => b.app))).toEqual(new Set(['samverkan-hub-writes']));
  },
);

test('one statement: the person’s visibility, key, referral, link, access-log row and event', async () => {
  const personId = resident();
  const { referral, requestId, statements } = await create(
    referralInput(personId, { idempotencyKey: 'rt-1' }),
  );
  expect(statements).toHaveLength(1);
  expect(statements[0]).toContain('FROM person p');
  for (const table of ['idempotency_key', 'referral', 'person_link', 'access_log', 'event'])
    expect(statements[0]).toContain(`INSERT INTO ${table}`);
  expect(statements.some((q) => /^\s*(START TRANSACTION|BEGIN|COMMIT)/i.test(q))).toBe(false);

  const ds = t.hub.dataSource;
  const [key] = await ds.query<{ result_id: string; operation: string }[]>(
    `SELECT result_id, operation FROM idempotency_key WHERE scope = 'skarholmen:hl-rt' AND key = 'rt-1'`,
  );
  expect(key).toEqual({ result_id: referral.id, operation: 'createReferral' });
  const links = await ds.query<{ active: boolean; target_group: string }[]>(
    `SELECT active, target_group FROM person_link
      WHERE person_id = $1 AND organisation_id = 'jobbtorg-sydvast' AND relation = 'REFERRAL'`,
    [personId],
  );
  expect(links).toEqual([{ active: true, target_group: 'ARBETSLOS' }]);
  const log = await ds.query<Record<string, unknown>[]>(
    `SELECT request_id, actor_sub, actor_role, actor_org, resource, action, operation,
            field_groups, purpose, bases, via
       FROM access_log WHERE person_id = $1 AND action = 'WRITE'`,
    [personId],
  );
  expect(log).toEqual([
    {
      request_id: requestId,
      actor_sub: 'hl-rt',
      actor_role: 'DISTRICT_CASEWORKER',
      actor_org: 'skarholmen',
      resource: null,
      action: 'WRITE',
      operation: 'createReferral',
      field_groups: ['referral'],
      purpose: 'case-handling',
      bases: [],
      via: 'root',
    },
  ]);
  // The answer came once the event had its position: a client reads its own change.
  const events = await ds.query<Record<string, unknown>[]>(
    `SELECT type, referral_id, district_id, job_centre_id, actor_sub, actor_org, payload,
            position IS NOT NULL AS positioned
       FROM event WHERE person_id = $1`,
    [personId],
  );
  expect(events).toEqual([
    {
      type: 'REFERRAL_SENT',
      referral_id: referral.id,
      district_id: 'skarholmen',
      job_centre_id: 'jobbtorg-sydvast',
      actor_sub: 'hl-rt',
      actor_org: 'skarholmen',
      payload: { targetGroup: 'ARBETSLOS', supportBarrier: '02' },
      positioned: true,
    },
  ]);
  expect((await api.state(referral.id, caseworker)).events).toEqual(['REFERRAL_SENT']);
});

test('without a key: the same one statement, and no key row', async () => {
  const personId = resident();
  const { referral, statements } = await create(referralInput(personId));
  expect(statements).toHaveLength(1);
  expect(statements[0]).not.toContain('idempotency_key');
  expect(referral).toMatchObject({ status: 'SENT', version: 1 });
  const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
    'SELECT count(*) AS n FROM idempotency_key WHERE result_id = $1',
    [referral.id],
  );
  expect(Number(n)).toBe(0);
});

test('a replay returns the same referral and writes nothing (no access-log row, no event)', async () => {
  const personId = resident();
  const input = referralInput(personId, { idempotencyKey: 'rt-2' });
  const first = await create(input);
  const before = await rowsFor(personId);
  const again = await create(input);
  expect(again.referral).toEqual(first.referral);
  expect(await rowsFor(personId)).toEqual(before);
  // the statement whose claim found the key taken, the key's row, the earlier referral
  expect(again.statements).toHaveLength(3);
});

test('a person id in upper case is the same person and the same request', async () => {
  const personId = resident();
  const first = await create(referralInput(personId.toUpperCase(), { idempotencyKey: 'rt-upper' }));
  expect(first.statements).toHaveLength(1);
  const again = await create(referralInput(personId, { idempotencyKey: 'rt-upper' }));
  expect(again.referral.id).toBe(first.referral.id);
  expect(await rowsFor(personId)).toEqual({ referrals: 1, writes: 1, events: 1, links: 1 });
});

test('a person the caseworker may not see: NOT_FOUND, nothing written, the key unclaimed', async () => {
  const [bromma] = await insertPersons(t.hub.dataSource, [
    { homeDistrictId: 'bromma', cases: [{ districtId: 'bromma', active: true }] },
  ]);
  const res = await t.gql(
    'mutation ($input: CreateReferralInput!) { createReferral(input: $input) { id } }',
    {
      token: caseworker,
      variables: { input: referralInput(bromma.id, { idempotencyKey: 'rt-nf' }) },
    },
  );
  expect(res.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  expect(await rowsFor(bromma.id)).toEqual({ referrals: 0, writes: 0, events: 0, links: 0 });
  const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM idempotency_key WHERE key = 'rt-nf'`,
  );
  expect(Number(n)).toBe(0);
  // The key is free for a person the caseworker may see.
  const personId = resident();
  const { referral } = await create(referralInput(personId, { idempotencyKey: 'rt-nf' }));
  expect(referral.status).toBe('SENT');
});

test('by personnummer: the person is looked up first, then the one statement', async () => {
  const [person] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
  const { statements } = await create({
    ...referralInput(person.id),
    personId: undefined,
    personnummer: person.personnummer,
  });
  expect(statements).toHaveLength(2);
  expect(statements[0]).toContain('FROM person p');
  expect(statements[0]).not.toContain('INSERT');
  expect(await rowsFor(person.id)).toEqual({ referrals: 1, writes: 1, events: 1, links: 1 });
});

test('a statement that fails writes nothing and leaves the key unclaimed', async () => {
  const personId = resident();
  const ds = t.hub.dataSource;
  await ds.query(
    `CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'event refused'; END $$`,
  );
  await ds.query(
    'CREATE TRIGGER refuse_event BEFORE INSERT ON event FOR EACH ROW EXECUTE FUNCTION refuse_event()',
  );
  const input = referralInput(personId, { idempotencyKey: 'rt-3' });
  try {
    const res = await api.run('createReferral', input, caseworker);
    expect(res.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(await rowsFor(personId)).toEqual({ referrals: 0, writes: 0, events: 0, links: 0 });
    const [{ n }] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM idempotency_key WHERE key = 'rt-3'`,
    );
    expect(Number(n)).toBe(0);
  } finally {
    await ds.query('DROP TRIGGER refuse_event ON event');
    await ds.query('DROP FUNCTION refuse_event()');
  }
  const { referral } = await create(input);
  expect(referral.status).toBe('SENT');
  expect(await rowsFor(personId)).toEqual({ referrals: 1, writes: 1, events: 1, links: 1 });
});
