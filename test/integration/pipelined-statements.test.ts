/**
 * Pipelined single statements (src/db/pipelined-statements.ts) against a real PostgreSQL
 * server: where a turn's reads go (one lane, one write; an idle lane for a turn while another
 * is in flight; the least busy when none is idle), that a failing statement or a lost
 * connection fails only what it must (a write too: each is its own transaction), named
 * statements, and shutdown. The embedded database has no such reads (one session), so this runs on a server.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { Client } from 'pg';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { pgTypes } from '../../src/db/data-source';
import { PipelinedStatements } from '../../src/db/pipelined-statements';
import { prepared } from '../../src/db/prepared';
import { createTestDatabase, onPostgresServer, type TestDatabase } from '../helpers/database';
import { countBackends, until } from '../helpers/pg-activity';
import { SqlCounter } from '../helpers/sql-counter';

const onServer = onPostgresServer ? test : test.skip;

let db: TestDatabase | undefined;
let admin: Client | undefined;
const open: PipelinedStatements[] = [];

beforeAll(async () => {
  if (!onPostgresServer) return;
  db = await createTestDatabase();
  admin = new Client({ connectionString: db.url });
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

function reads(lanes: number, logger?: TypeOrmLogger): { reads: PipelinedStatements; app: string } {
  const app = `pipelined-test-${randomBytes(4).toString('hex')}`;
  const r = new PipelinedStatements({
    client: { connectionString: db?.url, types: pgTypes, application_name: app },
    lanes,
    logger: () => logger,
  });
  open.push(r);
  return { reads: r, app };
}

const pidOf = (r: PipelinedStatements) =>
  r.query<{ pid: number }>('SELECT pg_backend_pid() AS pid', []).then(([row]) => row.pid);

/** Waits until the turn in which the caller issued its reads has ended (they are sent). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Counts the writes to the database server's port made while `fn` runs. */
async function countWrites<T>(fn: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const port = Number(new URL(db?.url ?? '').port || 5432);
  const write = jest.spyOn(Socket.prototype, '_write' as never);
  const writev = jest.spyOn(Socket.prototype, '_writev' as never);
  const toServer = (contexts: unknown[]) =>
    contexts.filter((s) => (s as Socket).remotePort === port).length;
  try {
    const result = await fn();
    return { result, writes: toServer(write.mock.contexts) + toServer(writev.mock.contexts) };
  } finally {
    write.mockRestore();
    writev.mockRestore();
  }
}

/**
 * Opens `n` lanes and returns their backends: one read per turn, each held in flight (by a
 * short sleep) until the last is issued, so every turn finds the lanes before it busy.
 */
async function openLanes(r: PipelinedStatements, n: number): Promise<number[]> {
  const held: Promise<number>[] = [];
  for (let i = 0; i < n; i += 1) {
    held.push(
      r
        .query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)::text AS slept', [])
        .then(([row]) => row.pid),
    );
    await nextTurn();
  }
  return Promise.all(held);
}

onServer(
  'a turn’s reads share one lane and leave in one write, also while lanes are idle',
  async () => {
    const { reads: r } = reads(4);
    const first = await pidOf(r); // the lane is connected before the writes are counted
    const { result: pids, writes } = await countWrites(async () => {
      const turn = [pidOf(r), pidOf(r), pidOf(r), pidOf(r)];
      await nextTurn();
      return Promise.all(turn);
    });
    expect(new Set(pids)).toEqual(new Set([first]));
    expect(writes).toBe(1);
  },
);

onServer('a turn while earlier turns’ reads are in flight takes an idle lane', async () => {
  const { reads: r } = reads(4);
  const pids = await openLanes(r, 3);
  expect(new Set(pids).size).toBe(3);
});

onServer(
  'when every lane is busy, a turn’s reads join the least busy lane in one write',
  async () => {
    const { reads: r } = reads(2);
    const lanes = await openLanes(r, 2);
    expect(new Set(lanes).size).toBe(2);
    const sleepingPid = (seconds: number) =>
      r
        .query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep($1)::text AS slept', [
          seconds,
        ])
        .then(([row]) => row.pid);
    // One read in flight on one lane, two on the other.
    const lessBusy = sleepingPid(0.3);
    await nextTurn();
    const busier = [sleepingPid(0.3), sleepingPid(0.3)];
    await nextTurn();
    const { result: pids, writes } = await countWrites(async () => {
      const turn = [pidOf(r), pidOf(r), pidOf(r), pidOf(r)];
      await nextTurn();
      return Promise.all(turn);
    });
    const [lessBusyPid, busierPids] = await Promise.all([lessBusy, Promise.all(busier)]);
    expect(new Set(busierPids).size).toBe(1);
    expect(busierPids[0]).not.toBe(lessBusyPid);
    expect(new Set(pids)).toEqual(new Set([lessBusyPid]));
    expect(writes).toBe(1);
  },
);

onServer('a failing statement fails alone; the reads around it on its lane answer', async () => {
  const { reads: r } = reads(1);
  const results = await Promise.allSettled([
    r.query<{ n: number }>('SELECT 1 AS n', []),
    r.query('SELECT 1 / $1::int AS n', [0]),
    r.query<{ n: number }>('SELECT $1::int AS n', [3]),
  ]);
  expect(results[0]).toEqual({ status: 'fulfilled', value: [{ n: 1 }] });
  expect(results[1].status).toBe('rejected');
  expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22012' });
  expect(results[2]).toEqual({ status: 'fulfilled', value: [{ n: 3 }] });
});

onServer(
  'writes of one turn leave in one write, each its own transaction: a failing one rolls back alone',
  async () => {
    const table = `pipelined_writes_${randomBytes(4).toString('hex')}`;
    await admin?.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text)`);
    const { reads: w } = reads(1);
    await pidOf(w); // the lane is connected before the writes are counted
    const insert = (id: number, note: string) =>
      w.query<{ id: number }>(`INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`, [
        id,
        note,
      ]);
    const { result, writes } = await countWrites(async () => {
      const turn = Promise.allSettled([
        insert(1, 'first'),
        insert(1, 'duplicate'),
        insert(2, 'after the failure'),
      ]);
      await nextTurn();
      return turn;
    });
    expect(writes).toBe(1);
    expect(result[0]).toEqual({ status: 'fulfilled', value: [{ id: 1 }] });
    expect(result[1].status).toBe('rejected');
    expect((result[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(result[2]).toEqual({ status: 'fulfilled', value: [{ id: 2 }] });
    // Committed: another session sees both rows, and nothing of the failed one.
    const { rows } = await admin!.query(`SELECT id, note FROM ${table} ORDER BY id`);
    expect(rows).toEqual([
      { id: 1, note: 'first' },
      { id: 2, note: 'after the failure' },
    ]);
    await admin?.query(`DROP TABLE ${table}`);
  },
);

onServer('a lost connection fails the reads on it; the next read opens a new one', async () => {
  const { reads: r } = reads(1);
  const before = await pidOf(r);
  // Expected to fail from the start: it may reject before the terminate's own answer arrives.
  const sleeping = expect(r.query('SELECT pg_sleep(10)', [])).rejects.toThrow();
  await nextTurn();
  await admin?.query('SELECT pg_terminate_backend($1)', [before]);
  await sleeping;
  const after = await pidOf(r);
  expect(after).not.toBe(before);
});

onServer(
  'registered texts go out named, also while their first Parse is still in flight',
  async () => {
    const { reads: r } = reads(1);
    const sql = prepared('SELECT $1::int * 2 AS twice /* pipelined-statements test */');
    const answers = await Promise.all(
      Array.from({ length: 7 }, (_, i) => r.query<{ twice: number }>(sql, [i])),
    );
    expect(answers.map(([row]) => row.twice)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    const statements = await r.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements',
      [],
    );
    expect(statements.map((s) => s.statement)).toContain(sql);
  },
);

onServer('every read is told to the logger, as TypeORM tells its own', async () => {
  const counter = new SqlCounter();
  const { reads: r } = reads(2, counter);
  const { statements } = await counter.measure(() =>
    Promise.all([r.query('SELECT 1', []), r.query('SELECT 2', [])]),
  );
  expect(statements).toEqual(['SELECT 1', 'SELECT 2']);
});

onServer('close ends every connection it opened, and later reads are refused', async () => {
  const { reads: r, app } = reads(3);
  await openLanes(r, 3);
  const count = () => countBackends(admin!, 'application_name = $1', [app]);
  expect(await count()).toBe(3);
  await r.close();
  await until(async () => (await count()) === 0);
  expect(await count()).toBe(0);
  await expect(pidOf(r)).rejects.toThrow('closed');
});
