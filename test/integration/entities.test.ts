/**
 * The entities (src/entities/) and the migrations describe the same store (both databases).
 *
 * - Every table the migrations create in the public schema has an entity: TypeORM's
 *   comparison only looks at the tables it has entities for.
 * - TypeORM's own comparison, the one `migration:generate --check` (npm run entities:check)
 *   makes: on a migrated database the schema builder has nothing left to do.
 * - What TypeORM does not compare (index predicates and column order, check expressions,
 *   deferrable foreign keys, constraint names): a schema built from the entities alone has
 *   the same catalog as the migrated one.
 */
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const opened: { ds: DataSource; db: TestDatabase }[] = [];

async function open(): Promise<DataSource> {
  const db = await createTestDatabase();
  const ds = createDataSource(db.config);
  await ds.initialize();
  opened.push({ ds, db });
  return ds;
}

let migrated: DataSource;

beforeAll(async () => {
  migrated = await open();
  await migrated.runMigrations();
});

afterAll(async () => {
  for (const { ds, db } of opened) {
    await ds.destroy();
    await db.drop();
  }
});

function entityTables(ds: DataSource): string[] {
  return ds.entityMetadatas.map((m) => m.tableName).sort();
}

/** Columns, constraints and indexes of the given tables, as the server prints them. */
async function catalog(ds: DataSource, tables: string[]) {
  const columns = await ds.query<unknown[]>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1::text[])
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, 2`,
    [tables],
  );
  // contype 'n': the NOT NULL constraints PostgreSQL 18 (PGlite) lists; covered by not_null.
  const constraints = await ds.query<unknown[]>(
    `SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1::text[])
        AND k.contype <> 'n'
      ORDER BY 1, 2`,
    [tables],
  );
  const indexes = await ds.query<unknown[]>(
    `SELECT tablename AS table, indexname AS name, indexdef AS definition
       FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1::text[])
      ORDER BY 1, 2`,
    [tables],
  );
  return { columns, constraints, indexes };
}

test('every table of the hub store has an entity, and only those', async () => {
  const rows = await migrated.query<{ table_name: string }[]>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1`,
  );
  // The agencies' embedded stand-ins live in their own schemas and have no entities.
  expect(rows.map((r) => r.table_name).sort()).toEqual(entityTables(migrated));
});

test('TypeORM finds nothing to change after the migrations', async () => {
  const { upQueries } = await migrated.driver.createSchemaBuilder().log();
  expect(upQueries.map((q) => q.query)).toEqual([]);
});

test('a schema built from the entities alone has the migrated catalog', async () => {
  const built = await open();
  await built.synchronize();
  const tables = entityTables(migrated);
  const expected = await catalog(migrated, tables);
  expect(expected.indexes.length).toBeGreaterThan(tables.length); // the queries see the tables
  // One comparison, so a failure shows every difference at once.
  expect(await catalog(built, tables)).toEqual(expected);
});
