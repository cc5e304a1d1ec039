/**
 * Why the embedded database's data directory could not be opened, as errors that carry their
 * own exit code and a message a person can act on. Every program that opens the directory
 * (the hub, `npm run seed`, the TypeORM CLI, `npm run data:*`) exits with the same codes.
 *
 * Messages name the directory, and the process holding it, but never any row of the
 * database: nothing here reads one.
 */
import { hostname } from 'node:os';

/** EX_TEMPFAIL (sysexits.h): another process has the directory; try again once it stopped. */
export const EXIT_DATA_DIR_LOCKED = 75;
/** EX_DATAERR (sysexits.h): the directory's files cannot be opened as a database. */
export const EXIT_DATA_DIR_UNUSABLE = 65;

/** What the holder of a data directory wrote into its lock file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The program's file name (index.js, seed.ts, …), never its arguments. */
  program: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  readonly exitCode = EXIT_DATA_DIR_LOCKED;

  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(lockedMessage(dataDir, holder));
    this.name = 'DataDirLockedError';
  }
}

function lockedMessage(dataDir: string, holder: LockHolder | undefined): string {
  let who = 'another process (it has not yet written which)';
  if (holder) {
    const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
    const self = holder.pid === process.pid && !where ? ', this very process' : '';
    who = `process ${holder.pid}${where} (${holder.program}${self}, since ${holder.startedAt})`;
  }
  return (
    `The embedded database in ${dataDir} is in use by ${who}. ` +
    'Only one process at a time may open it: a second one would corrupt it. Nothing was ' +
    'changed. Stop that process first (or point PGLITE_DATA_DIR at another directory), ' +
    'then try again.'
  );
}

export type UnusableReason = 'damaged' | 'not-created' | 'no-access';

export class DataDirUnusableError extends Error {
  readonly code = 'DATA_DIR_UNUSABLE';
  readonly exitCode = EXIT_DATA_DIR_UNUSABLE;

  constructor(
    readonly dataDir: string,
    readonly reason: UnusableReason,
    /** The underlying error's name and code only: enough to search for, nothing from a row. */
    readonly detail: string,
  ) {
    super(unusableMessage(dataDir, reason, detail));
    this.name = 'DataDirUnusableError';
  }
}

/** A command line for the same directory, whatever PGLITE_DATA_DIR the caller had set. */
export function dataCommand(dataDir: string, command: string): string {
  const quoted = /^[\w./-]+$/.test(dataDir) ? dataDir : `'${dataDir.replace(/'/g, `'\\''`)}'`;
  return `PGLITE_DATA_DIR=${quoted} npm run ${command}`;
}

function unusableMessage(dataDir: string, reason: UnusableReason, detail: string): string {
  if (reason === 'no-access')
    return (
      `The embedded database directory ${dataDir} cannot be used by this user (${detail}). ` +
      'Nothing was changed. Give this user read and write access to it, or point ' +
      'PGLITE_DATA_DIR at another directory.'
    );
  if (reason === 'not-created')
    return (
      `A new embedded database could not be created in ${dataDir} (${detail}). Check that ` +
      'the disk has room and the directory is writable, or point PGLITE_DATA_DIR elsewhere.'
    );
  return [
    `The embedded database in ${dataDir} could not be opened (${detail}).`,
    'Its files are damaged or incomplete (two processes used it at once, or it was copied',
    'while in use), or were written by an incompatible version. Nothing has been changed.',
    'To go on, either',
    `  - restore a backup:  ${dataCommand(dataDir, 'data:restore -- <backup file>')}`,
    `  - or start afresh:   ${dataCommand(dataDir, 'data:reset')}`,
    '    which moves the damaged directory aside (renamed with a timestamp, not deleted).',
    'See "Embedded database" in docs/operations.md.',
  ].join('\n');
}

export type DataDirError = DataDirLockedError | DataDirUnusableError;

export function isDataDirError(err: unknown): err is DataDirError {
  return err instanceof DataDirLockedError || err instanceof DataDirUnusableError;
}

/** The exit code for an error that opening the embedded database raised, or undefined. */
export function dataDirExitCode(err: unknown): number | undefined {
  return isDataDirError(err) ? err.exitCode : undefined;
}
