/**
 * Writes: createReferral per second on a fresh hub, each one a transaction with the
 * referral, the person-link update, the access-log row and the outbox event, from a
 * separate load process at a fixed concurrency; every person once, each request with its
 * own idempotency key.
 */
import { startHub, type ServerEnv } from './caseload';
import { runLoad, type LoadResult } from './lib/load';
import { stopProcess } from './lib/processes';
import type { ReferralCandidates } from './lib/referral-writer';
import type { Settings } from './lib/settings';

/** Generous upper bound of createReferral per second, to hand the load enough persons. */
const MAX_RATE = 3000;

export async function runWrites(
  settings: Settings,
  env: ServerEnv,
  candidates: ReferralCandidates,
  /** Persons kept for the event benchmark that runs after this one. */
  reserve: number,
  log: (line: string) => void,
): Promise<LoadResult> {
  const hub = await startHub(env, 'hub-writes');
  try {
    const variants = candidates.take(
      Math.min(
        candidates.remaining - reserve,
        MAX_RATE * (settings.warmUpS + settings.writeDurationS),
      ),
    );
    if (variants.length === 0) throw new Error('no persons left to refer');
    const r = await runLoad({
      kind: 'createReferral',
      url: hub.url,
      connections: settings.writeConcurrency,
      warmUpS: settings.warmUpS,
      durationS: settings.writeDurationS,
      variants,
    });
    log(
      `  createReferral c=${settings.writeConcurrency}: ${r.rps.toFixed(0)} /s, p50 ${r.p50} ms, p99 ${r.p99} ms (${r.requests} requests, non-2xx ${r.non2xx}, mismatches ${r.mismatches}, persons handed out ${variants.length})`,
    );
    return r;
  } finally {
    await stopProcess(hub.child);
  }
}
