/**
 * The TypeORM CLI (`npm run typeorm -- <command>`, `npm run migration:*`) with the hub's exit
 * codes for the embedded database: the CLI reports every error through
 * PlatformTools.logCmdErr and exits 1, so a directory in use (75) or one that will not open
 * (65) is caught there and reported as the hub reports it — the message alone, no stack.
 */
import { PlatformTools } from 'typeorm/platform/PlatformTools';
import { isDataDirError } from '../src/db/data-dir-errors';

const logCmdErr = PlatformTools.logCmdErr.bind(PlatformTools);
PlatformTools.logCmdErr = (prefix: string, err?: unknown): void => {
  if (isDataDirError(err)) {
    console.error(err.message);
    process.exit(err.exitCode);
  }
  logCmdErr(prefix, err);
};

// Loaded after the hook is in place (an import would be hoisted above it). The CLI reads
// process.argv itself, where ts-node has put this file at argv[1], so `-d ormconfig.ts
// <command>` reach it unchanged.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('typeorm/cli');
