/**
 * The access log: reads and changes of a person's data are recorded (who, whose, what,
 * purpose, request); only the data protection officer reads the log; if it cannot be
 * written, the request fails and nothing leaves or changes (both databases).
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  fullSkarholmenPerson,
  insertPersons,
  type InsertedPerson,
} from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let person: InsertedPerson;
let other: InsertedPerson;
let noConsent: InsertedPerson;
let caseworker: string;
let dpo: string;

interface Entry {
  actorSub: string;
  actorRole: string;
  actorOrg: string;
  personId: string;
  action: string;
  operation: string;
  fieldGroups: string[];
  purpose: string;
  requestId: string;
}

async function logFor(personId: string): Promise<Entry[]> {
  const res = await t.gql<{ accessLog: { edges: { node: Entry }[] } }>(
    'query ($p: ID) { accessLog(personId: $p) { edges { node { actorSub actorRole actorOrg personId action operation fieldGroups purpose requestId } } } }',
    { token: dpo, variables: { p: personId } },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.accessLog.edges.map((e) => e.node);
}

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  [person, other, noConsent] = await insertPersons(t.hub.dataSource, [
    fullSkarholmenPerson(),
    { homeDistrictId: 'bromma', cases: [{ districtId: 'bromma', active: true }] },
    fullSkarholmenPerson({ consents: [] }),
  ]);
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'cw-anna' });
  dpo = await t.token({ role: 'DATA_PROTECTION_OFFICER', org: 'arbetsmarknadsforvaltningen' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

test('a read records who, whose, which field groups, purpose and request', async () => {
  const res = await t.gql(
    'query Caseview($id: ID!) { person(id: $id) { givenName financialAid { status } jobCentre { status } } }',
    { token: caseworker, variables: { id: person.id }, headers: { 'x-purpose': 'follow-up' } },
  );
  expect(res.body.errors).toBeUndefined();
  const [entry] = await logFor(person.id);
  expect(entry).toEqual({
    actorSub: 'cw-anna',
    actorRole: 'DISTRICT_CASEWORKER',
    actorOrg: 'skarholmen',
    personId: person.id,
    action: 'READ',
    operation: 'Caseview',
    fieldGroups: ['financialAid', 'identity', 'jobCentre'],
    purpose: 'follow-up',
    requestId: res.headers.get('x-request-id'),
  });
});

test('a denied read (the person is not visible) leaves no entry', async () => {
  const res = await t.gql<{ person: unknown }>(
    'query ($id: ID!) { person(id: $id) { givenName } }',
    {
      token: caseworker,
      variables: { id: other.id },
    },
  );
  expect(res.body.data?.person).toBeNull();
  expect(await logFor(other.id)).toEqual([]);
});

test('a change is logged as WRITE in the same transaction', async () => {
  const res = await t.gql<{ createReferral: { id: string } }>(
    'mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
    {
      token: caseworker,
      variables: {
        i: {
          personId: person.id,
          targetGroup: 'ARBETSLOS',
          supportBarrier: '02',
          firstAppointmentAt: new Date(Date.now() + 86400000).toISOString(),
        },
      },
    },
  );
  expect(res.body.errors).toBeUndefined();
  const writes = (await logFor(person.id)).filter((e) => e.action === 'WRITE');
  expect(writes).toEqual([
    expect.objectContaining({
      operation: 'createReferral',
      fieldGroups: ['referral'],
      requestId: res.headers.get('x-request-id'),
    }),
  ]);
});

test('reads over WebSocket are logged too', async () => {
  const before = (await logFor(person.id)).length;
  const client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${caseworker}`, purpose: 'ws-check' },
  });
  await new Promise<void>((resolve, reject) =>
    client.subscribe(
      {
        query: 'query OverWs($id: ID!) { person(id: $id) { sfi { status } } }',
        variables: { id: person.id },
      },
      { next: () => undefined, error: reject, complete: resolve },
    ),
  );
  await client.dispose();
  const entries = await logFor(person.id);
  expect(entries).toHaveLength(before + 1);
  expect(entries[0]).toMatchObject({
    operation: 'OverWs',
    fieldGroups: ['identity', 'sfi'],
    purpose: 'ws-check',
  });
});

test('a denied field group is not logged as read; the allowed ones are', async () => {
  const coach = await t.token({
    role: 'JOB_CENTRE_COACH',
    org: 'jobbtorg-sydvast',
    sub: 'coach-x',
  });
  const res = await t.gql<{ person: { sfi: unknown; jobCentre: unknown } }>(
    'query Denied($id: ID!) { person(id: $id) { sfi { status } jobCentre { status } financialAid { decisions { amount } } } }',
    { token: coach, variables: { id: noConsent.id } },
  );
  expect(res.body.data!.person.sfi).toBeNull();
  expect(res.body.errors?.map((e) => e.extensions?.fieldGroup).sort()).toEqual([
    'assistanceDecisions',
    'sfi',
  ]);
  const [entry] = await logFor(noConsent.id);
  expect(entry).toMatchObject({
    actorSub: 'coach-x',
    operation: 'Denied',
    fieldGroups: ['financialAid', 'identity', 'jobCentre'],
  });
});

test('reads across authorities record their ground: the consent, the statute, the referral', async () => {
  const coach = await t.token({
    role: 'JOB_CENTRE_COACH',
    org: 'jobbtorg-sydvast',
    sub: 'coach-z',
  });
  const res = await t.gql(
    'query Grounds($id: ID!) { person(id: $id) { sfi { status } employmentService { registered } jobCentre { status } financialAid { status } } }',
    { token: coach, variables: { id: person.id } },
  );
  expect(res.body.errors).toBeUndefined();
  const [{ id: consentId }] = await t.hub.dataSource.query<{ id: string }[]>(
    'SELECT id FROM consent WHERE person_id = $1',
    [person.id],
  );
  type Row = { field_groups: string[]; bases: string[] };
  const [coachRow] = await t.hub.dataSource.query<Row[]>(
    `SELECT field_groups, bases FROM access_log WHERE actor_sub = 'coach-z' AND person_id = $1`,
    [person.id],
  );
  expect(coachRow.bases).toEqual([
    `employmentService=consent:${consentId}`,
    'financialAid=referral',
    `sfi=consent:${consentId}`,
  ]);
  // The district reads AF through SSBTEK (a statute), its own case on no extra ground.
  const cw = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'cw-bases' });
  await t.gql(
    'query ($id: ID!) { person(id: $id) { employmentService { registered } financialAid { status } } }',
    {
      token: cw,
      variables: { id: person.id },
    },
  );
  const [cwRow] = await t.hub.dataSource.query<Row[]>(
    `SELECT field_groups, bases FROM access_log WHERE actor_sub = 'cw-bases'`,
  );
  expect(cwRow.field_groups).toEqual(['employmentService', 'financialAid', 'identity']);
  expect(cwRow.bases).toEqual([
    expect.stringMatching(/^employmentService=legal-basis:SoL 11 kap\. 11 §/),
  ]);
});

test('every user reviews their own trail with myAccessLog, and only their own', async () => {
  const coach = await t.token({
    role: 'JOB_CENTRE_COACH',
    org: 'jobbtorg-sydvast',
    sub: 'coach-y',
  });
  await t.gql('query Mine($id: ID!) { person(id: $id) { givenName } }', {
    token: coach,
    variables: { id: person.id },
  });
  type Mine = {
    myAccessLog: {
      edges: {
        node: { actorSub: string; actorOrg: string; personId: string; operation: string };
      }[];
    };
  };
  const mine = await t.gql<Mine>(
    '{ myAccessLog(first: 100) { edges { node { actorSub actorOrg personId operation } } } }',
    { token: coach },
  );
  expect(mine.body.errors).toBeUndefined();
  expect(mine.body.data!.myAccessLog.edges.map((e) => e.node)).toEqual([
    { actorSub: 'coach-y', actorOrg: 'jobbtorg-sydvast', personId: person.id, operation: 'Mine' },
  ]);
  // The caseworker's own trail holds only cw-anna's entries (several by now).
  const cw = await t.gql<Mine>(
    '{ myAccessLog(first: 100) { edges { node { actorSub actorOrg } } } }',
    {
      token: caseworker,
    },
  );
  const nodes = cw.body.data!.myAccessLog.edges.map((e) => e.node);
  expect(nodes.length).toBeGreaterThan(1);
  expect(new Set(nodes.map((n) => `${n.actorSub}@${n.actorOrg}`))).toEqual(
    new Set(['cw-anna@skarholmen']),
  );
  // The same sub in another organisation is another user.
  const sameSubElsewhere = await t.token({
    role: 'DISTRICT_CASEWORKER',
    org: 'bromma',
    sub: 'cw-anna',
  });
  const elsewhere = await t.gql<Mine>('{ myAccessLog { edges { node { actorSub } } } }', {
    token: sameSubElsewhere,
  });
  expect(elsewhere.body.data!.myAccessLog.edges).toEqual([]);
  const anon = await t.gql('{ myAccessLog { edges { node { id } } } }');
  expect(anon.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('only the data protection officer reads the log; per user with actorSub', async () => {
  const denied = await t.gql('{ accessLog { edges { node { id } } } }', { token: caseworker });
  expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const perUser = await t.gql<{ accessLog: { edges: { node: { actorSub: string } }[] } }>(
    '{ accessLog(actorSub: "cw-anna") { edges { node { actorSub } } } }',
    { token: dpo },
  );
  const subs = perUser.body.data!.accessLog.edges.map((e) => e.node.actorSub);
  expect(subs.length).toBeGreaterThan(0);
  expect(new Set(subs)).toEqual(new Set(['cw-anna']));
});

test('when the log cannot be written, the read is withheld and the change is rolled back', async () => {
  const ds = t.hub.dataSource;
  await ds.query(`CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN RAISE EXCEPTION 'access log unavailable'; END $$`);
  await ds.query(
    `CREATE TRIGGER refuse BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION refuse_access_log()`,
  );
  try {
    const read = await t.gql('query ($id: ID!) { person(id: $id) { givenName personnummer } }', {
      token: caseworker,
      variables: { id: person.id },
    });
    expect(read.status).toBe(500);
    expect(read.body.data).toBeUndefined();
    expect(read.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(read.body)).not.toContain(person.personnummer);

    const [{ n: before }] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM referral');
    const write = await t.gql(
      'mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
      {
        token: caseworker,
        variables: {
          i: {
            personId: person.id,
            targetGroup: 'ARBETSLOS',
            supportBarrier: '02',
            firstAppointmentAt: new Date(Date.now() + 86400000).toISOString(),
          },
        },
      },
    );
    expect(write.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const [{ n: after }] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM referral');
    expect(after).toBe(before);
  } finally {
    await ds.query('DROP TRIGGER refuse ON access_log');
    await ds.query('DROP FUNCTION refuse_access_log()');
  }
});
