/**
 * A `pg`-compatible driver for TypeORM over one embedded PGlite database.
 *
 * Why our own instead of `typeorm-pglite`: PGlite is a single PostgreSQL session, and
 * typeorm-pglite hands that one session to every concurrent TypeORM query runner, so a
 * `BEGIN` issued by one request captures the statements of every other request until its
 * `COMMIT` (and a `ROLLBACK` undoes them). This pool checks the session out to one query
 * runner at a time, exactly like a `pg` pool with `max: 1`, which keeps transactions
 * isolated. It also parses values the way `pg` does (int8 as string, date as
 * 'YYYY-MM-DD') so the same code behaves identically on both databases.
 */
import { EventEmitter } from 'node:events';
import { types, type PGlite, type Results } from '@electric-sql/pglite';
import { tracedStatement } from '../observability/tracing';
import { openEmbeddedDatabase, type EmbeddedDatabase } from './open-embedded';

export interface PGliteDriverOptions {
  /**
   * Directory for the database files, locked while the pool is open (a second pool or
   * process on it is refused); undefined keeps the database in memory.
   */
  dataDir?: string;
}

interface PgResult {
  command: string;
  rowCount: number;
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
}

type ConnectCallback = (
  err: Error | null,
  client: PGliteSession | null,
  release: (err?: unknown) => void,
) => void;

const passThrough = (value: string): string => value;

/** Parsers that make PGlite's rows look like those of `pg` with its defaults. */
const pgCompatibleParsers = {
  [types.INT8]: passThrough,
  [types.DATE]: passThrough,
};

function toPgResult(result: Results | undefined): PgResult {
  if (!result) return { command: '', rowCount: 0, rows: [], fields: [] };
  const withCommand = result as Results & { command?: string; rowCount?: number };
  return {
    command: withCommand.command ?? '',
    rowCount: result.affectedRows ?? withCommand.rowCount ?? result.rows.length,
    rows: result.rows,
    fields: result.fields,
  };
}

/** The part of `pg.Client` that TypeORM calls on a checked-out connection. */
export class PGliteSession extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  // In a span when tracing is on (the statement's text, never its parameters).
  query(text: string, params?: unknown[]): Promise<PgResult> {
    return tracedStatement(text, async () => {
      if (params && params.length > 0) {
        return toPgResult(await this.db.query(text, params));
      }
      // Like `pg` without parameters: the simple protocol, which allows several statements.
      const results = await this.db.exec(text);
      return toPgResult(results[results.length - 1]);
    });
  }
}

/** Waits in line for the one session; `timeoutMs` 0 waits forever. */
class SessionLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  acquire(timeoutMs: number): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              const i = this.waiters.indexOf(grant);
              if (i >= 0) this.waiters.splice(i, 1);
              reject(new Error('timeout waiting for the embedded database session'));
            }, timeoutMs)
          : undefined;
      this.waiters.push(grant);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

export interface PGlitePoolLike extends EventEmitter {
  connect(callback: ConnectCallback): void;
  query(text: string, params?: unknown[]): Promise<PgResult>;
  end(callback?: (err?: Error | null) => void): void;
}

/**
 * Builds the object TypeORM expects as `options.driver` (it calls `new driver.Pool(opts)`).
 * Each Pool owns its own PGlite instance, so destroying and re-initialising a DataSource
 * opens the database again. `onOpen` exposes the instance (for LISTEN/NOTIFY and tests).
 * Opening locks the data directory first: a directory in use or damaged fails the first
 * `connect()` (and so `DataSource.initialize()`) with DataDirLockedError or
 * DataDirUnusableError.
 */
export function createPGliteDriver(
  options: PGliteDriverOptions,
  onOpen?: (db: PGlite) => void,
): { Pool: new (poolOptions?: { connectionTimeoutMillis?: number }) => PGlitePoolLike } {
  class PGlitePool extends EventEmitter implements PGlitePoolLike {
    private readonly opened: Promise<EmbeddedDatabase>;
    private readonly db: Promise<PGlite>;
    private readonly lock = new SessionLock();
    private readonly timeoutMs: number;

    constructor(poolOptions: { connectionTimeoutMillis?: number } = {}) {
      super();
      this.timeoutMs = poolOptions.connectionTimeoutMillis ?? 0;
      this.opened = openEmbeddedDatabase(options.dataDir, { parsers: pgCompatibleParsers });
      this.db = this.opened.then(({ db }) => {
        onOpen?.(db);
        return db;
      });
      // Surface an open failure through connect() rather than as an unhandled rejection.
      this.db.catch(() => undefined);
    }

    connect(callback: ConnectCallback): void {
      const noop = (): void => undefined;
      Promise.all([this.db, this.lock.acquire(this.timeoutMs)]).then(
        ([db]) => {
          let released = false;
          const release = (): void => {
            if (released) return;
            released = true;
            this.lock.release();
          };
          callback(null, new PGliteSession(db), release);
        },
        (err: Error) => callback(err, null, noop),
      );
    }

    async query(text: string, params?: unknown[]): Promise<PgResult> {
      const db = await this.db;
      await this.lock.acquire(this.timeoutMs);
      try {
        return await new PGliteSession(db).query(text, params);
      } finally {
        this.lock.release();
      }
    }

    end(callback?: (err?: Error | null) => void): void {
      this.opened
        .then((opened) => opened.close())
        .then(
          () => callback?.(null),
          (err: Error) => callback?.(err),
        );
    }
  }
  return { Pool: PGlitePool };
}
