/**
 * Trusted documents (persisted operations) in the hub's store:
 *   npm run documents -- register --client <name> --version <v> <manifest.json>
 *   npm run documents -- list [--client <name>]
 *   npm run documents -- remove --client <name> [--version <v>]
 *
 * `register` reads a manifest as GraphQL Code Generator's client preset
 * (`persistedDocuments: true`), Relay (`persistConfig`) or Apollo's manifest generator write
 * it, checks that every id is the hash of its document and every document is valid against
 * the hub's schema, and only then stores the whole set as that client's version (replacing
 * what the version had). One bad entry refuses the manifest and nothing is stored.
 *
 * Uses DATABASE_URL (PostgreSQL) or the embedded database in PGLITE_DATA_DIR, like the hub;
 * the embedded one is locked while the hub runs (exit 75: stop the hub first). The database
 * must be migrated (the hub migrates it at start).
 *
 * Exit codes: 0 done · 1 other failure (database unreachable …) · 2 usage · 3 manifest
 * refused or unreadable · 4 nothing registered to remove · 5 database not migrated ·
 * 65/75 the embedded data directory is unusable/in use (as every command).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config';
import { isDataDirError } from '../src/db/data-dir-errors';
import { createDataSource } from '../src/db/data-source';
import { buildHubSchema } from '../src/schema';
import { DocumentStore, NAME_PATTERN } from '../src/services/documents/document-store';
import { checkManifest, ManifestError } from '../src/services/documents/manifest';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  manifestRefused: 3,
  nothingToRemove: 4,
  notMigrated: 5,
} as const;

const USAGE = [
  'usage: npm run documents -- register --client <name> --version <v> <manifest.json>',
  '       npm run documents -- list [--client <name>]',
  '       npm run documents -- remove --client <name> [--version <v>]',
].join('\n');

class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function name(option: string, value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new CommandError(`--${option} is required\n${USAGE}`, EXIT.usage);
    return undefined;
  }
  if (!NAME_PATTERN.test(value))
    throw new CommandError(
      `--${option} must be 1–100 letters, digits, '.', '_', '+' or '-' (starting with a letter or digit)`,
      EXIT.usage,
    );
  return value;
}

async function withStore<T>(run: (store: DocumentStore) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const ds: DataSource = createDataSource(config.database);
  await ds.initialize();
  try {
    if (await ds.showMigrations())
      throw new CommandError(
        'the database has migrations that are not applied: start the hub once (it migrates) ' +
          'or run `npm run migration:run`, then register again. Nothing was stored.',
        EXIT.notMigrated,
      );
    return await run(new DocumentStore(ds));
  } finally {
    await ds.destroy();
  }
}

async function register(client: string, version: string, file: string): Promise<void> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CommandError(`cannot read the manifest ${file} (${code})`, EXIT.manifestRefused);
  }
  // Checked before the database is opened: a refused manifest touches nothing.
  const manifest = checkManifest(buildHubSchema(), content);
  const result = await withStore((store) => store.register(client, version, manifest.documents));
  console.log(
    `registered ${result.documents} document(s) for ${client} ${version} ` +
      `(${manifest.format} manifest; ${result.newToHub} new to the hub` +
      `${result.dropped ? `, ${result.dropped} no longer in this version` : ''})`,
  );
}

async function list(client: string | undefined): Promise<void> {
  const versions = await withStore((store) => store.list(client));
  if (!versions.length) {
    console.log(client ? `no documents registered for ${client}` : 'no documents registered');
    return;
  }
  const rows = versions.map((v) => [
    v.client,
    v.version,
    String(v.documents),
    v.registeredAt.toISOString(),
  ]);
  const header = ['client', 'version', 'documents', 'registered'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

async function remove(client: string, version: string | undefined): Promise<void> {
  const removed = await withStore((store) => store.remove(client, version));
  const what = version === undefined ? `${client} (every version)` : `${client} ${version}`;
  if (removed === 0) throw new CommandError(`nothing registered for ${what}`, EXIT.nothingToRemove);
  console.log(`removed ${removed} document registration(s) of ${what}`);
}

export async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { client: { type: 'string' }, version: { type: 'string' } },
    });
  } catch (err) {
    throw new CommandError(
      `${err instanceof Error ? err.message : 'bad arguments'}\n${USAGE}`,
      EXIT.usage,
    );
  }
  const [command, ...rest] = parsed.positionals;
  const { values } = parsed;
  switch (command) {
    case 'register': {
      if (rest.length !== 1)
        throw new CommandError(`register takes one manifest file\n${USAGE}`, EXIT.usage);
      const client = name('client', values.client, true) as string;
      const version = name('version', values.version, true) as string;
      return register(client, version, rest[0]);
    }
    case 'list':
      if (rest.length) throw new CommandError(USAGE, EXIT.usage);
      return list(name('client', values.client, false));
    case 'remove': {
      if (rest.length) throw new CommandError(USAGE, EXIT.usage);
      const client = name('client', values.client, true) as string;
      return remove(client, name('version', values.version, false));
    }
    default:
      throw new CommandError(USAGE, EXIT.usage);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`documents: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof CommandError) process.exitCode = err.exitCode;
    else if (err instanceof ManifestError) process.exitCode = EXIT.manifestRefused;
    else if (isDataDirError(err)) process.exitCode = err.exitCode;
    else process.exitCode = EXIT.failure;
  });
}
