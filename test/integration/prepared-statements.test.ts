/**
 * Registered statements go to a PostgreSQL server as named statements (src/db/prepared.ts):
 * parsed once per connection, visible in the session's pg_prepared_statements; others stay
 * unnamed. On the embedded database the same calls simply run.
 */
import type { DataSource } from 'typeorm';
import { prepared, preparedName } from '../../src/db/prepared';
import { onPostgresServer, openTestDataSource } from '../helpers/database';

let ds: DataSource;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ ds, close } = await openTestDataSource());
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
