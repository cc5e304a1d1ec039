/**
 * One command for every figure: `npm run bench` (full) or `npm run bench:smoke`
 * (`--smoke`: small sizes, a few seconds of load, correctness checked, no timing judged).
 *
 *  1. builds the hub (tsc → dist/), creates the bench database on the PostgreSQL server
 *     (BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
 *     and fills it with the generator (BENCH_PERSONS, default 100,000);
 *  2. caseload query: hub vs peer (PostGraphile 5) vs floor (one SQL statement), and the
 *     same query through the federation gateway (Hive Gateway) vs the hub directly, and
 *     with tracing on (OTLP to a local no-op collector) vs off;
 *  3. writes: createReferral per second;
 *  4. events: latency, delivered events/s and memory per subscriber;
 *  5. profile of the hub on the caseload query.
 * Writes bench/results/latest.{md,json} (smoke: bench/results/tmp/smoke.{md,json}).
 * Exits non-zero when a check fails: a server answered wrongly, a request failed, or no
 * event or write got through. Every child process is killed on exit or failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { format, resolveConfig } from 'prettier';
import { runCaseload, SERVERS, type ServerEnv } from './caseload';
import { runEvents } from './events';
import { runGateway } from './gateway';
import { failedRuns } from './lib/in-turn';
import { installPeerSchema, recreateDatabase, seed } from './lib/database';
import { machineInfo } from './lib/machine';
import { cpuTimes, stealPercent } from './lib/steal';
import { installCleanup } from './lib/processes';
import { ReferralCandidates } from './lib/referral-writer';
import { loadSettings } from './lib/settings';
import { runEventsProfile, runProfile, runWriteProfile } from './profile';
import { renderMarkdown, type RunResults } from './report';
import { runTracing } from './tracing';
import { runWrites } from './writes';

const ROOT = join(__dirname, '..');
// Used only between the bench's own processes on loopback.
const SECRET = 'bench-only-secret-bench-only-secret-0123456789';
/** More createReferral per second than the hub has reached here: persons for the profiled write run. */
const PROFILE_WRITE_RATE = 1000;

function log(line: string): void {
  console.log(line);
}

/** What must hold for the run to count, whatever the speed. */
function problems(r: RunResults): string[] {
  const out: string[] = [];
  if (r.caseload) {
    for (const c of r.caseload.checks) {
      if (c.persons === 0) out.push(`caseload: ${c.server} returned no persons`);
      if (c.server !== 'hub' && !c.sameDataAsHub)
        out.push(`caseload: ${c.server} data differs from the hub's`);
      if (c.server === 'floor' && !c.sameErrorsAsHub)
        out.push("caseload: floor errors differ from the hub's");
    }
    for (const run of r.caseload.runs)
      for (const s of SERVERS) {
        const x = run.results[s];
        if (x.requests === 0 || x.non2xx + x.errors + x.timeouts + x.mismatches > 0)
          out.push(`caseload: ${s} at ${run.concurrency} had failed requests or none`);
      }
  }
  if (r.gateway) {
    if (!r.gateway.sameAnswers) out.push("gateway: the gateway's caseload differs from the hub's");
    out.push(...failedRuns('gateway', r.gateway.runs));
  }
  if (r.tracing) {
    if (!r.tracing.sameAnswers) out.push("tracing: the traced hub's caseload differs");
    if (r.tracing.collector.exports === 0) out.push('tracing: the collector received no spans');
    out.push(...failedRuns('tracing', r.tracing.runs));
  }
  if (r.writes && (r.writes.requests === 0 || r.writes.non2xx + r.writes.mismatches > 0))
    out.push('writes: failed createReferral requests or none');
  if (r.writes?.exhausted)
    out.push('writes: ran out of persons to refer (raise BENCH_PERSONS): the figure is not valid');
  if (r.profiles && (r.profiles.writes.rps === 0 || r.profiles.events.rps === 0))
    out.push('profiles: the write or event profile ran without load (persons ran out?)');
  for (const e of r.events ?? []) {
    if (e.opened < e.subscribers)
      out.push(`events: only ${e.opened}/${e.subscribers} subscribers connected`);
    if (e.eventsCommitted === 0 || e.delivery.received === 0)
      out.push(`events: nothing delivered at n=${e.subscribers}`);
  }
  return out;
}

async function main(): Promise<void> {
  installCleanup();
  const smoke = process.argv.includes('--smoke');
  const settings = loadSettings(smoke);
  const outDir = smoke ? join(ROOT, 'bench', 'results', 'tmp') : join(ROOT, 'bench', 'results');
  const logDir = join(ROOT, 'bench', 'results', 'tmp', smoke ? 'smoke-logs' : 'logs');
  mkdirSync(logDir, { recursive: true });

  log(`bench${smoke ? ' (smoke)' : ''}: building the hub`);
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );

  log(`bench: database ${settings.database}, ${settings.persons} persons`);
  const dbUrl = await recreateDatabase(settings.serverUrl, settings.database);
  const seedStart = Date.now();
  await seed(dbUrl, settings.persons);
  const seedSeconds = (Date.now() - seedStart) / 1000;
  await installPeerSchema(dbUrl);

  const db = new Client({ connectionString: dbUrl });
  await db.connect();
  const results: RunResults = {
    settings: { ...settings, only: [...settings.only] },
    machine: await machineInfo(db),
    seedSeconds,
    steal: {},
  };
  // Each part's share of CPU time stolen by the host (lib/steal.ts), kept with its figures.
  let partStart = cpuTimes();
  const partDone = (part: string) => {
    results.steal[part] = stealPercent(partStart);
  };
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM organisation WHERE kind = 'JOB_CENTRE' AND active ORDER BY id`,
  );
  const jobCentres = rows.map((r) => r.id);
  const candidates = await ReferralCandidates.load(db, SECRET);
  await db.end();

  const env: ServerEnv = { dbUrl, secret: SECRET, poolSize: settings.poolSize, logDir };
  if (settings.only.has('caseload')) {
    log('bench: caseload query (hub, peer, floor)');
    partStart = cpuTimes();
    results.caseload = await runCaseload(settings, env, jobCentres, log);
    partDone('caseload');
  }
  if (settings.only.has('gateway')) {
    log('bench: caseload through the federation gateway (direct, gateway)');
    partStart = cpuTimes();
    results.gateway = await runGateway(settings, env, jobCentres, log);
    partDone('gateway');
  }
  if (settings.only.has('tracing')) {
    log('bench: caseload with tracing off and on (OTLP to a no-op collector)');
    partStart = cpuTimes();
    results.tracing = await runTracing(settings, env, jobCentres, log);
    partDone('tracing');
  }
  // Persons for createReferral are used once per run: the later parts keep theirs.
  const profiling = settings.only.has('profile');
  // A sweep's lower rates add up to less than two windows at the full rate.
  const eventWindows = settings.subscribers.length + (settings.eventSweep ? 2 : 0);
  const eventsNeed = settings.only.has('events')
    ? Math.ceil(settings.eventRate * settings.eventDurationS * eventWindows * 1.1)
    : 0;
  const eventsProfileNeed = profiling
    ? Math.ceil(settings.eventRate * settings.profileDurationS * 1.1)
    : 0;
  const writesProfileNeed = profiling ? PROFILE_WRITE_RATE * settings.profileDurationS : 0;
  if (settings.only.has('writes')) {
    log('bench: writes');
    const reserve = eventsNeed + eventsProfileNeed + writesProfileNeed;
    partStart = cpuTimes();
    results.writes = await runWrites(settings, env, candidates, reserve, log);
    partDone('writes');
  }
  if (settings.only.has('events')) {
    log('bench: events');
    partStart = cpuTimes();
    results.events = await runEvents(settings, env, jobCentres, candidates, log);
    partDone('events');
  }
  if (profiling) {
    log('bench: profiles');
    partStart = cpuTimes();
    results.profiles = {
      caseload: await runProfile(settings, env, jobCentres, log),
      writes: await runWriteProfile(
        settings,
        env,
        candidates.take(Math.min(writesProfileNeed, candidates.remaining - eventsProfileNeed)),
        log,
      ),
      events: await runEventsProfile(settings, env, jobCentres, candidates, log),
    };
    partDone('profile');
  }

  const name = smoke ? 'smoke' : 'latest';
  // Formatted as the repository's Prettier check expects, so the results can be committed.
  for (const [file, text] of [
    [join(outDir, `${name}.json`), JSON.stringify(results)],
    [join(outDir, `${name}.md`), renderMarkdown(results)],
  ]) {
    writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
  }
  log(`bench: wrote ${join(outDir, `${name}.md`)}`);

  const failed = problems(results);
  if (failed.length) {
    for (const p of failed) console.error(`bench: FAILED ${p}`);
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error('bench failed:', err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
