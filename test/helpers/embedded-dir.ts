/**
 * Embedded data directories on disk for the lock, backup and restore tests: a migrated
 * template with reference data and one person, copied per test (initdb costs seconds), and
 * a runner for the project's scripts as real processes.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LOCK_FILE_NAME } from '../../src/db/data-dir-lock';
import { createDataSource } from '../../src/db/data-source';
import { loadReferenceData } from '../../src/reference/load-reference-data';
import { bundledReferenceFiles } from '../../src/reference/reference-files';
import { fullSkarholmenPerson, insertPersons } from './person-fixture';
import { TEST_SECRET } from './test-hub';

const made: string[] = [];

/** A fresh empty temporary folder; removed by removeTemporaryDirs(). */
export function temporaryDir(prefix = 'hub-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder made here, and anything moved aside beside them. */
export function removeTemporaryDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A closed embedded database: migrated, reference data loaded, one Skärholmen person.
 * Lives in its own folder as `<folder>/data`, so what a reset or restore moves aside
 * (`data.reset-…`) stays inside the folder and is removed with it.
 */
export async function makeTemplateDataDir(): Promise<{ dir: string; personId: string }> {
  const dir = join(temporaryDir('hub-template-'), 'data');
  const ds = createDataSource({ kind: 'pglite', dataDir: dir });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await loadReferenceData(ds, bundledReferenceFiles());
    const [person] = await insertPersons(ds, [fullSkarholmenPerson()]);
    return { dir, personId: person.id };
  } finally {
    await ds.destroy();
  }
}

/** A copy of a closed data directory as `<new folder>/data`. */
export function copyDataDir(template: string): string {
  const dir = join(temporaryDir(), 'data');
  cpSync(template, dir, { recursive: true });
  return dir;
}

/**
 * Every file of a data directory (but the lock file) with its SHA-256: equal before and after
 * means a process touched nothing of the database.
 */
export function fileDigests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === LOCK_FILE_NAME) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** SIGKILLs what a failed test left running (call in afterEach). */
export function killLeftoverScripts(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Runs a TypeScript entry point of the project (src/index.ts, scripts/…) with ts-node, as
 * `npm run` would, and waits for it to exit. The environment is as bare as the server
 * process helper's: no DATABASE_URL leaks in from the test run.
 */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Finished> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', 'ts-node/register', script, ...args], {
    cwd: join(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: TEST_SECRET,
      DEMO_DATA: 'off',
      ...env,
    },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
