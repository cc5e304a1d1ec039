/**
 * The event sequencer on a real database (src/events/sequencer/): positions only below the
 * snapshot horizon, so a long-running transaction delays events committed after it but
 * never loses or reorders them; rows from a logical restore (transaction ids this server has
 * not issued yet) are positioned at once; one elected sequencer per database, and another
 * takes over when it stops. The horizon and election tests need concurrent sessions
 * (PostgreSQL server); the rest also runs on the embedded database.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { readEvents } from '../../src/events/event-store';
import type { NewEvent } from '../../src/events/event-types';
import { appendEvents, eventTransaction } from '../../src/events/outbox';
import { SEQUENCER_SESSION_OPTIONS } from '../../src/events/sequencer/election';
import { assignPositions } from '../../src/events/sequencer/pass';
import { EventSequencer } from '../../src/events/sequencer/sequencer';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, onPostgresServer, type TestDatabase } from '../helpers/database';
import { sleep, waitUntil } from '../helpers/event-subscribers';

const onServer = onPostgresServer ? test : test.skip;

let db: TestDatabase;
let ds: DataSource;
const sequencers: EventSequencer[] = [];

function sequencer(
  on: DataSource,
  options: { positionWaitMs?: number; pollIntervalMs?: number } = {},
): EventSequencer {
  const s = new EventSequencer(on, db.config, createLogger('silent'), {
    pollIntervalMs: options.pollIntervalMs ?? 60_000,
    positionWaitMs: options.positionWaitMs ?? 5000,
  });
  sequencers.push(s);
  return s;
}

function newEvent(note: string): NewEvent {
  return {
    type: 'REFERRAL_SENT',
    referralId: randomUUID(),
    personId: randomUUID(),
    districtId: 'skarholmen',
    jobCentreId: 'jobbtorg-sydvast',
    actor: null,
    payload: { note },
  };
}

/** An event row as a writer inserts it (no position), in the given session's transaction. */
async function insertEvent(q: DataSource | QueryRunner, note: string): Promise<string> {
  const id = randomUUID();
  await q.query(
    `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id, payload)
     VALUES ($1, 'REFERRAL_SENT', $2, $3, 'skarholmen', 'jobbtorg-sydvast', $4)`,
    [id, randomUUID(), randomUUID(), JSON.stringify({ note })],
  );
  return id;
}

async function positionOf(id: string): Promise<string | null> {
  const [row] = await ds.query<{ position: string | null }[]>(
    'SELECT position FROM event WHERE id = $1',
    [id],
  );
  return row.position === null ? null : String(row.position);
}

async function log(): Promise<{ id: string; position: string }[]> {
  return (await readEvents(ds, { afterPosition: '0', limit: 10_000, scope: { kind: 'all' } })).map(
    (e) => ({ id: e.id, position: e.position }),
  );
}

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.config);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
});

afterEach(async () => {
  for (const s of sequencers.splice(0)) await s.stop();
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

test('appendEvents returns the positions the sequencer gave; they run 1..n in commit order of one writer', async () => {
  const s = sequencer(ds);
  await s.start();
  expect(s.isLeader).toBe(true);
  const first = await ds.transaction((m) => appendEvents(m, [newEvent('a'), newEvent('b')]));
  const second = await eventTransaction(ds, (m) => appendEvents(m, [newEvent('c')]));
  expect([...first, ...second].map((e) => e.position)).toEqual(['1', '2', '3']);
  expect(await log()).toEqual(
    [...first, ...second].map((e) => ({ id: e.id, position: e.position })),
  );
  const [{ last }] = await ds.query<{ last: string }[]>(
    'SELECT last_position AS last FROM event_sequence WHERE id = 1',
  );
  expect(String(last)).toBe('3');
});

test('a rolled-back savepoint takes its events with it, and the transaction still resolves with the rest positioned', async () => {
  const s = sequencer(ds);
  await s.start();
  const kept = await ds.transaction(async (m) => {
    const outer = await appendEvents(m, [newEvent('kept')]);
    await m
      .transaction(async (inner) => {
        await appendEvents(inner, [newEvent('undone')]);
        throw new Error('roll the savepoint back');
      })
      .catch(() => undefined);
    return outer;
  });
  expect(kept.map((e) => e.position)).toEqual(['1']);
  expect((await log()).map((e) => e.id)).toEqual([kept[0].id]);
});

test('rows from a logical restore (transaction ids not issued here yet) are positioned at once, after what is in the log', async () => {
  const s = sequencer(ds);
  await s.start();
  const before = await ds.transaction((m) => appendEvents(m, [newEvent('native')]));
  // A restored row: committed elsewhere, its old transaction id far above this server's counter.
  const restored = randomUUID();
  await ds.query(
    `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id, tx_id)
     VALUES ($1, 'REFERRAL_SENT', $2, $3, 'skarholmen', 'jobbtorg-sydvast', 4000000000000)`,
    [restored, randomUUID(), randomUUID()],
  );
  s.wake();
  await waitUntil(
    async () => (await positionOf(restored)) !== null,
    () => 'the restored row got no position',
    5000,
  );
  expect(await log()).toEqual([
    { id: before[0].id, position: '1' },
    { id: restored, position: '2' },
  ]);
});

onServer(
  'a long-running transaction delays the events committed after it, never loses or reorders them',
  async () => {
    const s = sequencer(ds, { pollIntervalMs: 20, positionWaitMs: 300 });
    await s.start();
    // A reader following the log the way subscriptions and webhooks do.
    const seen: { id: string; position: string }[] = [];
    let following = true;
    const reader = (async () => {
      let after = '0';
      while (following) {
        const page = await readEvents(ds, {
          afterPosition: after,
          limit: 100,
          scope: { kind: 'all' },
        });
        for (const e of page) {
          seen.push({ id: e.id, position: e.position });
          after = e.position;
        }
        await sleep(5);
      }
    })();

    const early = await ds.transaction((m) => appendEvents(m, [newEvent('before')]));
    // The long transaction takes its transaction id (its first write) and stays open.
    const long = ds.createQueryRunner();
    await long.connect();
    await long.startTransaction();
    const held = await insertEvent(long, 'long');
    // Later writers: later transaction ids, committed while the long one is open.
    const later = await insertEvent(ds, 'later, plain insert');
    const started = Date.now();
    const viaMutation = await eventTransaction(ds, (m) => appendEvents(m, [newEvent('mutation')]));
    // The mutation waited positionWaitMs, then answered anyway; its event is committed.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(viaMutation[0].position).toBe('');
    expect(s.latePositionWaits).toBe(1);
    await sleep(200); // many polls and retries of the sequencer
    expect(await positionOf(later)).toBeNull();
    expect(await positionOf(viaMutation[0].id)).toBeNull();
    expect(seen.map((e) => e.id)).toEqual([early[0].id]);
    const [lag] = await ds.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM event WHERE position IS NULL',
    );
    expect(Number(lag.n)).toBe(2); // the long transaction's own row is not visible yet

    await long.commitTransaction();
    await long.release();
    await waitUntil(
      async () => (await positionOf(viaMutation[0].id)) !== null,
      () => 'the events held back got no position after the long transaction ended',
      5000,
    );
    // Transaction-id order: the long transaction's event (committed last) comes first.
    const expected = [early[0].id, held, later, viaMutation[0].id];
    expect(await log()).toEqual(expected.map((id, i) => ({ id, position: String(i + 1) })));
    await waitUntil(
      () => seen.length === 4,
      () => `the reader saw ${seen.length} events`,
    );
    following = false;
    await reader;
    // What the reader saw is the log: nothing skipped, nothing twice, in order.
    expect(seen).toEqual(await log());
  },
);

onServer(
  'one sequencer per database: a second waits, and takes over when the first stops',
  async () => {
    const other = createDataSource(db.config);
    await other.initialize();
    try {
      const first = sequencer(ds);
      await first.start();
      const second = sequencer(other);
      await second.start();
      expect([first.isLeader, second.isLeader]).toEqual([true, false]);

      // Written through the instance that is not elected: the elected one positions it.
      const e1 = await eventTransaction(other, (m) => appendEvents(m, [newEvent('via second')]));
      expect(e1[0].position).toBe('1');
      // The writer may read its position before the sequencer's statement has returned
      // to it and counted it, so wait for the count rather than race it.
      await waitUntil(
        () => first.positionsAssigned === 1,
        () => `the first sequencer counted ${first.positionsAssigned} positions`,
        5000,
      );

      await first.stop();
      await waitUntil(
        () => second.isLeader,
        () => 'the second sequencer did not take over',
        5000,
      );
      const e2 = await eventTransaction(other, (m) => appendEvents(m, [newEvent('after')]));
      expect(e2[0].position).toBe('2');
      await waitUntil(
        () => second.positionsAssigned === 1,
        () => `the second sequencer counted ${second.positionsAssigned} positions`,
        5000,
      );
      expect(first.positionsAssigned).toBe(1); // the stopped one numbered nothing more
    } finally {
      for (const s of sequencers.splice(0)) await s.stop();
      await other.destroy();
    }
  },
);

/** Every node of an EXPLAIN (FORMAT JSON) plan, the node itself first. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

onServer(
  "the pass's plan, made while the event table was small, reads the waiting rows by index after the table has grown",
  async () => {
    // The pass's own text, as the sequencer sends it.
    let passSql = '';
    await assignPositions(<T>(sql: string) => {
      passSql = sql;
      return Promise.resolve([{ assigned: [], waiting: 0 }] as T[]);
    });
    const session = new Client({ connectionString: db.url, options: SEQUENCER_SESSION_OPTIONS });
    await session.connect();
    try {
      const history = (from: number, to: number) =>
        ds.query(
          `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id, position)
           SELECT gen_random_uuid(), 'REFERRAL_SENT', gen_random_uuid(), gen_random_uuid(),
                  'skarholmen', 'jobbtorg-sydvast', g FROM generate_series($1::int, $2::int) g`,
          [from, to],
        );
      // The generic plan a named statement keeps, made now, while the log is a few dozen
      // events and the statistics say it is empty (as after a seed's ANALYZE, when a new
      // database's sixth pass makes it); nothing but another ANALYZE or DDL replaces it.
      await ds.query('ANALYZE event');
      await history(1, 40);
      await session.query('SET plan_cache_mode = force_generic_plan');
      await session.query(`PREPARE pass AS ${passSql}`);
      await session.query('EXECUTE pass(5000)');
      // The log grows: 5,000 positioned events and three still waiting.
      await history(41, 5000);
      for (const note of ['a', 'b', 'c']) await insertEvent(ds, note);
      const { rows } = await session.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        'EXPLAIN (FORMAT JSON) EXECUTE pass(5000)',
      );
      const scans = planNodes(rows[0]['QUERY PLAN'][0].Plan)
        .filter((n) => n['Relation Name'] === 'event' && n['Node Type'].endsWith('Scan'))
        .map((n) => n['Node Type']);
      // Only index reads: no scan of the whole table, no bitmap over the dead entries.
      expect(scans.length).toBeGreaterThan(0);
      expect(scans.filter((t) => !/^Index (Only )?Scan$/.test(t))).toEqual([]);
    } finally {
      await session.end();
    }
  },
);
