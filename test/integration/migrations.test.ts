/** Every migration goes up and down cleanly, and up again (both databases). */
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

let db: TestDatabase;
let ds: DataSource;

async function tables(): Promise<string[]> {
  const rows = await ds.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.table_name);
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.config);
  await ds.initialize();
});

afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

/** The hub's own tables (the sources live in their own schemas). */
const HUB_TABLES = [
  'organisation',
  'code_entry',
  'reference_data_version',
  'person',
  'person_link',
  'referral',
  'job_plan',
  'event',
  'event_sequence',
  'idempotency_key',
  'access_log',
  'consent',
];

test('up creates the schema, down removes it, up again restores it', async () => {
  const applied = await ds.runMigrations({ transaction: 'each' });
  expect(applied.map((m) => m.name)).toEqual(ds.migrations.map((m) => m.name));
  expect(await tables()).toEqual(expect.arrayContaining(HUB_TABLES));
  expect(await ds.showMigrations()).toBe(false);

  for (let i = 0; i < ds.migrations.length; i++)
    await ds.undoLastMigration({ transaction: 'each' });
  expect(await tables()).toEqual([]);
  const schemas = await ds.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name IN ('socialtjanst', 'jobbtorg', 'sfi', 'arbetsformedlingen')`,
  );
  expect(schemas[0].n).toBe('0');
  expect(await ds.showMigrations()).toBe(true);

  await ds.runMigrations({ transaction: 'each' });
  expect(await tables()).toEqual(expect.arrayContaining(HUB_TABLES));
});

test('running migrations twice applies nothing the second time', async () => {
  await ds.runMigrations();
  expect(await ds.runMigrations()).toEqual([]);
});
