/**
 * The bench database: dropped and created afresh on the configured PostgreSQL server,
 * filled by the project's own generator (`scripts/seed.ts`, the same code as
 * `npm run seed`), then given the peer's schema (bench/sql/peer-schema.sql) and analysed.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { track } from './processes';
import { databaseUrl } from './settings';

const ROOT = join(__dirname, '..', '..');

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

export async function recreateDatabase(serverUrl: string, database: string): Promise<string> {
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${quoteIdent(database)}`);
  });
  return databaseUrl(serverUrl, database);
}

/** Runs `scripts/seed.ts --persons N` against the URL; its output goes to the console. */
export function seed(url: string, persons: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(
        process.execPath,
        ['-r', 'ts-node/register', 'scripts/seed.ts', '--persons', String(persons)],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, NODE_ENV: 'development' },
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      ),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`seeding failed with exit code ${code}`)),
    );
  });
}

export async function installPeerSchema(url: string): Promise<void> {
  const sql = readFileSync(join(__dirname, '..', 'sql', 'peer-schema.sql'), 'utf8');
  await withClient(url, async (c) => {
    await c.query('SET client_min_messages = warning');
    await c.query(sql);
    await c.query('ANALYZE');
  });
}

export { withClient };
