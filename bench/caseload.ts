/**
 * Caseload query: a coach's page of 50 persons with all four sources, authorized and
 * access-logged, against the hub, the peer (PostGraphile 5) and the floor (one SQL
 * statement behind node:http). All three run side by side on the same database; for each
 * concurrency the three are loaded in turn, so their ratios come from the same minutes.
 */
import { join } from 'node:path';
import { makeToken } from '../scripts/token';
import { caseloadBody, caseloadRequests, comparableData, comparableErrors } from './caseload-query';
import { hubMetrics } from './lib/hub-metrics';
import { runLoad, type LoadResult } from './lib/load';
import { postgresCpu, postgresCpuSince, processCpuMs } from './process-cpu';
import { combineRounds, roundOrder, type CombinedFigures, type RoundFigures } from './lib/rounds';
import { cpuTimes, stealPercent } from './lib/steal';
import {
  describeShare,
  mainThreadShare,
  markMainThread,
  type MainThreadShare,
} from './lib/main-thread';
import { startScriptNodeArgs, startServer, stopProcess, type Server } from './lib/processes';
import type { Settings } from './lib/settings';

export type ServerName = 'hub' | 'peer' | 'floor';
export const SERVERS: ServerName[] = ['hub', 'peer', 'floor'];

export interface CaseloadCheck {
  server: ServerName;
  persons: number;
  errors: number;
  sameDataAsHub: boolean;
  sameErrorsAsHub: boolean;
}

export interface CaseloadResult {
  jobCentres: string[];
  checks: CaseloadCheck[];
  runs: {
    concurrency: number;
    results: Record<ServerName, LoadResult>;
    /** CPU ms per request of each server's own process (PostgreSQL's work not included). */
    cpuMsPerRequest?: Record<ServerName, number | null>;
    /** CPU ms per request of the local PostgreSQL processes while that server was loaded. */
    postgresCpuMsPerRequest?: Record<ServerName, number | null>;
    /** Percent of CPU time the host stole while that server was loaded (lib/steal.ts). */
    stealPercent?: Record<ServerName, number | null>;
    /** How much of each server's one JavaScript thread the load took (lib/main-thread.ts). */
    mainThread?: Record<ServerName, MainThreadShare>;
    /** Requests per second of each server in each round, when there were several (lib/rounds.ts). */
    rounds?: Record<ServerName, number>[];
  }[];
}

const ROOT = join(__dirname, '..');

export interface ServerEnv {
  dbUrl: string;
  secret: string;
  poolSize: number;
  logDir: string;
}

export function hubArgs(
  extra: string[] = [],
  entry = join(ROOT, 'dist', 'src', 'index.js'),
): string[] {
  // Flags given here (AB_*_NODE_ARGS) come after the start script's and win over them.
  return [...startScriptNodeArgs(), ...extra, entry];
}

export function startHub(
  env: ServerEnv,
  name = 'hub',
  nodeArgs: string[] = [],
  extraEnv: Record<string, string> = {},
  /** Another build's entry (bench/ab.ts); the tree's own build by default. */
  entry?: string,
): Promise<Server> {
  return startServer(
    name,
    hubArgs(nodeArgs, entry),
    {
      NODE_ENV: 'production',
      DATABASE_URL: env.dbUrl,
      PORT: '0',
      AUTH_JWT_SECRET: env.secret,
      DEMO_DATA: 'off',
      LOG_LEVEL: 'info',
      DB_POOL_SIZE: String(env.poolSize),
      ...extraEnv,
    },
    join(env.logDir, `${name}.log`),
  );
}

function startPeerOrFloor(which: 'peer' | 'floor', env: ServerEnv): Promise<Server> {
  return startServer(
    which,
    ['-r', 'ts-node/register', join(__dirname, 'servers', `${which}.ts`)],
    {
      DATABASE_URL: env.dbUrl,
      PORT: '0',
      AUTH_JWT_SECRET: env.secret,
      DB_POOL_SIZE: String(env.poolSize),
      GRAPHILE_ENV: 'production',
      NODE_ENV: 'production',
    },
    join(env.logDir, `${which}.log`),
  );
}

export async function post(url: string, token: string, body: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** One request per server and job centre: the three must answer with the same persons and fields. */
async function checkSameAnswers(
  servers: Record<ServerName, Server>,
  tokens: Map<string, string>,
): Promise<CaseloadCheck[]> {
  const checks: CaseloadCheck[] = [];
  for (const [jobCentreId, token] of tokens) {
    const bodies = {} as Record<ServerName, Parameters<typeof comparableData>[0]>;
    for (const s of SERVERS)
      bodies[s] = (await post(servers[s].url, token, caseloadBody(s, jobCentreId))) as never;
    for (const s of SERVERS) {
      checks.push({
        server: s,
        persons: bodies[s].data?.persons?.edges?.length ?? 0,
        errors: bodies[s].errors?.length ?? 0,
        sameDataAsHub: comparableData(bodies[s]) === comparableData(bodies.hub),
        sameErrorsAsHub:
          JSON.stringify(comparableErrors(bodies[s])) ===
          JSON.stringify(comparableErrors(bodies.hub)),
      });
    }
  }
  return checks;
}

export async function coachTokens(
  secret: string,
  jobCentres: string[],
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const org of jobCentres)
    tokens.set(
      org,
      await makeToken(secret, {
        role: 'JOB_CENTRE_COACH',
        org,
        sub: `bench-coach@${org}`,
        ttlSeconds: 24 * 3600,
      }),
    );
  return tokens;
}

export async function runCaseload(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  log: (line: string) => void,
): Promise<CaseloadResult> {
  const tokens = await coachTokens(env.secret, jobCentres);
  const started: Server[] = [];
  try {
    const [hub, peer, floor] = await Promise.all([
      startHub(env),
      startPeerOrFloor('peer', env),
      startPeerOrFloor('floor', env),
    ]);
    started.push(hub, peer, floor);
    const servers: Record<ServerName, Server> = { hub, peer, floor };
    const checks = await checkSameAnswers(servers, tokens);
    for (const c of checks.filter((c) => c.server !== 'hub'))
      if (!c.sameDataAsHub) log(`  WARNING: ${c.server} answers with other data than the hub`);

    const runs: CaseloadResult['runs'] = [];
    // Each round settles its load for a second (connections, the server's pace) before it counts.
    const settleS = settings.rounds > 1 ? Math.min(1, settings.warmUpS) : settings.warmUpS;
    const measure = (s: ServerName, concurrency: number, durationS: number) =>
      measureRound(servers[s], s, concurrency, settleS, durationS, tokens);
    for (const concurrency of settings.concurrencies) {
      if (settings.rounds > 1)
        // Warmed once before the rounds: compiled code and caches as they stay for the rest.
        for (const s of SERVERS)
          await runLoad({
            kind: 'caseload',
            url: servers[s].url,
            connections: concurrency,
            warmUpS: 0,
            durationS: settings.warmUpS,
            variants: caseloadRequests(s, tokens),
          });
      const byServer = { hub: [], peer: [], floor: [] } as Record<ServerName, RoundFigures[]>;
      const rounds: Record<ServerName, number>[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        const rps = {} as Record<ServerName, number>;
        for (const s of roundOrder(SERVERS, round)) {
          const f = await measure(s, concurrency, settings.durationS / settings.rounds);
          byServer[s].push(f);
          rps[s] = f.load.rps;
          const tag = settings.rounds > 1 ? ` round ${round + 1}` : '';
          log(`  caseload c=${concurrency} ${s.padEnd(5)}${tag} ${describeRound(f)}`);
        }
        rounds.push(rps);
      }
      const combined = {} as Record<ServerName, CombinedFigures>;
      for (const s of SERVERS) {
        combined[s] = combineRounds(byServer[s]);
        if (settings.rounds > 1)
          log(
            `  caseload c=${concurrency} ${s.padEnd(5)} all rounds ${describeCombined(combined[s])}`,
          );
      }
      const per = <T>(pick: (c: CombinedFigures) => T) =>
        Object.fromEntries(SERVERS.map((s) => [s, pick(combined[s])])) as Record<ServerName, T>;
      runs.push({
        concurrency,
        results: per((c) => c.load),
        cpuMsPerRequest: per((c) => c.cpuMsPerRequest),
        postgresCpuMsPerRequest: per((c) => c.postgresCpuMsPerRequest),
        stealPercent: per((c) => c.stealPercent),
        mainThread: per((c) => c.mainThread),
        ...(settings.rounds > 1 ? { rounds } : {}),
      });
    }
    return { jobCentres, checks, runs };
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}

/** One server under load once: its requests and latency, and the CPU it and PostgreSQL spent. */
async function measureRound(
  server: Server,
  s: ServerName,
  concurrency: number,
  settleS: number,
  durationS: number,
  tokens: ReadonlyMap<string, string>,
): Promise<RoundFigures> {
  // The hub's loop busy time from its metrics; the peer and the floor have none.
  const hubFigures = () => (s === 'hub' ? hubMetrics(server.url) : Promise.resolve(undefined));
  const threadBefore = markMainThread(server.child.pid, await hubFigures());
  const stealBefore = cpuTimes();
  const cpuBefore = processCpuMs(server.child.pid);
  const pgBefore = postgresCpu();
  const load = await runLoad({
    kind: 'caseload',
    url: server.url,
    connections: concurrency,
    warmUpS: settleS,
    durationS,
    variants: caseloadRequests(s, tokens),
  });
  const cpuAfter = processCpuMs(server.child.pid);
  const postgresMs = postgresCpuSince(pgBefore);
  const stolen = stealPercent(stealBefore);
  return {
    load,
    // The CPU counts cover the settling too: its requests estimated at the measured rate.
    cpuRequests: load.requests + load.rps * settleS,
    cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    postgresMs,
    stealPercent: stolen === null ? null : Math.round(stolen * 10) / 10,
    mainThread: mainThreadShare(threadBefore, markMainThread(server.child.pid, await hubFigures())),
  };
}

function describeRound(f: RoundFigures): string {
  return describeCombined(combineRounds([f]));
}

function describeCombined(c: CombinedFigures): string {
  const r = c.load;
  return `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  cpu ${c.cpuMsPerRequest ?? '?'} ms/req, PostgreSQL ${c.postgresCpuMsPerRequest ?? '?'} ms/req, ${describeShare(c.mainThread)}, steal ${c.stealPercent ?? '?'} %  (non-2xx ${r.non2xx}, errors ${r.errors}, mismatches ${r.mismatches})`;
}
