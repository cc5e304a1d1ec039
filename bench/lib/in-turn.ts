/**
 * Two or more hub variants (directly, through the gateway, with tracing on…) loaded in turn
 * with the same coach's caseload at each concurrency, so every ratio between them comes
 * from the same minutes. Used by the gateway and tracing parts.
 */
import { post } from '../caseload';
import { caseloadBody, caseloadRequests, comparableData } from '../caseload-query';
import { runLoad, type LoadResult } from './load';
import type { Server } from './processes';
import type { Settings } from './settings';

export interface InTurnRun<S extends string> {
  concurrency: number;
  results: Record<S, LoadResult>;
}

export async function loadInTurn<S extends string>(
  order: readonly S[],
  servers: Record<S, Server>,
  settings: Settings,
  tokens: Map<string, string>,
  log: (line: string) => void,
): Promise<InTurnRun<S>[]> {
  const width = Math.max(...order.map((s) => s.length));
  const runs: InTurnRun<S>[] = [];
  for (const concurrency of settings.concurrencies) {
    const results = {} as Record<S, LoadResult>;
    for (const s of order) {
      const r = await runLoad({
        kind: 'caseload',
        url: servers[s].url,
        connections: concurrency,
        warmUpS: settings.warmUpS,
        durationS: settings.durationS,
        variants: caseloadRequests('hub', tokens),
      });
      results[s] = r;
      log(
        `  caseload c=${concurrency} ${s.padEnd(width)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (non-2xx ${r.non2xx}, errors ${r.errors}, mismatches ${r.mismatches})`,
      );
    }
    runs.push({ concurrency, results });
  }
  return runs;
}

/** Failed requests, or none at all, in any variant at any concurrency. */
export function failedRuns<S extends string>(part: string, runs: InTurnRun<S>[]): string[] {
  const out: string[] = [];
  for (const run of runs)
    for (const [s, x] of Object.entries(run.results) as [S, LoadResult][])
      if (x.requests === 0 || x.non2xx + x.errors + x.timeouts + x.mismatches > 0)
        out.push(`${part}: ${s} at ${run.concurrency} had failed requests or none`);
  return out;
}

/** True when `other` answers every job centre's caseload with the same data as `reference`. */
export async function sameCaseloads(
  reference: Server,
  other: Server,
  tokens: Map<string, string>,
  log: (line: string) => void,
): Promise<boolean> {
  let same = true;
  for (const [jobCentreId, token] of tokens) {
    const body = caseloadBody('hub', jobCentreId);
    const [a, b] = [await post(reference.url, token, body), await post(other.url, token, body)];
    if (comparableData(a as never) !== comparableData(b as never)) {
      same = false;
      log(
        `  WARNING: ${other.name} answers ${jobCentreId}'s caseload differently from ${reference.name}`,
      );
    }
  }
  return same;
}
