/**
 * `npm run entities:check`: fails when the entities (src/entities/) and the migrations
 * (src/migrations/) describe different schemas. Migrates a throwaway database, then runs
 * TypeORM's `migration:generate --check` against it (`npm run typeorm`: the CLI with
 * ormconfig.ts, the DataSource the server builds), which prints the SQL that would bring the
 * database to the entities and exits 1 when there is any. The database is dropped afterwards.
 *
 * On the PostgreSQL server when DATABASE_URL (or CI_DATABASE_URL) is set, as a new database
 * beside the one named; otherwise an embedded PGlite in a temporary directory (the CLI runs
 * in a process of its own, which an in-memory database would not reach).
 *
 * TypeORM compares columns, keys, foreign keys, checks and indexes by name and columns, not
 * index predicates, check expressions or deferrability: test/integration/entities.test.ts
 * runs the same comparison and also compares the catalogs.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { DatabaseConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';

const root = join(__dirname, '..');

interface Throwaway {
  /** What the CLI process needs in its environment to open the database. */
  env: NodeJS.ProcessEnv;
  config: DatabaseConfig;
  label: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function createThrowaway(adminUrl: string | undefined): Promise<Throwaway> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'entities-check-'));
    return {
      env: { ...env, PGLITE_DATA_DIR: dataDir },
      config: { kind: 'pglite', dataDir },
      label: 'embedded PGlite',
      drop: () => {
        rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const name = `entities_check_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { ...env, DATABASE_URL: url.toString() },
    config: { kind: 'postgres', url: url.toString(), poolSize: 2 },
    label: `PostgreSQL server (database ${name}, dropped afterwards)`,
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function migrate(config: DatabaseConfig): Promise<void> {
  const ds = createDataSource(config);
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    // Closes the embedded database too: it has one user at a time, and the CLI is next.
    await ds.destroy();
  }
}

/**
 * TypeORM's own check, through `npm run typeorm` (the project's CLI entry, with ormconfig.ts);
 * its exit status: 0 no drift, non-zero drift or an error.
 */
function generateCheck(env: NodeJS.ProcessEnv): number {
  // The path is required by the command but never written in check mode; a temporary one,
  // so a run without --check could not leave a migration in src/migrations.
  const unused = join(tmpdir(), 'entity-drift');
  const run = spawnSync(
    'npm',
    ['run', '--silent', 'typeorm', '--', 'migration:generate', unused, '--check'],
    { cwd: root, env, stdio: 'inherit' },
  );
  if (run.error) throw run.error;
  return run.status ?? 1;
}

async function main(): Promise<void> {
  const db = await createThrowaway(process.env.DATABASE_URL ?? process.env.CI_DATABASE_URL);
  let status: number;
  try {
    console.log(`entities:check on the ${db.label}`);
    await migrate(db.config);
    status = generateCheck(db.env);
  } finally {
    await db.drop();
  }
  if (status === 0) {
    console.log('entities:check: the entities and the migrations agree');
  } else {
    console.error(
      'entities:check failed: src/entities and src/migrations disagree (the SQL above would ' +
        'bring the migrated database to the entities: fix the entity or write the migration), ' +
        'or the check could not run (the error above)',
    );
  }
  process.exitCode = status;
}

main().catch((err: unknown) => {
  console.error(`entities:check: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
