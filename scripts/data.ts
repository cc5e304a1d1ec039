/**
 * The embedded database's data directory (PGLITE_DATA_DIR, `./data` by default), with the
 * hub stopped:
 *   npm run data:backup -- <file>    a gzipped tar of the database (the file must not exist)
 *   npm run data:restore -- <file>   put a backup in place; the current directory is moved aside
 *   npm run data:reset               move the directory aside, so the next start begins empty
 * Nothing is ever deleted: a moved directory is renamed `<dir>.<what>-<UTC time>` beside it.
 * Exit codes: 0 done, 64 wrong arguments, 65 the directory will not open, 75 a process has the
 * directory (stop it first), 78 bad configuration, 1 anything else (the message says what).
 */
import { ConfigError, loadConfig } from '../src/config';
import { isDataDirError } from '../src/db/data-dir-errors';
import {
  MaintenanceError,
  backupDataDir,
  resetDataDir,
  restoreDataDir,
} from '../src/db/data-dir-maintenance';

const EX_USAGE = 64;
const EX_CONFIG = 78;

const USAGE = [
  'usage: npm run data:backup -- <file>',
  '       npm run data:restore -- <file>',
  '       npm run data:reset',
  '(the directory is PGLITE_DATA_DIR, ./data by default)',
].join('\n');

class UsageError extends Error {}

function embeddedDataDir(): string {
  const database = loadConfig(process.env).database;
  if (database.kind === 'postgres')
    throw new UsageError(
      'DATABASE_URL is set: these commands are for the embedded database. Back up a ' +
        'PostgreSQL server with pg_dump and restore with pg_restore.',
    );
  if (!database.dataDir)
    throw new UsageError('PGLITE_DATA_DIR=memory:// keeps the database in memory: nothing to do.');
  return database.dataDir;
}

function fileArgument(args: string[]): string {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError(USAGE);
  return args[0];
}

export async function runDataCommand(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'backup': {
      const file = fileArgument(args);
      const dir = embeddedDataDir();
      const result = await backupDataDir(dir, file);
      console.log(`Backed up ${dir} to ${result.file} (${result.bytes} bytes).`);
      console.log('It holds personal data: keep it as safe as the database itself.');
      return;
    }
    case 'restore': {
      const file = fileArgument(args);
      const dir = embeddedDataDir();
      const result = await restoreDataDir(dir, file);
      console.log(`Restored ${file} into ${result.dataDir}.`);
      if (result.movedAside)
        console.log(
          `The previous directory is now ${result.movedAside}: delete it once you no longer need it (it holds personal data).`,
        );
      return;
    }
    case 'reset': {
      if (args.length) throw new UsageError(USAGE);
      const result = resetDataDir(embeddedDataDir());
      if (!result.movedAside) {
        console.log(`There is no database in ${result.dataDir}: nothing to move.`);
        return;
      }
      console.log(`Moved ${result.dataDir} to ${result.movedAside}.`);
      console.log('The next start creates an empty database there.');
      console.log(
        `To go back: stop the hub, then move ${result.movedAside} back to ${result.dataDir}. ` +
          'Delete it once you no longer need it (it holds personal data).',
      );
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
}

function exitCodeFor(err: unknown): number {
  if (isDataDirError(err)) return err.exitCode;
  if (err instanceof UsageError) return EX_USAGE;
  if (err instanceof ConfigError) return EX_CONFIG;
  return 1;
}

if (require.main === module) {
  runDataCommand(process.argv.slice(2)).catch((err: unknown) => {
    // Our own errors carry a message for a person; anything else only its name and code, so
    // nothing read from the database can reach the terminal.
    const known =
      isDataDirError(err) ||
      err instanceof MaintenanceError ||
      err instanceof UsageError ||
      err instanceof ConfigError;
    const message = err instanceof Error ? err.message : String(err);
    console.error(known ? message : `data: failed (${describeUnknown(err)})`);
    process.exitCode = exitCodeFor(err);
  });
}

function describeUnknown(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${err.name} ${code}: ${err.message.split('\n')[0]}` : err.name;
}
