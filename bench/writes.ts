/**
 * Writes: createReferral per second on a fresh hub, each one a transaction with the
 * referral, the person-link update, the access-log row and the outbox event, from a
 * separate load process at a fixed concurrency; every person once, each request with its
 * own idempotency key.
 *
 * Then, in the same run, the **floor**: a bare `pg` client doing the same rows — a referral,
 * an access-log row and an (unpositioned) event — in one transaction per request, at the
 * same concurrency (one connection per concurrent request), with the hub stopped. No HTTP,
 * no GraphQL, no policy, no idempotency claim, no person-link update, no waiting for the
 * position: what PostgreSQL on this machine gives for those rows. Its events get their
 * positions from the next hub that starts on the database (a later part's).
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startHub, type ServerEnv } from './caseload';
import { cpuPerRequest, postgresCpu, postgresCpuSince, processCpuMs } from './process-cpu';
import { hubMetrics } from './lib/hub-metrics';
import { runLoad, type LoadResult } from './lib/load';
import {
  describeShare,
  mainThreadShare,
  markMainThread,
  type MainThreadShare,
} from './lib/main-thread';
import { stopProcess } from './lib/processes';
import type { ReferralCandidates } from './lib/referral-writer';
import type { Settings } from './lib/settings';

/** Generous upper bound of createReferral per second, to hand the load enough persons. */
const MAX_RATE = 3000;

export interface WriteFloorResult {
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** PostgreSQL's CPU per transaction (warm-up included), for comparison with the hub's. */
  postgresCpuMsPerTransaction?: number | null;
}

export type WritesResult = LoadResult & {
  floor: WriteFloorResult;
  /** The hub's CPU (user + system, from the kernel) per createReferral; null off Linux. */
  hubCpuMsPerRequest?: number | null;
  /** PostgreSQL's CPU per createReferral (local server, backend by backend). */
  postgresCpuMsPerRequest?: number | null;
  /** How much of the hub's one JavaScript thread the load took (lib/main-thread.ts). */
  mainThread?: MainThreadShare;
};

export async function runWrites(
  settings: Settings,
  env: ServerEnv,
  candidates: ReferralCandidates,
  /** Persons kept for the event benchmark that runs after this one. */
  reserve: number,
  log: (line: string) => void,
): Promise<WritesResult> {
  const hub = await startHub(env, 'hub-writes');
  let r: LoadResult;
  let cpuMs: number | null = null;
  let pgMs: number | null;
  let mainThread: MainThreadShare | undefined;
  try {
    const variants = candidates.take(
      Math.min(
        candidates.remaining - reserve,
        MAX_RATE * (settings.warmUpS + settings.writeDurationS),
      ),
    );
    if (variants.length === 0) throw new Error('no persons left to refer');
    const threadBefore = markMainThread(hub.child.pid, await hubMetrics(hub.url));
    const cpuBefore = processCpuMs(hub.child.pid);
    const pgBefore = postgresCpu();
    r = await runLoad({
      kind: 'createReferral',
      url: hub.url,
      connections: settings.writeConcurrency,
      warmUpS: settings.warmUpS,
      durationS: settings.writeDurationS,
      variants,
    });
    const cpuAfter = processCpuMs(hub.child.pid);
    pgMs = postgresCpuSince(pgBefore);
    mainThread = mainThreadShare(
      threadBefore,
      markMainThread(hub.child.pid, await hubMetrics(hub.url)),
    );
    if (cpuBefore !== null && cpuAfter !== null) cpuMs = cpuAfter - cpuBefore;
    log(
      `  createReferral c=${settings.writeConcurrency}: ${r.rps.toFixed(0)} /s, p50 ${r.p50} ms, p99 ${r.p99} ms (${r.requests} requests, non-2xx ${r.non2xx}, mismatches ${r.mismatches}, persons handed out ${variants.length})`,
    );
  } finally {
    await stopProcess(hub.child);
  }
  const floor = await runWriteFloor(
    env.dbUrl,
    settings.writeConcurrency,
    settings.warmUpS,
    settings.writeDurationS,
  );
  log(
    `  floor (bare pg, same rows) c=${floor.connections}: ${floor.rps.toFixed(0)} /s, p50 ${floor.p50} ms, p99 ${floor.p99} ms (${floor.requests} transactions, PostgreSQL ${floor.postgresCpuMsPerTransaction ?? '—'} ms CPU each); hub/floor ${(r.rps / floor.rps).toFixed(2)}`,
  );
  const hubCpuMsPerRequest = cpuPerRequest(cpuMs, r.requests, r.rps, settings.warmUpS);
  const postgresCpuMsPerRequest = cpuPerRequest(pgMs, r.requests, r.rps, settings.warmUpS);
  log(
    `  CPU per createReferral: hub ${hubCpuMsPerRequest ?? '—'} ms, PostgreSQL ${postgresCpuMsPerRequest ?? '—'} ms (kernel count, warm-up included); hub ${describeShare(mainThread)}`,
  );
  return { ...r, floor, hubCpuMsPerRequest, postgresCpuMsPerRequest, mainThread };
}

interface FloorPerson {
  personId: string;
  districtId: string;
  jobCentreId: string;
}

/** One createReferral's rows, as the hub writes them, in one transaction. */
async function floorTransaction(c: Client, p: FloorPerson): Promise<void> {
  const referralId = randomUUID();
  const sub = `bench-floor@${p.districtId}`;
  await c.query('BEGIN');
  try {
    await c.query(
      `INSERT INTO referral (id, person_id, from_district_id, to_job_centre_id, target_group,
         support_barrier, note, status, first_appointment_at, created_by)
       VALUES ($1, $2, $3, $4, 'ARBETSLOS', '02', 'Syntetisk remiss (bench floor)', 'SENT',
         '2099-01-15T09:00:00.000Z', $5)`,
      [referralId, p.personId, p.districtId, p.jobCentreId, sub],
    );
    await c.query(
      `INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action,
         operation, field_groups, purpose, bases, via)
       VALUES ($1, $2, 'DISTRICT_CASEWORKER', $3, $4, 'WRITE', 'createReferral', '{referral}',
         'case-handling', '{}', 'root')`,
      [randomUUID(), sub, p.districtId, p.personId],
    );
    await c.query(
      `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id,
         actor_sub, actor_org, payload)
       VALUES ($1, 'REFERRAL_SENT', $2, $3, $4, $5, $6, $4, $7)`,
      [
        randomUUID(),
        referralId,
        p.personId,
        p.districtId,
        p.jobCentreId,
        sub,
        JSON.stringify({ targetGroup: 'ARBETSLOS', supportBarrier: '02' }),
      ],
    );
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** `connections` clients, each running floorTransaction back to back; warm-up not counted. */
export async function runWriteFloor(
  dbUrl: string,
  connections: number,
  warmUpS: number,
  durationS: number,
): Promise<WriteFloorResult> {
  const clients = Array.from(
    { length: connections },
    () => new Client({ connectionString: dbUrl, application_name: 'bench-write-floor' }),
  );
  await Promise.all(clients.map((c) => c.connect()));
  try {
    const { rows } = await clients[0].query<{
      person_id: string;
      organisation_id: string;
      job_centre_id: string;
    }>(
      `SELECT l.person_id, l.organisation_id, o.default_job_centre_id AS job_centre_id
         FROM person_link l JOIN organisation o ON o.id = l.organisation_id
        WHERE l.relation = 'ASSISTANCE_CASE' AND l.active AND o.default_job_centre_id IS NOT NULL
        LIMIT 10000`,
    );
    if (rows.length === 0) throw new Error('floor: no persons with an assistance case');
    const persons: FloorPerson[] = rows.map((r) => ({
      personId: r.person_id,
      districtId: r.organisation_id,
      jobCentreId: r.job_centre_id,
    }));
    const pgBefore = postgresCpu();
    let transactions = 0;
    const start = Date.now();
    const measureFrom = start + warmUpS * 1000;
    const end = measureFrom + durationS * 1000;
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      clients.map(async (c) => {
        for (;;) {
          const t0 = Date.now();
          if (t0 >= end) return;
          await floorTransaction(c, persons[next++ % persons.length]);
          transactions++;
          const t1 = Date.now();
          if (t0 >= measureFrom && t1 <= end) latencies.push(t1 - t0);
        }
      }),
    );
    // Read before the clients end: a backend's time leaves with it.
    const pgMs = postgresCpuSince(pgBefore);
    latencies.sort((a, b) => a - b);
    return {
      connections,
      durationS,
      requests: latencies.length,
      rps: latencies.length / durationS,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      postgresCpuMsPerTransaction:
        pgMs === null || transactions === 0 ? null : Math.round((pgMs / transactions) * 10) / 10,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
