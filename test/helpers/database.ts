/**
 * A throwaway database per test file: an in-memory PGlite by default, or — when
 * DATABASE_URL is set (CI does) — a fresh database created on that PostgreSQL server and
 * dropped afterwards, so parallel test files never share state.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { loadReferenceData } from '../../src/reference/load-reference-data';
import { bundledReferenceFiles } from '../../src/reference/reference-files';

export interface TestDatabase {
  config: DatabaseConfig;
  /** postgres URL of the throwaway database, when on a server. */
  url?: string;
  drop(): Promise<void>;
}

export const onPostgresServer = Boolean(process.env.DATABASE_URL);

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    return { config: { kind: 'pglite', dataDir: undefined }, drop: () => Promise.resolve() };
  }
  const name = `hub_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString(), poolSize: 10 },
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A throwaway database with an initialized DataSource (migrated when asked): `close`
 * destroys the connection and drops the database.
 */
export async function openTestDataSource(
  options: { migrate?: boolean } = {},
): Promise<{ ds: DataSource; close: () => Promise<void> }> {
  const db = await createTestDatabase();
  const ds = createDataSource(db.config);
  await ds.initialize();
  if (options.migrate) await ds.runMigrations();
  return {
    ds,
    close: async () => {
      await ds.destroy();
      await db.drop();
    },
  };
}

/**
 * A throwaway database, migrated, with the bundled reference data loaded: where most
 * integration tests start. `close` destroys the connection and drops the database.
 */
export async function openReferenceDatabase(): Promise<{
  ds: DataSource;
  close: () => Promise<void>;
}> {
  const opened = await openTestDataSource({ migrate: true });
  await loadReferenceData(opened.ds, bundledReferenceFiles());
  return opened;
}

/**
 * The reference database for the tests of one file: opened before them, closed after them
 * (registers its own beforeAll/afterAll). `ds` is its DataSource, once open.
 */
export function useReferenceDatabase(): { readonly ds: DataSource } {
  let opened: { ds: DataSource; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    opened = await openReferenceDatabase();
  }, 60000);
  afterAll(() => opened?.close());
  return {
    get ds(): DataSource {
      if (!opened) throw new Error('the reference database is opened in beforeAll');
      return opened.ds;
    },
  };
}
