/**
 * Builds the TypeORM DataSource: embedded PGlite by default, a PostgreSQL server when
 * DATABASE_URL is set. Never a module-level singleton: each hub (and each test) owns one.
 */
import 'reflect-metadata';
import type { PGlite } from '@electric-sql/pglite';
import { types as pgTypeParsers } from 'pg';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { entities } from '../entities';
import { OutboxCommitSubscriber } from '../events/sequencer/commit-hook';
import { migrations } from '../migrations';
import { createPGliteDriver } from './pglite-driver';
import { PreparingClient } from './prepared';

/** `date` columns as 'YYYY-MM-DD' strings on both drivers (pg would build local-time Dates). */
const DATE_OID = 1082;
export const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): unknown =>
    oid === DATE_OID ? (v: string) => v : pgTypeParsers.getTypeParser(oid, format),
};

export interface DataSourceOptions {
  /** Optional TypeORM logger (tests count statements with one). */
  logger?: TypeOrmLogger;
  /** Called with the PGlite instance once it is open (embedded mode only). */
  onPGliteOpen?: (db: PGlite) => void;
}

export function createDataSource(db: DatabaseConfig, options: DataSourceOptions = {}): DataSource {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    // Positions of appended events are known when their transaction's promise resolves.
    subscribers: [OutboxCommitSubscriber],
    migrationsTableName: 'migrations',
    // Schema changes go through migrations only.
    synchronize: false,
    migrationsRun: false,
    logger: options.logger,
    logging: options.logger ? true : false,
  };
  if (db.kind === 'postgres') {
    return new DataSource({
      ...common,
      url: db.url,
      poolSize: db.poolSize,
      applicationName: 'samverkan-hub',
      // Registered statements go out named (prepared.ts).
      extra: { types: pgTypes, Client: PreparingClient },
    });
  }
  return new DataSource({
    ...common,
    driver: createPGliteDriver({ dataDir: db.dataDir }, options.onPGliteOpen),
    // The embedded database is one session: waiting longer than this means a deadlock.
    connectTimeoutMS: 30000,
  });
}
