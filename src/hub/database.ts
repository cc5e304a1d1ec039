/**
 * The hub's own store, opened and made ready: connect, apply pending migrations (one
 * instance at a time), load changed reference files, and write the synthetic demo data
 * into an empty embedded database.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource, type DataSourceOptions } from '../db/data-source';
import type { Logger } from '../observability/logger';
import { loadReferenceData } from '../reference/load-reference-data';
import { bundledReferenceFiles } from '../reference/reference-files';
import { hasPersons, seedDatabase } from '../seed/write';

const MIGRATION_LOCK_KEY = 7_301_000; // arbitrary; one migrating instance at a time

/**
 * Several instances may start together: a session advisory lock (held on one connection
 * while the migrations run on others) lets one migrate while the rest wait, then find
 * nothing pending.
 */
async function runMigrationsExclusively(ds: DataSource) {
  // The embedded database has one process and one session: nothing to coordinate.
  if (ds.options.type === 'postgres' && ds.options.driver)
    return ds.runMigrations({ transaction: 'each' });
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** DEMO_DATA: synthetic persons for an empty database, so a fresh `npm start` shows data. */
async function seedDemoDataIfEmpty(ds: DataSource, config: Config, logger: Logger): Promise<void> {
  const { mode, persons } = config.demoData;
  const wanted = mode === 'on' || (mode === 'auto' && config.database.kind === 'pglite');
  if (!wanted || persons === 0 || (await hasPersons(ds))) return;
  logger.info({ persons }, 'empty database: writing the synthetic demo data set');
  const result = await seedDatabase(ds, { persons });
  logger.info(
    { persons: result.persons, consents: result.consents, ms: result.ms },
    'synthetic demo data written',
  );
}

/**
 * Hands the DataSource to `opened` as soon as it exists, so a start that fails half-way
 * still destroys it on stop.
 */
export async function openHubDatabase(
  config: Config,
  options: DataSourceOptions,
  logger: Logger,
  opened: (ds: DataSource) => void,
): Promise<DataSource> {
  const ds = createDataSource(config.database, options);
  opened(ds);
  await ds.initialize();
  if (config.migrationsRun) {
    const applied = await runMigrationsExclusively(ds);
    if (applied.length)
      logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  }
  const loaded = await loadReferenceData(ds, bundledReferenceFiles());
  logger.info(loaded, 'reference data checked');
  await seedDemoDataIfEmpty(ds, config, logger);
  return ds;
}
