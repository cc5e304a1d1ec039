/**
 * The event log's ordering guarantee under real concurrency (PostgreSQL server only: PGlite
 * is one session, so nothing there runs concurrently). Many writers append events in their
 * own transactions — some waiting before the append, some holding the counter lock a while
 * after it, some rolling back — while a reader follows the log with `position > last seen`.
 * The reader must end up with exactly the committed log, in order: an event that became
 * visible below a position the reader had already passed would be missing from what it saw.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';
import { readEvents } from '../../src/events/event-store';
import type { NewEvent, StoredEvent } from '../../src/events/event-types';
import { appendEvents } from '../../src/events/outbox';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const d = process.env.DATABASE_URL ? describe : describe.skip;

const WRITERS = 8;
const TRANSACTIONS = 50;

class RolledBack extends Error {
  constructor(readonly events: StoredEvent[]) {
    super('rolled back on purpose');
  }
}

function randomInt(max: number): number {
  return Math.floor(Math.random() * max);
}

function newEvent(writer: number): NewEvent {
  return {
    type: 'REFERRAL_SENT',
    referralId: randomUUID(),
    personId: randomUUID(),
    districtId: 'skarholmen',
    jobCentreId: 'jobbtorg-sydvast',
    actor: { sub: `writer-${writer}`, orgId: 'skarholmen' },
    payload: { writer },
  };
}

d('event log ordering under concurrent writers (PostgreSQL)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource({ kind: 'postgres', url: db.url!, poolSize: 12 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  test('a reader following the log sees every committed event once, in order, and no rolled-back one', async () => {
    const committed = new Map<string, string>(); // id → position
    const rolledBack = new Set<string>();
    let writing = true;

    const observed: StoredEvent[] = [];
    let reads = 0;
    const reader = (async () => {
      let last = '0';
      for (;;) {
        const finished = !writing; // decided before the read: a last read after all commits
        const page = await readEvents(ds, {
          afterPosition: last,
          limit: 25,
          scope: { kind: 'all' },
        });
        reads++;
        for (const e of page) {
          if (BigInt(e.position) <= BigInt(last))
            throw new Error(`position ${e.position} after ${last}: the log went backwards`);
          observed.push(e);
          last = e.position;
        }
        if (page.length === 0) {
          if (finished) return;
          await new Promise((r) => setImmediate(r));
        }
      }
    })();

    const writer = async (w: number) => {
      for (let i = 0; i < TRANSACTIONS; i++) {
        const events = Array.from({ length: 1 + randomInt(3) }, () => newEvent(w));
        const rollback = Math.random() < 0.15;
        const sleepBefore = Math.random() < 0.3;
        const sleepAfter = Math.random() < 0.1;
        try {
          const stored = await ds.transaction(async (m) => {
            if (sleepBefore) await m.query('SELECT pg_sleep($1)', [(1 + randomInt(5)) / 1000]);
            const s = await appendEvents(m, events);
            // Holding the counter lock a while: later writers must wait, not overtake.
            if (sleepAfter) await m.query('SELECT pg_sleep(0.003)');
            if (rollback) throw new RolledBack(s);
            return s;
          });
          for (const e of stored) committed.set(e.id, e.position);
        } catch (err) {
          if (!(err instanceof RolledBack)) throw err;
          for (const e of err.events) rolledBack.add(e.id);
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    } finally {
      writing = false;
    }
    await reader;

    const log = await readEvents(ds, {
      afterPosition: '0',
      limit: 100_000,
      scope: { kind: 'all' },
    });
    expect(rolledBack.size).toBeGreaterThan(0);
    expect(committed.size).toBeGreaterThan(WRITERS * TRANSACTIONS * 0.5);
    // The reader really interleaved with the writers (many reads, not one at the end).
    expect(reads).toBeGreaterThan(20);

    // What the reader saw, concatenated, is the final log: nothing skipped, nothing twice.
    expect(observed.map((e) => `${e.position}:${e.id}`)).toEqual(
      log.map((e) => `${e.position}:${e.id}`),
    );
    // The log is exactly the committed events, at the positions their writers were given;
    // rolled-back positions are reused, so positions run 1..n without holes.
    expect(log).toHaveLength(committed.size);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => String(i + 1)));
    for (const e of log) expect(committed.get(e.id)).toBe(e.position);
    expect(log.filter((e) => rolledBack.has(e.id))).toEqual([]);
    const [{ last_position: counter }] = await ds.query<{ last_position: string }[]>(
      'SELECT last_position FROM event_sequence WHERE id = 1',
    );
    expect(String(counter)).toBe(String(log.length));
  });
});
