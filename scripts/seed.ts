/**
 * Fills the configured database with synthetic demo data:
 *   npm run seed -- --persons 10000 [--seed 42] [--reference-date 2026-11-01] [--reset]
 * Uses DATABASE_URL (PostgreSQL) or the embedded database in PGLITE_DATA_DIR, like the hub.
 * Runs pending migrations and loads the reference data first. Refuses to run with
 * NODE_ENV=production: demo persons have no place next to real ones.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { isDataDirError } from '../src/db/data-dir-errors';
import { createDataSource } from '../src/db/data-source';
import { loadReferenceData } from '../src/reference/load-reference-data';
import { bundledReferenceFiles } from '../src/reference/reference-files';
import { seedDatabase } from '../src/seed/write';

export interface SeedArgs {
  persons: number;
  seed?: number;
  referenceDate?: string;
  reset: boolean;
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new Error(`--${name} must be an integer between ${min} and ${max}`);
  return Number(value);
}

export function parseSeedArgs(argv: string[]): SeedArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      'reference-date': { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
  });
  if (values.persons === undefined) throw new Error('--persons N is required');
  return {
    persons: integer('persons', values.persons, 1, 5_000_000),
    seed: values.seed === undefined ? undefined : integer('seed', values.seed, 0, 2 ** 32 - 1),
    referenceDate: values['reference-date'],
    reset: values.reset ?? false,
  };
}

async function main(): Promise<void> {
  const args = parseSeedArgs(process.argv.slice(2));
  const config = loadConfig(process.env);
  if (config.isProduction) throw new Error('npm run seed refuses to run with NODE_ENV=production');
  const where =
    config.database.kind === 'postgres'
      ? 'PostgreSQL (DATABASE_URL)'
      : `embedded PGlite in ${config.database.dataDir ?? 'memory'}`;
  console.log(`Seeding ${args.persons} synthetic persons into ${where}`);

  const ds = createDataSource(config.database);
  await ds.initialize();
  try {
    const migrations = await ds.runMigrations({ transaction: 'each' });
    if (migrations.length) console.log(`Ran ${migrations.length} migration(s)`);
    const reference = await loadReferenceData(ds, bundledReferenceFiles());
    console.log(
      `Reference data: organisations ${reference.organisations}, code lists ${reference.codeLists}`,
    );
    const result = await seedDatabase(ds, args);
    const width = Math.max(...Object.keys(result.rows).map((t) => t.length));
    for (const [table, count] of Object.entries(result.rows))
      console.log(`  ${table.padEnd(width)}  ${String(count).padStart(9)}`);
    console.log(`  ${'consent'.padEnd(width)}  ${String(result.consents).padStart(9)}`);
    const total = Object.values(result.rows).reduce((a, b) => a + b, result.consents);
    console.log(
      `${result.persons} persons, ${total} rows in ${(result.ms / 1000).toFixed(1)} s (generation and insert, one transaction)`,
    );
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    // The embedded database in use (75) or unopenable (65): the same codes as the hub's.
    process.exitCode = isDataDirError(err) ? err.exitCode : 1;
  });
}
