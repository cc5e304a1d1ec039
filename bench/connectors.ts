/**
 * The connector drill: the acceptance scenario at full scale, timed.
 *   npm run bench:connectors -- [--persons 2000] [--down-s 60]
 * Starts the four agency simulators in this process and the hub as a child process
 * (ts-node, embedded in-memory PGlite with the same demo data) with every source over HTTP
 * at its default resilience settings and AF_CACHE_TTL_S=0 (every query asks AF). Then, as
 * a district caseworker reading a page of 50:
 *   1. healthy agencies;
 *   2. AF at 2 s latency and 30% errors: each answer should come within AF_TIMEOUT_MS with
 *      the other three sources complete and AF stale-but-marked;
 *   3. AF down for --down-s seconds, one query a second: the breaker should stop the calls
 *      (one probe per AF_BREAKER_HALF_OPEN_MS) while answers stay fast and stale;
 *   4. AF back: how long until the statuses are fresh again.
 * Prints the figures and writes bench/results/connectors.md. Exits non-zero when a check
 * fails (wrong data, a source missing, the breaker never opening or never closing); timing
 * is reported, never judged.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeToken } from '../src/auth/dev-token';
import { generateDemoData } from '../src/seed/generate';
import { hubEnvironment, startSimulators, stopSimulators } from '../src/simulators';
import { installCleanup, startServer, stopProcess } from './lib/processes';

const SECRET = 'connector-drill-secret-that-is-long-enough-0123456789';
const QUERY = `{ persons(first: 50) { edges { node { id
  financialAid { caseId status } jobCentre { enrolmentId status } sfi { status }
  employmentService { registered stale fetchedAt } } } } }`;

interface Node {
  id: string;
  financialAid: unknown;
  jobCentre: unknown;
  sfi: unknown;
  employmentService: { stale: boolean; fetchedAt: string } | null;
}
interface Answer {
  ms: number;
  nodes: Node[];
  unavailable: string[];
  breaker: string;
}

const out: string[] = [];
function say(line: string): void {
  console.log(line);
  out.push(line);
}
const problems: string[] = [];
function check(ok: boolean, problem: string): void {
  if (!ok) {
    problems.push(problem);
    say(`  CHECK FAILED: ${problem}`);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main(): Promise<void> {
  installCleanup();
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: '2000' },
      'down-s': { type: 'string', default: '60' },
    },
  });
  const persons = Number(values.persons);
  const downS = Number(values['down-s']);
  const data = generateDemoData({ persons });
  const sims = await startSimulators(data);
  const tmp = join(__dirname, 'results', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const hub = await startServer(
    'hub',
    ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'src', 'index.ts')],
    {
      NODE_ENV: 'development',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_JWT_SECRET: SECRET,
      PGLITE_DATA_DIR: 'memory://',
      DEMO_DATA: 'on',
      DEMO_PERSONS: String(persons),
      AF_CACHE_TTL_S: '0',
      ...hubEnvironment(sims),
    },
    join(tmp, 'connectors-hub.log'),
  );
  const perDistrict = new Map<string, number>();
  for (const p of data.persons) {
    perDistrict.set(p.homeDistrictId, (perDistrict.get(p.homeDistrictId) ?? 0) + 1);
  }
  const busiest = [...perDistrict].sort((a, b) => b[1] - a[1])[0][0];
  const token = await makeToken(SECRET, { role: 'DISTRICT_CASEWORKER', org: busiest });
  const faults = (f: Record<string, number>) =>
    fetch(`${sims.arbetsformedlingen.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify(f),
    });

  async function ask(): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await res.json()) as {
      data?: { persons: { edges: { node: Node }[] } };
      errors?: { extensions?: { code?: string; source?: string } }[];
    };
    const ms = performance.now() - started;
    const ready = (await (await fetch(`${hub.url}/readyz`)).json()) as {
      detail: { connectors: { arbetsformedlingen: { breaker?: string } } };
    };
    return {
      ms,
      nodes: body.data?.persons.edges.map((e) => e.node) ?? [],
      unavailable: (body.errors ?? [])
        .filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE')
        .map((e) => e.extensions?.source ?? '?'),
      breaker: ready.detail.connectors.arbetsformedlingen.breaker ?? '?',
    };
  }
  const count = (a: Answer, f: (n: Node) => boolean) => a.nodes.filter(f).length;
  const describe = (a: Answer) =>
    `${a.ms.toFixed(0)} ms; financialAid ${count(a, (n) => n.financialAid !== null)}, ` +
    `jobCentre ${count(a, (n) => n.jobCentre !== null)}, sfi ${count(a, (n) => n.sfi !== null)}, ` +
    `AF fresh ${count(a, (n) => n.employmentService?.stale === false)} / stale ${count(a, (n) => n.employmentService?.stale === true)}; ` +
    `SOURCE_UNAVAILABLE ${a.unavailable.length}; breaker ${a.breaker}`;

  say(`# Connector drill (${new Date().toISOString()})`);
  say('');
  say(
    `${persons} demo persons; all four sources over HTTP at default settings (AF_TIMEOUT_MS 2000, ` +
      `AF_RETRIES 2, AF_BREAKER_THRESHOLD 5, AF_BREAKER_HALF_OPEN_MS 10000), AF_CACHE_TTL_S=0; ` +
      `a DISTRICT_CASEWORKER of ${busiest} reads a page of 50.`,
  );
  say('');
  say('## 1. Healthy');
  await ask(); // warm-up: first compile of the operation, connection pools
  const healthy = await ask();
  say(`- ${describe(healthy)}`);
  const full = {
    financialAid: count(healthy, (n) => n.financialAid !== null),
    jobCentre: count(healthy, (n) => n.jobCentre !== null),
    sfi: count(healthy, (n) => n.sfi !== null),
    af: count(healthy, (n) => n.employmentService !== null),
  };
  check(full.af > 0 && full.financialAid > 0, 'the healthy page has AF and financial aid data');
  const fetchedAt = new Map(healthy.nodes.map((n) => [n.id, n.employmentService?.fetchedAt]));

  say('');
  say('## 2. AF at 2 s latency and 30% errors');
  await faults({ latencyMs: 2000, errorRate: 0.3 });
  const slow: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = await ask();
    slow.push(a.ms);
    say(`- ${describe(a)}`);
    check(count(a, (n) => n.financialAid !== null) === full.financialAid, 'financial aid complete');
    check(count(a, (n) => n.jobCentre !== null) === full.jobCentre, 'job centre complete');
    check(count(a, (n) => n.sfi !== null) === full.sfi, 'sfi complete');
    check(
      a.nodes.every(
        (n) =>
          !n.employmentService ||
          (n.employmentService.stale && n.employmentService.fetchedAt === fetchedAt.get(n.id)),
      ) && count(a, (n) => n.employmentService !== null) === full.af,
      'every AF status stale with the fetchedAt of its last answer',
    );
  }
  say(`- answer times: ${slow.map((ms) => ms.toFixed(0)).join(', ')} ms`);

  say('');
  say(`## 3. AF down for ${downS} s (every call answered 500), one query a second`);
  await faults({ latencyMs: 0, errorRate: 1 });
  const callsBefore = sims.arbetsformedlingen.calls;
  const down: Answer[] = [];
  const started = Date.now();
  let lastReport = started;
  let callsAtReport = callsBefore;
  while (Date.now() - started < downS * 1000) {
    const a = await ask();
    down.push(a);
    if (Date.now() - lastReport >= 10_000 || down.length === 1) {
      const calls = sims.arbetsformedlingen.calls;
      say(
        `- t=${((Date.now() - started) / 1000).toFixed(0)} s: ${describe(a)}; AF calls since last line ${calls - callsAtReport}`,
      );
      callsAtReport = calls;
      lastReport = Date.now();
    }
    await sleep(Math.max(0, 1000 - a.ms));
  }
  const afCalls = sims.arbetsformedlingen.calls - callsBefore;
  const times = down.map((a) => a.ms);
  say(
    `- ${down.length} queries, ${afCalls} calls reached AF; answer time p50 ${pct(times, 50).toFixed(0)} ms, ` +
      `p99 ${pct(times, 99).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; ` +
      `breaker open in ${down.filter((a) => a.breaker === 'open').length} of ${down.length} looks`,
  );
  check(afCalls < down.length, 'the breaker kept most queries from calling AF');
  check(
    down.every((a) => count(a, (n) => n.employmentService?.stale === true) === full.af),
    'AF stale-but-marked throughout',
  );

  say('');
  say('## 4. AF back');
  await faults({ errorRate: 0 });
  const back = Date.now();
  let recovered: Answer | undefined;
  while (Date.now() - back < 30_000) {
    const a = await ask();
    if (count(a, (n) => n.employmentService?.stale === false) === full.af) {
      recovered = a;
      break;
    }
    await sleep(500);
  }
  check(recovered !== undefined, 'AF fresh again within 30 s');
  if (recovered) {
    say(`- fresh again after ${((Date.now() - back) / 1000).toFixed(1)} s: ${describe(recovered)}`);
  }

  await stopProcess(hub.child);
  await stopSimulators(sims);
  say('');
  say(problems.length ? `${problems.length} check(s) failed.` : 'Every check held.');
  writeFileSync(join(__dirname, 'results', 'connectors.md'), `${out.join('\n')}\n`);
  if (problems.length) process.exit(1);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error('bench:connectors failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
