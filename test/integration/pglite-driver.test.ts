/**
 * The embedded driver must behave like a pg pool: transactions isolated from concurrent
 * work, affected-row counts, and pg's value parsing. (Embedded database only.)
 */
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';

let ds: DataSource;

beforeAll(async () => {
  ds = createDataSource({ kind: 'pglite', dataDir: undefined });
  await ds.initialize();
  await ds.query(
    'CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, flag boolean, d date, big int8)',
  );
});

afterAll(async () => {
  await ds.destroy();
});

beforeEach(async () => {
  await ds.query('DELETE FROM t');
});

test('a transaction does not capture statements of concurrent work', async () => {
  let releaseTx!: () => void;
  const held = new Promise<void>((r) => (releaseTx = r));
  let txInserted!: () => void;
  const inserted = new Promise<void>((r) => (txInserted = r));

  const tx = ds
    .transaction(async (m) => {
      await m.query('INSERT INTO t (id, v) VALUES (1, 1)');
      txInserted();
      await held;
      throw new Error('roll back');
    })
    .catch((e: Error) => e.message);

  await inserted;
  // Runs on its own checkout; with a shared session it would land inside the transaction
  // and be rolled back with it.
  const outside = ds.query('INSERT INTO t (id, v) VALUES (2, 2)');
  await new Promise((r) => setTimeout(r, 50));
  releaseTx();
  expect(await tx).toBe('roll back');
  await outside;

  const rows = await ds.query<{ id: number }[]>('SELECT id FROM t ORDER BY id');
  expect(rows.map((r) => r.id)).toEqual([2]);
});

test('UPDATE reports affected rows, so compare-and-set can detect a lost race', async () => {
  await ds.query('INSERT INTO t (id, v) VALUES (1, 1), (2, 1), (3, 2)');
  const result = await ds
    .createQueryBuilder()
    .update('t')
    .set({ v: 5 })
    .where('v = :v', { v: 1 })
    .execute();
  expect(result.affected).toBe(2);
  const none = await ds
    .createQueryBuilder()
    .update('t')
    .set({ v: 6 })
    .where('v = :v', { v: 99 })
    .execute();
  expect(none.affected).toBe(0);
});

test('values come back as pg returns them: int8 as string, date as YYYY-MM-DD, booleans', async () => {
  await ds.query('INSERT INTO t (id, v, flag, d, big) VALUES ($1, $2, $3, $4, $5)', [
    1,
    1,
    true,
    '2026-06-05',
    '9007199254740993',
  ]);
  const [row] = await ds.query<{ flag: boolean; d: string; big: string }[]>(
    'SELECT flag, d, big FROM t',
  );
  expect(row).toEqual({ flag: true, d: '2026-06-05', big: '9007199254740993' });
  const [falsy] = await ds.query<{ n: string }[]>('SELECT count(*) AS n FROM t WHERE flag = $1', [
    false,
  ]);
  expect(falsy.n).toBe('0');
});

test('a database error rejects the query and frees the session for the next one', async () => {
  await expect(ds.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
  const [row] = await ds.query<{ one: number }[]>('SELECT 1 AS one');
  expect(row.one).toBe(1);
});
