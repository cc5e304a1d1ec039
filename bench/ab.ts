/**
 * Two hubs on the caseload, loaded in alternation: two builds (e.g. a commit before a
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
 * AB_A_NODE_ARGS / AB_B_NODE_ARGS, AB_CONCURRENCY (16), AB_ROUNDS (4), AB_DURATION_S (8),
 * AB_WARMUP_S (2), and the bench's BENCH_* database settings.
 */
import { join } from 'node:path';
import { Client } from 'pg';
import { caseloadBody } from './caseload-query';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { runLoad } from './lib/load';
import { installCleanup, stopProcess, type Server } from './lib/processes';
import { loadSettings } from './lib/settings';
import { databaseUrl } from './lib/settings';
import { postgresCpu, postgresCpuSince, processCpuMs } from './process-cpu';

const ROOT = join(__dirname, '..');
const SECRET = 'bench-ab-secret-0123456789abcdef0123456789';

interface Side {
  name: 'A' | 'B';
  entry: string;
  nodeArgs: string[];
}

function side(name: 'A' | 'B'): Side {
  const entry = process.env[`AB_${name}`] ?? join(ROOT, 'dist', 'src', 'index.js');
  const args = process.env[`AB_${name}_NODE_ARGS`]?.trim();
  return { name, entry, nodeArgs: args ? args.split(/\s+/) : [] };
}

async function main(): Promise<void> {
  installCleanup();
  const settings = loadSettings(false);
  const dbUrl = databaseUrl(settings.serverUrl, settings.database);
  const concurrency = Number(process.env.AB_CONCURRENCY ?? 16);
  const rounds = Number(process.env.AB_ROUNDS ?? 4);
  const durationS = Number(process.env.AB_DURATION_S ?? 8);
  const warmUpS = Number(process.env.AB_WARMUP_S ?? 2);

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM organisation WHERE kind = 'JOB_CENTRE' AND active ORDER BY id`,
  );
  await db.end();
  const tokens = await coachTokens(
    SECRET,
    rows.map((r) => r.id),
  );
  const variants = [...tokens].map(([jobCentreId, token]) => ({
    headers: { authorization: `Bearer ${token}` },
    body: caseloadBody('hub', jobCentreId),
  }));

  const env: ServerEnv = {
    dbUrl,
    secret: SECRET,
    poolSize: settings.poolSize,
    logDir: join(ROOT, 'bench', 'results', 'tmp', 'logs'),
  };
  const sides = [side('A'), side('B')];
  const servers: Server[] = [];
  try {
    for (const s of sides) {
      // startHub runs dist/src/index.js; a side's own build is given as its entry.
      const server = await startHub(env, `ab-${s.name}`, s.nodeArgs, {}, s.entry);
      servers.push(server);
    }
    const totals = sides.map(() => ({ requests: 0, seconds: 0, cpuMs: 0, pgMs: 0 }));
    for (let round = 0; round < rounds; round++) {
      // Alternate which side goes first, so neither always gets the warmer minute.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const cpuBefore = processCpuMs(servers[i].child.pid);
        const pgBefore = postgresCpu();
        const r = await runLoad({
          kind: 'caseload',
          url: servers[i].url,
          connections: concurrency,
          warmUpS,
          durationS,
          variants,
        });
        const cpuMs = (processCpuMs(servers[i].child.pid) ?? 0) - (cpuBefore ?? 0);
        const pgMs = postgresCpuSince(pgBefore) ?? 0;
        const all = r.requests + r.rps * warmUpS;
        totals[i].requests += r.requests;
        totals[i].seconds += durationS;
        totals[i].cpuMs += cpuMs * (r.requests / all);
        totals[i].pgMs += pgMs * (r.requests / all);
        console.log(
          `round ${round + 1} ${sides[i].name}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, hub CPU ${(cpuMs / all).toFixed(2)} ms/req, PostgreSQL ${(pgMs / all).toFixed(2)} ms/req (non-2xx ${r.non2xx}, mismatches ${r.mismatches})`,
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
        `${sides[i].name} (${sides[i].entry} ${sides[i].nodeArgs.join(' ')}): ${s.rps.toFixed(1)} req/s, hub CPU ${s.cpu.toFixed(2)} ms/req, PostgreSQL ${s.pg.toFixed(2)} ms/req`,
      );
    console.log(`B/A requests/s: ${(summary[1].rps / summary[0].rps).toFixed(3)}`);
  } finally {
    await Promise.all(servers.map((s) => stopProcess(s.child)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
