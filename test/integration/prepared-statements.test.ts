/**
 * Registered statements go to a PostgreSQL server as named statements (src/db/prepared.ts):
 * parsed once per connection, visible in the session's pg_prepared_statements; others stay
 * unnamed. On the embedded database the same calls simply run.
 */
import { randomUUID } from 'node:crypto';
import { Client, DatabaseError, type QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { prepared, preparedName, PreparingClient } from '../../src/db/prepared';
import { rowsOf } from '../../src/db/query-returning';
import { CLAIM_ENDPOINTS } from '../../src/services/webhooks/delivery-worker';
import { onPostgresServer, openTestDataSource } from '../helpers/database';

let ds: DataSource;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ ds, close } = await openTestDataSource({ migrate: true }));
}, 60000);

afterAll(() => close());

const NAMED = prepared('SELECT $1::int + 1 AS n /* prepared-statements test */');
const UNNAMED = 'SELECT $1::int + 2 AS n /* prepared-statements test */';

test('a registered text answers like any other, with its parameters, again and again', async () => {
  for (const i of [1, 2, 3, 7, 11, 40]) expect(await ds.query(NAMED, [i])).toEqual([{ n: i + 1 }]);
  expect(await ds.query(UNNAMED, [1])).toEqual([{ n: 3 }]);
  expect(preparedName(NAMED)).toMatch(/^hub_\d+$/);
  expect(preparedName(UNNAMED)).toBeUndefined();
  expect(prepared(NAMED)).toBe(NAMED); // registering again keeps the name
});

(onPostgresServer ? test : test.skip)(
  'on a PostgreSQL server it is prepared in the session, under its name; others are not',
  async () => {
    const runner = ds.createQueryRunner();
    try {
      await runner.query(NAMED, [1]);
      await runner.query(UNNAMED, [1]);
      const rows = (await runner.query(
        `SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%prepared-statements test%'`,
      )) as { name: string; statement: string }[];
      expect(rows).toEqual([{ name: preparedName(NAMED), statement: NAMED }]);
    } finally {
      await runner.release();
    }
  },
);

/**
 * The client answers `(text, values)` through a callback of its own, not pg's promise (whose
 * results V8 kept alive through young collections, see src/db/prepared.ts): the same result
 * and the same errors, and calls in pg's other forms untouched.
 */
(onPostgresServer ? describe : describe.skip)('PreparingClient on a PostgreSQL server', () => {
  let client: PreparingClient;
  const calls: unknown[][] = [];
  let spy: jest.SpyInstance;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to the client below
  const originalQuery = Client.prototype.query;
  const ask = (...a: unknown[]) => client.query(...a) as unknown as Promise<QueryResult>;

  beforeAll(async () => {
    client = new PreparingClient({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    // Records how pg's own query() is called (the hub's subclass calls it through super).
    spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
      this: Client,
      ...args: unknown[]
    ) {
      calls.push(args);
      return originalQuery.apply(this, args as never);
    });
  });

  afterAll(async () => {
    spy.mockRestore();
    await client.end();
  });

  beforeEach(() => (calls.length = 0));

  test('a text with values resolves with pg’s result, sent with a callback', async () => {
    const result = await ask('SELECT $1::int * 2 AS n', [21]);
    expect(result.rows).toEqual([{ n: 42 }]);
    expect(result.rowCount).toBe(1);
    expect(result.command).toBe('SELECT');
    expect(result.fields.map((f) => f.name)).toEqual(['n']);
    expect(calls).toHaveLength(1);
    expect(typeof calls[0][calls[0].length - 1]).toBe('function');
  });

  test('a registered text goes named, with a callback', async () => {
    const result = await ask(NAMED, [5]);
    expect(result.rows).toEqual([{ n: 6 }]);
    expect(calls[0][0]).toMatchObject({ name: preparedName(NAMED), text: NAMED, values: [5] });
    expect(typeof calls[0][calls[0].length - 1]).toBe('function');
  });

  test('a failing statement rejects with pg’s DatabaseError, and the client goes on', async () => {
    const failed = ask('SELECT 1 / $1::int AS n', [0]);
    await expect(failed).rejects.toBeInstanceOf(DatabaseError);
    await expect(failed).rejects.toMatchObject({ code: '22012' });
    const next = await ask('SELECT 1 AS n');
    expect(next.rows).toEqual([{ n: 1 }]);
  });

  test('pg’s other forms pass through as they are', async () => {
    const config = { text: 'SELECT $1::int AS n', values: [3] };
    const viaConfig = await ask(config);
    expect(viaConfig.rows).toEqual([{ n: 3 }]);
    expect(calls[0]).toEqual([config]);
    const viaCallback = await new Promise<QueryResult>((resolve, reject) => {
      client.query('SELECT 4 AS n', [], (err: Error | null, res: QueryResult) =>
        err ? reject(err) : resolve(res),
      );
    });
    expect(viaCallback.rows).toEqual([{ n: 4 }]);
  });
});

/**
 * The webhook worker's claim runs after every batch of events the dispatcher reads, whether
 * or not any endpoint exists: unnamed, the server parsed and planned it each time (most of
 * its cost). It is sent named, and its generic plan reads the event log's head by index.
 */
(onPostgresServer ? test : test.skip)(
  "the webhook worker's claim is a named statement with a usable generic plan",
  async () => {
    expect(preparedName(CLAIM_ENDPOINTS)).toMatch(/^hub_\d+$/);
    const runner = ds.createQueryRunner();
    try {
      const params = [randomUUID(), 1000, [], 16];
      expect(rowsOf(await runner.query(CLAIM_ENDPOINTS, params))).toEqual([]);
      const [row] = (await runner.query(
        `SELECT name FROM pg_prepared_statements WHERE statement = $1`,
        [CLAIM_ENDPOINTS],
      )) as { name: string }[];
      expect(row?.name).toBe(preparedName(CLAIM_ENDPOINTS));
      await runner.query('SET plan_cache_mode = force_generic_plan');
      await runner.query(`PREPARE claim_plan(text, int, uuid[], int) AS ${CLAIM_ENDPOINTS}`);
      const plan = (await runner.query(
        `EXPLAIN (COSTS OFF) EXECUTE claim_plan('${params[0] as string}', 1000, '{}', 16)`,
      )) as { 'QUERY PLAN': string }[];
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index Only Scan Backward using \w+ on event/);
      expect(text).not.toMatch(/Seq Scan on event/);
    } finally {
      // Only this test's own statement: the pool's client still holds the session's named ones.
      await runner.query('DEALLOCATE claim_plan').catch(() => undefined);
      await runner.query('RESET plan_cache_mode').catch(() => undefined);
      await runner.release();
    }
  },
);
