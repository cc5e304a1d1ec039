/**
 * The load generator, in its own process (forked by load.ts) so that the client's CPU is
 * not the server's: autocannon against one URL, a warm-up run that is thrown away, then
 * the measured run. Every response body is checked (cheaply, by pattern) so that a fast
 * error never counts as a success: mismatches are reported next to the figures.
 */
import autocannon from 'autocannon';
import type { LoadJob, LoadResult } from './load';

const CHECKS: Record<LoadJob['kind'], RegExp> = {
  // The page came back with persons in it (also when some fields are FORBIDDEN).
  caseload: /"persons"\s*:\s*\{\s*"edges"\s*:\s*\[\s*\{\s*"node"/,
  createReferral: /"createReferral"\s*:\s*\{\s*"id"/,
};

/** The request rotation, and how many requests it has handed out. */
function requestFactory(job: LoadJob): { requests: autocannon.Request[]; used: () => number } {
  let next = 0;
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (req: autocannon.Request) => {
        const variant = job.variants[next++ % job.variants.length];
        return {
          ...req,
          headers: { 'content-type': 'application/json', ...variant.headers },
          body: variant.body,
        };
      },
    },
  ];
  return { requests, used: () => next };
}

function run(job: LoadJob, seconds: number, factory: ReturnType<typeof requestFactory>) {
  return autocannon({
    url: job.url,
    connections: job.connections,
    duration: seconds,
    requests: factory.requests,
    verifyBody: (body) => CHECKS[job.kind].test(String(body ?? '')),
  });
}

async function main(job: LoadJob): Promise<LoadResult> {
  const factory = requestFactory(job);
  if (job.warmUpS > 0) await run(job, job.warmUpS, factory);
  const r = await run(job, job.durationS, factory);
  return {
    connections: job.connections,
    durationS: r.duration,
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    bytesPerRequest: r.requests.total ? Math.round(r.throughput.total / r.requests.total) : 0,
    // createReferral: each variant is a person not yet referred with its own idempotency
    // key; once they are all used, a resent one is an idempotent replay, not a write.
    exhausted: job.kind === 'createReferral' && factory.used() > job.variants.length,
  };
}

process.once('message', (job: LoadJob) => {
  main(job).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) }, () =>
        process.exit(1),
      ),
  );
});
