/** Runs one autocannon load from a separate process (load-worker.ts) and returns its figures. */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { track } from './processes';

export interface RequestVariant {
  headers: Record<string, string>;
  body: string;
}

export interface LoadJob {
  kind: 'caseload' | 'createReferral';
  url: string;
  connections: number;
  warmUpS: number;
  durationS: number;
  /** Requests to rotate through (caseload) or to send once each (createReferral). */
  variants: RequestVariant[];
}

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  /** Mean requests per second over the measured run. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses whose body did not contain the expected data. */
  mismatches: number;
  bytesPerRequest: number;
  /** createReferral only: the persons ran out and some requests were replays. */
  exhausted: boolean;
}

export function runLoad(job: LoadJob): Promise<LoadResult> {
  const child = track(
    fork(join(__dirname, 'load-worker.ts'), [], {
      execArgv: ['-r', 'ts-node/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  return new Promise((resolve, reject) => {
    child.once('message', (msg: { ok: boolean; result?: LoadResult; error?: string }) => {
      if (msg.ok && msg.result) resolve(msg.result);
      else reject(new Error(`load failed: ${msg.error}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
    child.send(job);
  });
}
