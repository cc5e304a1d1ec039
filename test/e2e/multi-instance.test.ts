/**
 * Several hub instances on one PostgreSQL database: an event committed through one instance
 * reaches subscribers on the others through LISTEN/NOTIFY. The poll interval is 60 s, so a
 * delivery within seconds can only have come from the notification. In one process (two Hub
 * objects) and across processes (`src/index.ts` spawned). PostgreSQL server only.
 */
import type { Client } from 'graphql-ws';
import { makeToken } from '../../scripts/token';
import { createLogger } from '../../src/observability/logger';
import { Hub } from '../../src/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  allEvents,
  ReferralDriver,
  subscribeEvents,
  waitForOpenSubscriptions,
  wsClient,
} from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET, testConfig } from '../helpers/test-hub';

afterEach(killLeftoverProcesses);

const d = process.env.DATABASE_URL ? describe : describe.skip;

/** Live delivery must be well under the 60 s poll interval. */
const DELIVERY_MS = 5000;

d('several instances on one database (PostgreSQL)', () => {
  let db: TestDatabase;
  let a: Hub;
  let b: Hub;
  let proc: ServerProcess | undefined;
  let personId: string;
  let district: string;
  let coach: string;
  const clients: Client[] = [];

  function client(url: string): Client {
    const c = wsClient(url, coach);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db, { EVENT_POLL_INTERVAL_MS: '60000' });
    a = new Hub(config, { logger: createLogger('silent') });
    await a.start();
    b = new Hub(config, { logger: createLogger('silent') });
    await b.start();
    [{ id: personId }] = await insertPersons(a.dataSource, [fullSkarholmenPerson()]);
    district = await makeToken(TEST_SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    coach = await makeToken(TEST_SECRET, { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  test('a subscriber on instance B receives an event committed through instance A', async () => {
    const onB = subscribeEvents(client(b.url), 'on B');
    const onA = subscribeEvents(client(a.url), 'on A');
    await waitForOpenSubscriptions(b.url, 1);
    await waitForOpenSubscriptions(a.url, 1);

    const viaA = new ReferralDriver(a.url, district, coach);
    const viaB = new ReferralDriver(b.url, district, coach);
    const started = Date.now();
    const r = await viaA.create(personId);
    await onB.waitForCount(1, DELIVERY_MS);
    const latency = Date.now() - started;
    expect(latency).toBeLessThan(DELIVERY_MS);

    // And the other way round, committed through B.
    await viaB.accept(r);
    await onB.waitForCount(2, DELIVERY_MS);
    await onA.waitForCount(2, DELIVERY_MS);

    const log = await allEvents(a.url, coach);
    expect(onB.items.map((e) => [e.type, e.referralId, e.cursor])).toEqual([
      ['REFERRAL_SENT', r.id, log[0].cursor],
      ['REFERRAL_ACCEPTED', r.id, log[1].cursor],
    ]);
    expect(onA.items.map((e) => e.id)).toEqual(onB.items.map((e) => e.id));
    // Both instances read the same log: the cursors of one are valid on the other.
    expect(await allEvents(b.url, coach, { after: log[0].cursor })).toEqual(log.slice(1));
  });

  test('across processes: a spawned hub receives events committed here, and the other way round', async () => {
    proc = await startServerProcess({ DATABASE_URL: db.url!, EVENT_POLL_INTERVAL_MS: '60000' });
    // It found the schema in place and applied nothing.
    expect(proc.lines.some((l) => l.includes('migrations applied'))).toBe(false);

    const before = await allEvents(a.url, coach);
    const inProcess = subscribeEvents(client(a.url), 'in this process');
    const spawned = subscribeEvents(client(proc.url), 'in the spawned process');
    await waitForOpenSubscriptions(proc.url, 1);
    await waitForOpenSubscriptions(a.url, 1);

    const viaA = new ReferralDriver(a.url, district, coach);
    const viaProc = new ReferralDriver(proc.url, district, coach);
    const r = await viaA.create(personId);
    await spawned.waitForCount(1, DELIVERY_MS);
    await viaProc.accept(r);
    await inProcess.waitForCount(2, DELIVERY_MS);
    await spawned.waitForCount(2, DELIVERY_MS);

    const log = await allEvents(a.url, coach, { after: before.at(-1)!.cursor });
    expect(log.map((e) => [e.node.type, e.node.referralId])).toEqual([
      ['REFERRAL_SENT', r.id],
      ['REFERRAL_ACCEPTED', r.id],
    ]);
    expect(spawned.items.map((e) => e.cursor)).toEqual(log.map((e) => e.cursor));
    expect(inProcess.items.map((e) => e.cursor)).toEqual(log.map((e) => e.cursor));
    for (const c of clients.splice(0)) await c.dispose();

    proc.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      proc.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 10_000))),
    ]).finally(() => clearTimeout(timer));
    expect(code).toBe(0);
    expect(proc.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  }, 45_000);
});
