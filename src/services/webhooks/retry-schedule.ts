/**
 * When to try an event again. The schedule lists the delay before each attempt: [0] the
 * first (normally 0, at once), [1] the first retry, …; past its end the last delay repeats
 * until the endpoint has failed for WEBHOOK_DISABLE_AFTER_MS. Each delay gets ±20 % jitter
 * so endpoints that failed together do not retry together. `Retry-After` on 429 and 503
 * replaces the scheduled delay (capped at the schedule's longest delay, at least 1 s when
 * given).
 */

export const JITTER = 0.2;

/** The delay before attempt number `attempt` (1-based: 1 is the first attempt). */
export function scheduledDelayMs(
  schedule: readonly number[],
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = schedule[Math.min(Math.max(attempt - 1, 0), schedule.length - 1)] ?? 0;
  if (base === 0) return 0;
  const jitter = (random() * 2 - 1) * JITTER * base;
  return Math.max(0, Math.round(base + jitter));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or invalid. */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/**
 * The delay before the next attempt after failed attempt `attemptsSoFar`, honouring
 * Retry-After on 429 and 503.
 */
export function nextDelayMs(
  schedule: readonly number[],
  attemptsSoFar: number,
  status: number | null,
  retryAfter: string | undefined,
  random: () => number = Math.random,
): number {
  if (status === 429 || status === 503) {
    const asked = parseRetryAfter(retryAfter);
    if (asked !== null) return Math.min(asked, Math.max(...schedule, 1000));
  }
  return scheduledDelayMs(schedule, attemptsSoFar + 1, random);
}
