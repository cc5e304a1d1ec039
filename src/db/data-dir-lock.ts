/**
 * An exclusive lock on the embedded database's data directory, held for as long as the
 * database is open. PGlite has no such lock of its own: two processes on one directory both
 * start, both write, and leave it unreadable (`RuntimeError: Aborted()`).
 *
 * Why an OS lock (fs-native-extensions: an open-file-description `fcntl` lock on Linux,
 * `flock` on macOS, `LockFileEx` on Windows) rather than a pid file or a heartbeat lock such
 * as proper-lockfile: the kernel drops the lock the instant its process ends, however it
 * ends (SIGKILL, OOM killer, power loss of a network client), so a crashed hub's lock is
 * taken over at once and never by guesswork; and a process that is alive keeps it however
 * long it is stalled (PGlite's WebAssembly holds the event loop during long statements, and a
 * hub in a suspended terminal holds nothing at all), where a heartbeat lock would go stale
 * and be taken over under a live writer — the very corruption this prevents. The lock file's
 * content (pid, host, program, start time) is only information for the refusal message.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { tryLock } from 'fs-native-extensions';
import { DataDirLockedError, DataDirUnusableError, type LockHolder } from './data-dir-errors';

/** Inside the directory, like PostgreSQL's postmaster.pid; PGlite ignores unknown files. */
export const LOCK_FILE_NAME = 'samverkan-hub.lock';

export interface DataDirLock {
  /** Absolute path of the locked directory. */
  readonly dataDir: string;
  /** Drops the lock (idempotent). The process ending drops it too. */
  release(): void;
}

const ACCESS_ERRORS = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST']);

function systemCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function readHolder(fd: number): LockHolder | undefined {
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const parsed = JSON.parse(buf.subarray(0, n).toString('utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return {
      pid: parsed.pid,
      host: parsed.host,
      program: typeof parsed.program === 'string' ? parsed.program : 'unknown program',
      startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : 'an unknown time',
    };
  } catch {
    // Empty (the holder is between locking and writing) or unreadable (Windows locks reads).
    return undefined;
  }
}

function writeHolder(fd: number): void {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    // The file name only: arguments and the full path are no business of another process.
    program: basename(process.argv[1] ?? process.argv0),
    startedAt: new Date().toISOString(),
  };
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  fsyncSync(fd);
}

/**
 * Locks `dataDir` (creating it when missing) or throws DataDirLockedError naming the holder.
 * Touches nothing in the directory but the lock file, so a refused process leaves the
 * database exactly as it was.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const lockPath = join(dir, LOCK_FILE_NAME);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = systemCode(err) ?? 'mkdir failed';
    throw new DataDirUnusableError(
      dir,
      ACCESS_ERRORS.has(code) ? 'no-access' : 'not-created',
      code,
    );
  }
  // A few rounds only: each retry means the directory was just moved aside under us.
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      // No O_TRUNC: the holder's details must survive our open. Node adds O_CLOEXEC, so a
      // child process never inherits (and so never prolongs) the lock.
      fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT, 0o600);
    } catch (err) {
      const code = systemCode(err);
      if (code && ACCESS_ERRORS.has(code)) throw new DataDirUnusableError(dir, 'no-access', code);
      throw err;
    }
    let locked: boolean;
    try {
      locked = tryLock(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    if (!locked) {
      const holder = readHolder(fd);
      closeSync(fd);
      throw new DataDirLockedError(dir, holder);
    }
    // `data:reset` and `data:restore` rename the directory while holding its lock: if that
    // happened between our open and our lock, we hold a file that is no longer at lockPath,
    // and must try the directory that is there now.
    if (!isStillAt(fd, lockPath)) {
      closeSync(fd);
      continue;
    }
    writeHolder(fd);
    let released = false;
    return {
      dataDir: dir,
      release: () => {
        if (released) return;
        released = true;
        // Closing the only descriptor of the open file description drops the lock.
        closeSync(fd);
      },
    };
  }
  throw new Error(`the embedded database directory ${dir} kept moving while it was being locked`);
}

function isStillAt(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd);
    const there = statSync(path);
    return held.ino === there.ino && held.dev === there.dev;
  } catch {
    return false;
  }
}
