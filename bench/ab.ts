/**
 * Two hubs on the caseload (or on createReferral), loaded in alternation: two builds (e.g. a commit before a
 * change and after it, built with `tsc -p tsconfig.build.json --outDir …`) or one build
 * with two sets of node flags. On a machine whose speed drifts within minutes, only
 * figures taken turn about in the same minutes compare; this is how the per-change
 * figures in RESULTS.md were taken.
 *
 *   AB_A=dist/src/index.js AB_B=/tmp/old/dist/src/index.js npm run bench:ab
 *   AB_B_NODE_ARGS="--max-semi-space-size=32" npm run bench:ab
 *
 * It needs the full bench's database (run `npm run bench` once; it is kept afterwards).
 * Variables: AB_A / AB_B (the hub's built entry, default dist/src/index.js for both),
 * AB_A_NODE_ARGS / AB_B_NODE_ARGS, AB_A_ENV / AB_B_ENV (the hub's settings, `K=V,K=V`),
 * AB_LOAD (`caseload`, or `createReferral`: each request
 * refers a person not referred before, so a database serves a few runs before it must be
 * filled again), AB_CONCURRENCY (16), AB_ROUNDS (4), AB_DURATION_S (8), AB_WARMUP_S (2),
 * and the bench's BENCH_* database settings.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { caseloadRequests } from './caseload-query';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { hubMetrics } from './lib/hub-metrics';
import { describeShare, mainThreadShare, markMainThread } from './lib/main-thread';
import { runLoad } from './lib/load';
import { ReferralCandidates } from './lib/referral-writer';
import { installCleanup, stopProcess, type Server } from './lib/processes';
import { loadSettings } from './lib/settings';
import { roundOrder } from './lib/rounds';
import { databaseUrl } from './lib/settings';
import { postgresCpu, postgresCpuSince, processCpuMs } from './process-cpu';
import { cpuTimes, stealPercent } from './lib/steal';

const ROOT = join(__dirname, '..');
const SECRET = 'bench-ab-secret-0123456789abcdef0123456789';

interface Side {
  name: 'A' | 'B';
  entry: string;
  nodeArgs: string[];
  /** Settings of this side's hub (AB_A_ENV / AB_B_ENV: `K=V,K=V`). */
  env: Record<string, string>;
}

function envList(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter((p) => p.trim())) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`AB_*_ENV: expected K=V, got "${pair}"`);
    env[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return env;
}

function side(name: 'A' | 'B'): Side {
  const entry = process.env[`AB_${name}`] ?? join(ROOT, 'dist', 'src', 'index.js');
  const args = process.env[`AB_${name}_NODE_ARGS`]?.trim();
  return {
    name,
    entry,
    nodeArgs: args ? args.split(/\s+/) : [],
    env: envList(process.env[`AB_${name}_ENV`]),
  };
}

/**
 * Each createReferral run starts from a vacuumed event table: positioning leaves a dead row
 * version per event, and what the next run pays for them would depend on the run before.
 */
async function vacuumEvents(url: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('VACUUM event');
  } finally {
    await c.end();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  installCleanup();
  const settings = loadSettings(false);
  const dbUrl = databaseUrl(settings.serverUrl, settings.database);
  const concurrency = Number(process.env.AB_CONCURRENCY ?? 16);
  const rounds = Number(process.env.AB_ROUNDS ?? 4);
  const durationS = Number(process.env.AB_DURATION_S ?? 8);
  const warmUpS = Number(process.env.AB_WARMUP_S ?? 2);

  const kind = process.env.AB_LOAD === 'createReferral' ? 'createReferral' : 'caseload';

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM organisation WHERE kind = 'JOB_CENTRE' AND active ORDER BY id`,
  );
  const candidates = kind === 'createReferral' ? await ReferralCandidates.load(db, SECRET) : null;
  await db.end();
  const tokens = await coachTokens(
    SECRET,
    rows.map((r) => r.id),
  );
  const caseload = caseloadRequests('hub', tokens);
  // Persons for one run each, at up to 1,000 createReferral/s (the hub makes a few hundred).
  const perRun = 1000 * (durationS + warmUpS);
  const variants = () => {
    if (!candidates) return caseload;
    if (candidates.remaining < perRun)
      throw new Error('not enough persons left to refer: run `npm run bench` to fill again');
    return candidates.take(perRun);
  };

  const env: ServerEnv = {
    dbUrl,
    secret: SECRET,
    poolSize: settings.poolSize,
    logDir: join(ROOT, 'bench', 'results', 'tmp', 'logs'),
  };
  const sides = [side('A'), side('B')];
  // createReferral runs one hub at a time: two instances on one database share one elected
  // sequencer (the first started) and read each other's events, so the other side's code
  // would do part of the work. The caseload's hubs only read: both stay up.
  const oneAtATime = kind === 'createReferral';
  // startHub runs dist/src/index.js; a side's own build is given as its entry.
  const start = (s: Side) => startHub(env, `ab-${s.name}`, s.nodeArgs, s.env, s.entry);
  const servers: (Server | null)[] = [null, null];
  try {
    if (!oneAtATime) for (const [i, s] of sides.entries()) servers[i] = await start(s);
    const totals = sides.map(() => ({ requests: 0, seconds: 0, cpuMs: 0, pgMs: 0 }));
    /** Per round and side: requests/s, hub and PostgreSQL CPU per request. */
    const perRound: { rps: number; cpu: number; pg: number; gc: number }[][] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so neither always gets the warmer minute.
      const order = roundOrder([0, 1], round);
      perRound.push([]);
      for (const i of order) {
        if (oneAtATime) await vacuumEvents(dbUrl);
        const server = servers[i] ?? (servers[i] = await start(sides[i]));
        const cpuBefore = processCpuMs(server.child.pid);
        const pgBefore = postgresCpu();
        const stealBefore = cpuTimes();
        const metricsBefore = await hubMetrics(server.url);
        const threadBefore = markMainThread(server.child.pid, metricsBefore);
        const r = await runLoad({
          kind,
          url: server.url,
          connections: concurrency,
          warmUpS,
          durationS,
          variants: variants(),
        });
        const cpuMs = (processCpuMs(server.child.pid) ?? 0) - (cpuBefore ?? 0);
        const pgMs = postgresCpuSince(pgBefore) ?? 0;
        const steal = stealPercent(stealBefore);
        const metricsAfter = await hubMetrics(server.url);
        const gcMs = (metricsAfter.gcSeconds - metricsBefore.gcSeconds) * 1000;
        const thread = mainThreadShare(
          threadBefore,
          markMainThread(server.child.pid, metricsAfter),
        );
        if (oneAtATime) {
          await stopProcess(server.child);
          servers[i] = null;
        }
        const all = r.requests + r.rps * warmUpS;
        totals[i].requests += r.requests;
        totals[i].seconds += durationS;
        totals[i].cpuMs += cpuMs * (r.requests / all);
        totals[i].pgMs += pgMs * (r.requests / all);
        perRound[round][i] = { rps: r.rps, cpu: cpuMs / all, pg: pgMs / all, gc: gcMs / all };
        console.log(
          `round ${round + 1} ${sides[i].name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, hub CPU ${(cpuMs / all).toFixed(2)} ms/req (GC ${(gcMs / all).toFixed(2)}), PostgreSQL ${(pgMs / all).toFixed(2)} ms/req, ${describeShare(thread)}, steal ${steal === null ? '?' : steal.toFixed(0)} % (non-2xx ${r.non2xx}, mismatches ${r.mismatches})`,
        );
      }
    }
    const summary = totals.map((t) => ({
      rps: t.requests / t.seconds,
      cpu: t.cpuMs / t.requests,
      pg: t.pgMs / t.requests,
    }));
    for (const [i, s] of summary.entries())
      console.log(
        `${sides[i].name} (${sides[i].entry} ${sides[i].nodeArgs.join(' ')} ${JSON.stringify(sides[i].env)}): ${s.rps.toFixed(1)} req/s, hub CPU ${s.cpu.toFixed(2)} ms/req, PostgreSQL ${s.pg.toFixed(2)} ms/req`,
      );
    console.log(`B/A requests/s: ${(summary[1].rps / summary[0].rps).toFixed(3)}`);
    // The median of the rounds' own B/A: a round's two sides ran in the same minute, so a
    // drift of the machine's speed between rounds (or a stolen round) moves it least.
    const labels = {
      rps: 'requests/s',
      cpu: 'hub CPU/req',
      gc: 'hub GC/req',
      pg: 'PostgreSQL CPU/req',
    };
    for (const k of ['rps', 'cpu', 'gc', 'pg'] as const) {
      const ratios = perRound.map((p) => p[1][k] / p[0][k]);
      console.log(
        `B/A ${labels[k]} per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(3)}`,
      );
    }
  } finally {
    await Promise.all(
      servers.filter((s): s is Server => s !== null).map((s) => stopProcess(s.child)),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
