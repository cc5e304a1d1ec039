/**
 * The one way to open the embedded database: lock its data directory first, then let PGlite
 * open it, and turn PGlite's failures (`RuntimeError: Aborted()` on a damaged directory) into
 * DataDirUnusableError, whose message says what to do. In memory (no dataDir) there is
 * nothing to share and nothing to lock.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { DataDirUnusableError } from './data-dir-errors';
import { lockDataDir, type DataDirLock } from './data-dir-lock';

export interface EmbeddedDatabase {
  db: PGlite;
  /** The held lock; undefined in memory. */
  lock: DataDirLock | undefined;
  /** Closes the database, then drops the lock. */
  close(): Promise<void>;
}

const ACCESS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The error's name and first sentence, short: PGlite's open errors carry no row data. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const first = err.message.split(/\.\s|\n/)[0].slice(0, 80);
  return first ? `${err.name}: ${first}` : err.name;
}

export async function openEmbeddedDatabase(
  dataDir: string | undefined,
  options: Omit<PGliteOptions, 'dataDir'> = {},
): Promise<EmbeddedDatabase> {
  if (!dataDir) {
    const db = await PGlite.create(options);
    return { db, lock: undefined, close: () => db.close() };
  }
  // Before PGlite reads a byte: a refused process must leave the directory untouched.
  const lock = lockDataDir(dataDir);
  const dir = lock.dataDir;
  const existed = existsSync(join(dir, 'PG_VERSION'));
  const pidFile = join(dir, 'postmaster.pid');
  const hadPidFile = existsSync(pidFile);
  let db: PGlite;
  try {
    db = await PGlite.create({ ...options, dataDir: dir });
  } catch (err) {
    // PGlite writes postmaster.pid as it starts and removes it only on close: take back the
    // one this failed open left, so a refused directory is exactly as it was found.
    if (!hadPidFile) rmSync(pidFile, { force: true });
    lock.release();
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && ACCESS_ERRORS.has(code))
      throw new DataDirUnusableError(dir, 'no-access', code);
    throw new DataDirUnusableError(dir, existed ? 'damaged' : 'not-created', describe(err));
  }
  return {
    db,
    lock,
    close: async () => {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
