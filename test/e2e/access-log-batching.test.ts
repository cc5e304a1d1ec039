/**
 * HTTP requests that finish together share the access log's INSERT
 * (src/security/access-log-plugin.ts): under concurrent load on a PostgreSQL server there
 * are fewer statements than requests, and on either database each request's rows carry
 * its own request id, actor and operation and the persons it was answered with.
 */
import { Client } from 'pg';
import { countBackends, until } from '../helpers/pg-activity';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { SqlCounter } from '../helpers/sql-counter';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
const sql = new SqlCounter();
let tokens: { token: string; sub: string }[];

beforeAll(async () => {
  t = await startTestHub(
    { EVENT_POLL_INTERVAL_MS: '60000', JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' },
    { logger: sql },
  );
  await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 6 }, () => fullSkarholmenPerson()),
  );
  tokens = await Promise.all(
    [
      { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'coach-1' },
      { role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'caseworker-1' },
      { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'coach-2' },
    ].map(async (claims) => ({ token: await t.token(claims), sub: claims.sub })),
  );
}, 60000);

afterAll(async () => {
  await t.stop();
});

interface LogRow {
  request_id: string;
  actor_sub: string;
  person_id: string;
  operation: string;
}

/**
 * On a server: holds a lock that makes the access log's INSERTs wait, until both of the
 * writer's statement slots wait on it (then a little longer, for the other requests' rows to
 * arrive), so that "rows that arrive while every slot is busy share the next statement" is
 * what the test sees however fast or loaded the machine is.
 */
async function holdInsertsUntilSlotsBusy(): Promise<() => Promise<void>> {
  const blocker = new Client({ connectionString: t.db.url });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE access_log IN SHARE MODE');
  return async () => {
    const waiting = () =>
      countBackends(blocker, "wait_event_type = 'Lock' AND query LIKE 'INSERT INTO access_log%'");
    await until(async () => (await waiting()) >= 2, { timeoutMs: 5000, everyMs: 10 });
    await new Promise((r) => setTimeout(r, 300));
    await blocker.query('COMMIT');
    await blocker.end();
  };
}

test('concurrent requests share INSERTs, and every row is its own request’s', async () => {
  const requests = 24;
  const release = process.env.DATABASE_URL ? await holdInsertsUntilSlotsBusy() : undefined;
  const measured = sql.measure(() =>
    Promise.all(
      Array.from({ length: requests }, (_, i) => {
        const who = tokens[i % tokens.length];
        return t
          .gql<{ persons: { edges: { node: { id: string } }[] } }>(
            `query Page${i} { persons(first: 10) { edges { node { id givenName } } } }`,
            { token: who.token },
          )
          .then((r) => ({ ...r, who, operation: `Page${i}` }));
      }),
    ),
  );
  await release?.();
  const { result: answers, statements } = await measured;
  const inserts = statements.filter((s) => s.includes('INSERT INTO access_log'));
  expect(inserts.length).toBeGreaterThan(0);
  // On a PostgreSQL server the requests run side by side and finish while both slots are
  // busy; the embedded database is one session, which takes them one after another.
  if (process.env.DATABASE_URL) expect(inserts.length).toBeLessThan(requests);
  else expect(inserts.length).toBeLessThanOrEqual(requests);

  const rows = await t.hub.dataSource.query<LogRow[]>(
    `SELECT request_id, actor_sub, person_id, operation FROM access_log WHERE operation LIKE 'Page%'`,
  );
  for (const a of answers) {
    expect(a.status).toBe(200);
    const requestId = a.headers.get('x-request-id')!;
    const mine = rows.filter((r) => r.request_id === requestId);
    const shown = a.body.data!.persons.edges.map((e) => e.node.id).sort();
    expect(shown.length).toBeGreaterThan(0);
    expect(mine.map((r) => r.person_id).sort()).toEqual(shown);
    for (const r of mine) {
      expect(r.actor_sub).toBe(a.who.sub);
      expect(r.operation).toBe(a.operation);
    }
  }
  expect(rows).toHaveLength(answers.reduce((n, a) => n + a.body.data!.persons.edges.length, 0));
});
