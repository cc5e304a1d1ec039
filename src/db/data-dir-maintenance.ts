/**
 * Backup, restore and reset of the embedded database's data directory (`npm run data:*`).
 * Each one holds the directory's lock while it works, so none of them can run beside a hub
 * (or each other) on the same directory; and none deletes a database: restore and reset move
 * the current directory aside, renamed with a timestamp, and say where it went.
 *
 * Why a backup needs the hub stopped: PGlite has one session in one process, so only the
 * process holding the lock can read a consistent state. A running hub has no backup
 * endpoint, and a copy of its files taken from outside could be mid-write; so a backup of a
 * directory in use is refused (DataDirLockedError), never taken inconsistent.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { LOCK_FILE_NAME, lockDataDir } from './data-dir-lock';
import { openEmbeddedDatabase } from './open-embedded';

/** A refusal or failure of a maintenance command, with nothing changed unless it says so. */
export class MaintenanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MaintenanceError';
  }
}

/** `<dir>.<label>-2026-12-02T10-15-00Z`, beside the directory, never an existing name. */
export function asidePath(dir: string, label: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  let candidate = `${dir}.${label}-${stamp}`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${dir}.${label}-${stamp}-${n}`;
  return candidate;
}

function hasDatabase(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/** Nothing in it but (at most) our lock file: the lock created it, or nothing ever ran. */
function holdsNothing(dir: string): boolean {
  return readdirSync(dir).every((name) => name === LOCK_FILE_NAME);
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as NodeJS.ErrnoException).code;
  const first = err.message.split(/\.\s|\n/)[0].slice(0, 80);
  return code ? `${err.name} ${code}` : `${err.name}: ${first}`;
}

export interface BackupResult {
  file: string;
  bytes: number;
}

/**
 * Writes a gzipped tar of the data directory (PGlite's own dump format, taken after a
 * CHECKPOINT) to `file`, which must not exist yet: a backup is never overwritten.
 */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupResult> {
  const dir = resolve(dataDir);
  const out = resolve(file);
  if (!existsSync(dir) || !hasDatabase(dir))
    throw new MaintenanceError(`There is no embedded database in ${dir} to back up.`);
  if (isInside(dir, out))
    throw new MaintenanceError(
      `Write the backup outside the data directory ${dir}: a reset or restore moves that directory aside.`,
    );
  if (existsSync(out))
    throw new MaintenanceError(`${out} already exists: a backup never overwrites a file.`);
  if (!existsSync(dirname(out)))
    throw new MaintenanceError(`The folder ${dirname(out)} does not exist.`);

  // Refused here while a hub (or anything else) has the directory open.
  const embedded = await openEmbeddedDatabase(dir);
  try {
    // Flush everything to the data files, so the restored copy needs no WAL replay.
    await embedded.db.exec('CHECKPOINT');
    const dump = await embedded.db.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    // Written under a temporary name, then linked into place: a reader never sees half a
    // backup, and link (unlike rename) fails rather than replace a file that appeared since.
    // Mode 0600: the backup holds the same personal data as the database.
    const partial = `${out}.partial-${process.pid}`;
    writeFileSync(partial, bytes, { flag: 'wx', mode: 0o600, flush: true });
    try {
      linkSync(partial, out);
    } catch (err) {
      throw new MaintenanceError(`Could not write ${out} (${describe(err)}).`);
    } finally {
      unlinkSync(partial);
    }
    return { file: out, bytes: bytes.length };
  } finally {
    await embedded.close();
  }
}

export interface RestoreResult {
  dataDir: string;
  /** Where the previous directory went; undefined when there was none (or it was empty). */
  movedAside: string | undefined;
}

/**
 * Restores a backup made by backupDataDir into the data directory. The backup is unpacked
 * and opened beside the directory first; only once it opens as a hub database is the current
 * directory moved aside and the restored one put in its place.
 */
export async function restoreDataDir(dataDir: string, file: string): Promise<RestoreResult> {
  const dir = resolve(dataDir);
  const src = resolve(file);
  if (!existsSync(src) || !statSync(src).isFile())
    throw new MaintenanceError(`There is no backup file at ${src}.`);

  // Held until the restored directory is in place: no hub can open either one meanwhile.
  const lock = lockDataDir(dir);
  const staging = asidePath(dir, 'restoring');
  try {
    mkdirSync(staging, { mode: 0o700 });
    let db: PGlite;
    try {
      db = await PGlite.create({
        dataDir: staging,
        loadDataDir: new Blob([readFileSync(src)]),
      });
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw new MaintenanceError(
        `${src} could not be restored (${describe(err)}): it is not a backup made by ` +
          '`npm run data:backup`, or it is damaged. Nothing was changed.',
      );
    }
    try {
      const rows = await db.query<{ t: string | null }>(
        `SELECT to_regclass('public.migrations')::text AS t`,
      );
      if (!rows.rows[0]?.t)
        throw new MaintenanceError(
          `${src} holds a database, but not one of this hub (it has no migrations table). Nothing was changed.`,
        );
      await db.exec('CHECKPOINT');
    } catch (err) {
      await db.close().catch(() => undefined);
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    await db.close();

    const movedAside = asidePath(dir, 'before-restore');
    renameSync(dir, movedAside);
    try {
      renameSync(staging, dir);
    } catch (err) {
      // Another process created the directory in the instant between the two renames.
      throw new MaintenanceError(
        `The restored database could not be put in place (${describe(err)}): ${dir} was ` +
          `created by another process meanwhile. The restored database is in ${staging}, ` +
          `the previous one in ${movedAside}. Stop that process, then move them by hand.`,
      );
    }
    if (holdsNothing(movedAside)) {
      // The lock itself created it (there was no database): nothing worth keeping.
      rmSync(join(movedAside, LOCK_FILE_NAME), { force: true });
      rmdirSync(movedAside);
      return { dataDir: dir, movedAside: undefined };
    }
    return { dataDir: dir, movedAside };
  } finally {
    lock.release();
  }
}

export interface ResetResult {
  dataDir: string;
  movedAside: string | undefined;
}

/**
 * Moves the data directory aside (renamed with a timestamp; nothing is deleted), so the next
 * start creates an empty database. Works on a directory that no longer opens, since it only
 * needs the lock, never PGlite.
 */
export function resetDataDir(dataDir: string): ResetResult {
  const dir = resolve(dataDir);
  if (!existsSync(dir)) return { dataDir: dir, movedAside: undefined };
  const lock = lockDataDir(dir);
  try {
    if (holdsNothing(dir)) return { dataDir: dir, movedAside: undefined };
    const movedAside = asidePath(dir, 'reset');
    renameSync(dir, movedAside);
    return { dataDir: dir, movedAside };
  } finally {
    lock.release();
  }
}
