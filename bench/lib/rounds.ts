/**
 * Measurements in interleaved rounds. This host's speed moves within a minute (the same
 * server, same load, 208 and then 340 requests/s in consecutive rounds of `npm run bench:ab`),
 * so a ratio of two servers each loaded once for 15 s depends on which one met the slow
 * minute. Loading each server several times in shorter rounds, in a rotated order, puts
 * every server into every stretch of the run alike; the figures are then combined here.
 */
import type { LoadResult } from './load';
import type { MainThreadShare } from './main-thread';

/** The order of the servers in round `round` (0-based): rotated by one each round. */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const k = items.length ? round % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** One server's figures from one round. */
export interface RoundFigures {
  load: LoadResult;
  /** Requests the CPU counts cover: the measured ones plus those of the unmeasured settling. */
  cpuRequests: number;
  /** CPU of the server's own process and of PostgreSQL over the round; null when unread. */
  cpuMs: number | null;
  postgresMs: number | null;
  stealPercent: number | null;
  mainThread: MainThreadShare;
}

export interface CombinedFigures {
  load: LoadResult;
  cpuMsPerRequest: number | null;
  postgresCpuMsPerRequest: number | null;
  stealPercent: number | null;
  mainThread: MainThreadShare;
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** The middle value (the lower of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

/** The mean of the values, or null when any is missing. */
function meanOrNull(xs: (number | null)[], digits: number): number | null {
  if (xs.length === 0 || xs.some((x) => x === null)) return null;
  const f = 10 ** digits;
  return Math.round((sum(xs as number[]) / xs.length) * f) / f;
}

/** Total CPU over total requests, or null when any round's count is missing. */
function perRequest(ms: (number | null)[], requests: number): number | null {
  if (ms.some((x) => x === null) || requests <= 0) return null;
  return Math.round((sum(ms as number[]) / requests) * 10) / 10;
}

/**
 * One server's rounds as one figure: requests per second over all measured seconds, latency
 * percentiles as the median of the rounds' (autocannon gives no histogram to merge), CPU
 * per request over all rounds, steal and main-thread shares as the rounds' means.
 */
export function combineRounds(rounds: readonly RoundFigures[]): CombinedFigures {
  if (rounds.length === 0) throw new Error('no rounds to combine');
  const loads = rounds.map((r) => r.load);
  const requests = sum(loads.map((l) => l.requests));
  const durationS = sum(loads.map((l) => l.durationS));
  const cpuRequests = sum(rounds.map((r) => r.cpuRequests));
  return {
    load: {
      connections: loads[0].connections,
      durationS,
      requests,
      rps: durationS > 0 ? requests / durationS : 0,
      p50: median(loads.map((l) => l.p50)),
      p90: median(loads.map((l) => l.p90)),
      p99: median(loads.map((l) => l.p99)),
      max: Math.max(...loads.map((l) => l.max)),
      non2xx: sum(loads.map((l) => l.non2xx)),
      errors: sum(loads.map((l) => l.errors)),
      timeouts: sum(loads.map((l) => l.timeouts)),
      mismatches: sum(loads.map((l) => l.mismatches)),
      bytesPerRequest: loads[0].bytesPerRequest,
      exhausted: loads.some((l) => l.exhausted),
    },
    cpuMsPerRequest: perRequest(
      rounds.map((r) => r.cpuMs),
      cpuRequests,
    ),
    postgresCpuMsPerRequest: perRequest(
      rounds.map((r) => r.postgresMs),
      cpuRequests,
    ),
    stealPercent: meanOrNull(
      rounds.map((r) => r.stealPercent),
      1,
    ),
    mainThread: {
      cpuPercent: meanOrNull(
        rounds.map((r) => r.mainThread.cpuPercent),
        1,
      ),
      loopPercent: meanOrNull(
        rounds.map((r) => r.mainThread.loopPercent),
        1,
      ),
    },
  };
}
