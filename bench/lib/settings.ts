/**
 * What one bench run does, from the environment: `npm run bench` (full) or
 * `npm run bench:smoke` (seconds, correctness only). Every knob has a BENCH_* variable so
 * the lead can re-run parts on a quiet machine without editing code.
 */
export interface Settings {
  smoke: boolean;
  /** Admin URL of the PostgreSQL server (its database is used only to create ours). */
  serverUrl: string;
  database: string;
  persons: number;
  /** Seconds of load per server and concurrency, after warmUpS of unmeasured load. */
  durationS: number;
  warmUpS: number;
  /**
   * The caseload's measured seconds split into this many rounds, the servers loaded in a
   * rotated order each round (lib/rounds.ts); 1: each server once, as before.
   */
  rounds: number;
  concurrencies: number[];
  subscribers: number[];
  eventRate: number;
  eventDurationS: number;
  /**
   * Which hub serves the event writer's createReferral: `same` (the subscribers' own
   * instance, which then both writes and fans out) or `other` (a second instance on the same
   * database; the subscribers' instance gets the events by LISTEN/NOTIFY and only fans out,
   * which is what its per-instance delivery rate means).
   */
  eventWriter: 'same' | 'other';
  /**
   * When the largest subscriber count misses the latency target at eventRate: windows at
   * lower rates (halving, then one step between the last miss and the first hit) for the
   * highest rate at which it is met (BENCH_EVENT_SWEEP=0 turns it off).
   */
  eventSweep: boolean;
  writeConcurrency: number;
  writeDurationS: number;
  profileDurationS: number;
  only: Set<string>;
  /** Pool size of every server's database pool (the hub's DB_POOL_SIZE default). */
  poolSize: number;
}

const PARTS = ['caseload', 'gateway', 'tracing', 'events', 'writes', 'profile'];

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0))
    throw new Error(`${name} must be a comma-separated list of positive integers`);
  return values;
}

function eventWriter(): 'same' | 'other' {
  const raw = process.env.BENCH_EVENT_WRITER ?? 'same';
  if (raw !== 'same' && raw !== 'other')
    throw new Error('BENCH_EVENT_WRITER must be same or other');
  return raw;
}

/** The server URL with another database name. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function loadSettings(smoke: boolean): Settings {
  const serverUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const only = new Set((process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((s) => s.trim()));
  for (const part of only)
    if (!PARTS.includes(part))
      throw new Error(`BENCH_ONLY: unknown part ${part} (${PARTS.join(', ')})`);
  return {
    smoke,
    serverUrl,
    database: process.env.BENCH_DB ?? (smoke ? 'hub_bench_smoke' : 'hub_bench'),
    // Smoke: enough persons that a fast hub's createReferral (about 800/s at 4 connections on the
    // development machine) does not run out in its warm-up and measured seconds.
    persons: num('BENCH_PERSONS', smoke ? 10_000 : 100_000),
    durationS: num('BENCH_DURATION_S', smoke ? 1 : 15),
    warmUpS: num('BENCH_WARMUP_S', smoke ? 1 : 5),
    rounds: Math.max(1, Math.round(num('BENCH_ROUNDS', smoke ? 1 : 3))),
    concurrencies: list('BENCH_CONCURRENCY', smoke ? [4] : [1, 4, 16, 64]),
    subscribers: list('BENCH_SUBSCRIBERS', smoke ? [50] : [1000, 10_000]),
    eventRate: num('BENCH_EVENT_RATE', smoke ? 20 : 100),
    eventDurationS: num('BENCH_EVENT_DURATION_S', smoke ? 2 : 20),
    eventWriter: eventWriter(),
    eventSweep: !smoke && process.env.BENCH_EVENT_SWEEP !== '0',
    writeConcurrency: num('BENCH_WRITE_CONCURRENCY', smoke ? 4 : 16),
    writeDurationS: num('BENCH_WRITE_DURATION_S', smoke ? 1 : 15),
    profileDurationS: num('BENCH_PROFILE_DURATION_S', smoke ? 1 : 15),
    only,
    poolSize: num('BENCH_POOL_SIZE', 10),
  };
}
