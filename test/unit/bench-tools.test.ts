/**
 * The bench's own logic that decides what a run reports: the CPU-profile summary (self
 * time per function and origin) and the comparison that says whether the peer and the
 * floor answered with the hub's data, the CPU steal a run records beside its figures, and how
 * a server is started and its output kept.
 */
import { comparableData, comparableErrors } from '../../bench/caseload-query';
import { originOf, summarise } from '../../bench/profile-summary';
import { cpuTimes, stealPercent } from '../../bench/lib/steal';
import {
  listeningUrl,
  startScriptNodeArgs,
  startServer,
  stopProcess,
} from '../../bench/lib/processes';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeShare, mainThreadShare } from '../../bench/lib/main-thread';
import { mainThreadCpuMs, processCpuMs } from '../../bench/process-cpu';
import { sweepRates } from '../../bench/lib/rate-sweep';
import { combineRounds, median, roundOrder, type RoundFigures } from '../../bench/lib/rounds';
import type { LoadResult } from '../../bench/lib/load';
import { renderMarkdown, type RunResults } from '../../bench/report';
import { loadSettings } from '../../bench/lib/settings';

describe('bench profile summary', () => {
  const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('(idle)', '') },
      { id: 3, callFrame: frame('stockholmDate', 'file:///app/dist/src/domain/working-days.js') },
      {
        id: 4,
        callFrame: frame('execute', 'file:///app/node_modules/graphql/execution/execute.js'),
      },
      { id: 5, callFrame: frame('(garbage collector)', '') },
    ],
    // Self time is the time delta of each sample, attributed to the sampled node.
    samples: [2, 3, 3, 4, 5, 3],
    timeDeltas: [5000, 1000, 2000, 500, 500, 1000],
  };

  it('attributes self time to functions and origins and leaves idle out', () => {
    const s = summarise(profile);
    expect(s.idleMs).toBe(5);
    expect(s.totalMs).toBe(5);
    expect(s.functions[0]).toEqual({
      name: 'stockholmDate dist/src/domain/working-days.js:1',
      ms: 4,
      percent: 80,
    });
    expect(s.origins.map((o) => [o.name, o.percent])).toEqual([
      ['hub src/domain', 80],
      ['graphql', 10],
      ['(garbage collector)', 10],
    ]);
  });

  it('names origins by package, hub source directory or file, and Node internals', () => {
    expect(originOf('file:///a/node_modules/@apollo/server/dist/x.js', 'f')).toBe('@apollo/server');
    expect(originOf('file:///a/dist/src/ws-server.js', 'f')).toBe('hub src/ws-server');
    expect(originOf('file:///a/dist/src/events/outbox.js', 'f')).toBe('hub src/events');
    expect(originOf('node:internal/streams/writable', 'f')).toBe('node internals');
    expect(originOf('', '(program)')).toBe('(program)');
  });
});

describe('bench same-answer comparison', () => {
  const node = (id: string, fetchedAt: string, sfi: unknown) => ({
    node: { id, sfi, employmentService: { registered: true, fetchedAt } },
  });

  it('ignores fetchedAt but not a differing field', () => {
    const a = { data: { persons: { edges: [node('1', '2026-01-01T00:00:00.000Z', [])] } } };
    const b = { data: { persons: { edges: [node('1', '2026-06-01T00:00:00.000Z', [])] } } };
    const c = { data: { persons: { edges: [node('1', '2026-01-01T00:00:00.000Z', null)] } } };
    expect(comparableData(a)).toBe(comparableData(b));
    expect(comparableData(a)).not.toBe(comparableData(c));
  });

  it('compares errors by path and extensions, in any order', () => {
    const e1 = {
      path: ['persons', 'edges', 2, 'node', 'sfi'],
      extensions: { code: 'FORBIDDEN', fieldGroup: 'sfi', requires: 'consent:SFI' },
    };
    const e2 = {
      path: ['persons', 'edges', 5, 'node', 'sfi'],
      extensions: { code: 'FORBIDDEN', fieldGroup: 'sfi', requires: 'consent:SFI' },
    };
    expect(comparableErrors({ errors: [e1, e2] })).toEqual(comparableErrors({ errors: [e2, e1] }));
    expect(comparableErrors({ errors: [e1] })).not.toEqual(comparableErrors({ errors: [e2] }));
  });
});

describe('bench CPU steal', () => {
  it('is the stolen share of the time between two readings', () => {
    expect(stealPercent({ total: 1000, steal: 10 }, { total: 1400, steal: 110 })).toBe(25);
    expect(stealPercent({ total: 1000, steal: 10 }, { total: 1400, steal: 10 })).toBe(0);
  });

  it('is unknown without two readings or without time between them', () => {
    expect(stealPercent(null, { total: 1, steal: 0 })).toBeNull();
    expect(stealPercent({ total: 5, steal: 0 }, null)).toBeNull();
    expect(stealPercent({ total: 5, steal: 0 }, { total: 5, steal: 0 })).toBeNull();
  });

  (process.platform === 'linux' ? it : it.skip)("reads this machine's counters", () => {
    const t = cpuTimes();
    expect(t).not.toBeNull();
    expect(t!.total).toBeGreaterThan(0);
    expect(t!.steal).toBeGreaterThanOrEqual(0);
    expect(t!.steal).toBeLessThanOrEqual(t!.total);
  });
});

describe("bench: a server's main thread", () => {
  it('is the thread CPU and loop busy time as shares of the wall time', () => {
    const share = mainThreadShare(
      { wallMs: 1000, cpuMs: 200, loopBusyS: 10 },
      { wallMs: 3000, cpuMs: 1900, loopBusyS: 11.9 },
    );
    expect(share).toEqual({ cpuPercent: 85, loopPercent: 95 });
    expect(describeShare(share)).toBe('main thread 85 % CPU, loop busy 95 %');
  });

  it('is unknown where a reading is missing (another server has no loop metric)', () => {
    const share = mainThreadShare(
      { wallMs: 0, cpuMs: 0, loopBusyS: null },
      { wallMs: 1000, cpuMs: 400, loopBusyS: null },
    );
    expect(share).toEqual({ cpuPercent: 40, loopPercent: null });
    expect(describeShare(share)).toBe('main thread 40 % CPU');
    expect(
      mainThreadShare(
        { wallMs: 0, cpuMs: null, loopBusyS: null },
        { wallMs: 1, cpuMs: 1, loopBusyS: null },
      ).cpuPercent,
    ).toBeNull();
  });

  (process.platform === 'linux' ? it : it.skip)(
    "counts this process's main thread, not its other threads",
    async () => {
      // CPU times, not shares of the wall time: on a busy machine a spinning thread gets
      // whatever part of a core the others leave it.
      const spinOnMain = async () => {
        const until = performance.now() + 300;
        while (performance.now() < until) {
          // busy on the main thread
        }
        await new Promise((resolve) => setImmediate(resolve));
      };
      const spinInWorker = () =>
        new Promise((resolve) =>
          new Worker('const until = Date.now() + 300; while (Date.now() < until) { /* busy */ }', {
            eval: true,
          }).once('exit', resolve),
        );
      const measure = async (work: () => Promise<unknown>) => {
        const main = mainThreadCpuMs(process.pid)!;
        const all = processCpuMs(process.pid)!;
        await work();
        return {
          main: mainThreadCpuMs(process.pid)! - main,
          all: processCpuMs(process.pid)! - all,
        };
      };
      const onMain = await measure(spinOnMain);
      expect(onMain.main).toBeGreaterThanOrEqual(30);
      const inWorker = await measure(spinInWorker);
      // The worker's time shows in the process's count and not in the main thread's.
      expect(inWorker.all - inWorker.main).toBeGreaterThanOrEqual(30);
      expect(inWorker.main).toBeLessThan(inWorker.all / 2);
    },
  );
});

describe('bench: the hub started as npm start starts it', () => {
  it('takes the node flags between node and the entry', () => {
    expect(
      startScriptNodeArgs('node --max-semi-space-size=64 --trace-gc dist/src/index.js'),
    ).toEqual(['--max-semi-space-size=64', '--trace-gc']);
    expect(startScriptNodeArgs('node dist/src/index.js')).toEqual([]);
  });

  it('refuses a start script that does not run node', () => {
    expect(() => startScriptNodeArgs('ts-node src/index.ts')).toThrow('does not run node');
  });
});

describe('bench: a server started and its output', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A node process that logs a line, the listening line after a pause, then one per tick. */
  const server = (lines: number): string[] => [
    '-e',
    `console.log('starting ✓');
     setTimeout(() => {
       console.log(JSON.stringify({ msg: 'hub listening', url: 'http://127.0.0.1:1234' }));
       let n = 0;
       const t = setInterval(() => { console.log(JSON.stringify({ msg: 'graphql', n: ++n })); if (n === ${lines}) clearInterval(t); }, 5);
     }, 120);
     setTimeout(() => undefined, 60000);`,
  ];

  test('resolves on the listening line; every line after it reaches the log file without the bench', async () => {
    const log = join(dir, 'server.log');
    const started = await startServer('test-server', server(20), {}, log);
    try {
      expect(started.url).toBe('http://127.0.0.1:1234');
      // Not a pipe to the bench: nothing of the server's output passes through its process.
      expect(started.child.stdout).toBeNull();
      expect(started.child.stderr).toBeNull();
      // The server writes the file itself: its lines keep arriving after the bench stopped reading.
      await new Promise((r) => setTimeout(r, 400));
      const text = readFileSync(log, 'utf8');
      expect(text.split('\n')[0]).toBe('starting ✓');
      expect(text).toContain('"n":20');
    } finally {
      await stopProcess(started.child, 1000);
    }
  });

  test('rejects when the server exits before it listens', async () => {
    await expect(
      startServer('test-server', ['-e', 'process.exit(3)'], {}, join(dir, 'exits.log')),
    ).rejects.toThrow('test-server exited with 3 before listening');
  });

  test('reads only a JSON line with a url and "listening" as the listening line', () => {
    expect(listeningUrl('{"msg":"hub listening","url":"http://127.0.0.1:4000"}')).toBe(
      'http://127.0.0.1:4000',
    );
    expect(listeningUrl('{"msg":"graphql","url":"http://x"}')).toBeUndefined();
    expect(listeningUrl('{"msg":"listening"}')).toBeUndefined();
    expect(listeningUrl('listening on http://x')).toBeUndefined();
  });
});

describe('bench: interleaved rounds', () => {
  const load = (requests: number, durationS: number, p50: number, p99: number): LoadResult => ({
    connections: 4,
    durationS,
    requests,
    rps: requests / durationS,
    p50,
    p90: p50 + 1,
    p99,
    max: p99 + 10,
    non2xx: 0,
    errors: requests === 500 ? 2 : 0,
    timeouts: 0,
    mismatches: 0,
    bytesPerRequest: 31_000,
    exhausted: false,
  });
  const round = (requests: number, cpuMs: number | null, loop: number | null): RoundFigures => ({
    load: load(requests, 5, requests / 100, requests / 10),
    cpuRequests: requests + (requests / 5) * 1,
    cpuMs,
    postgresMs: cpuMs === null ? null : cpuMs / 2,
    stealPercent: 0.2,
    mainThread: { cpuPercent: 60, loopPercent: loop },
  });

  test('rotates the order by one each round', () => {
    const servers = ['hub', 'peer', 'floor'];
    expect([0, 1, 2, 3].map((r) => roundOrder(servers, r).join(','))).toEqual([
      'hub,peer,floor',
      'peer,floor,hub',
      'floor,hub,peer',
      'hub,peer,floor',
    ]);
  });

  test('combines requests over all seconds, CPU over all requests, latency as the median round', () => {
    const c = combineRounds([round(1000, 3000, 80), round(1500, 4500, 90), round(500, 1500, 70)]);
    expect(c.load.requests).toBe(3000);
    expect(c.load.durationS).toBe(15);
    expect(c.load.rps).toBe(200);
    // Rounds' p50 10, 15 and 5 ms: the middle one, not the mean of the rates' latencies.
    expect(c.load.p50).toBe(10);
    expect(c.load.p99).toBe(100);
    expect(c.load.max).toBe(160);
    expect(c.load.errors).toBe(2);
    // 9,000 ms over 3,000 measured requests and 600 settling ones.
    expect(c.cpuMsPerRequest).toBe(2.5);
    expect(c.postgresCpuMsPerRequest).toBe(1.3);
    expect(c.mainThread).toEqual({ cpuPercent: 60, loopPercent: 80 });
    expect(c.stealPercent).toBe(0.2);
  });

  test('leaves a figure unknown when a round could not read it', () => {
    const c = combineRounds([round(1000, 3000, 80), round(1000, null, null)]);
    expect(c.cpuMsPerRequest).toBeNull();
    expect(c.mainThread.loopPercent).toBeNull();
    expect(c.load.rps).toBe(200);
  });

  test('a single round is that round', () => {
    const c = combineRounds([round(1000, 3000, 80)]);
    expect(c.load).toEqual(round(1000, 3000, 80).load);
    expect(c.cpuMsPerRequest).toBe(2.5);
  });

  test('the report says how the caseload was measured and lists hub/peer round by round', () => {
    const settings = {
      ...loadSettings(false),
      durationS: 15,
      warmUpS: 5,
      rounds: 3,
      only: ['caseload'],
    };
    const rounds = [
      { hub: 150, peer: 120, floor: 160 },
      { hub: 140, peer: 140, floor: 150 },
      { hub: 130, peer: 100, floor: 140 },
    ];
    const per = (s: 'hub' | 'peer' | 'floor') =>
      combineRounds(rounds.map((r) => round(r[s] * 5, 3000, 80))).load;
    const report: RunResults = {
      settings,
      machine: {
        date: '2026-12-04T12:00:00Z',
        cpu: 'test',
        cores: 2,
        memoryGiB: 1,
        loadAverage: [0, 0, 0],
        os: 'test',
        node: 'v20',
        postgres: '15',
        packages: {},
        commit: 'abc',
        overrides: {},
      },
      seedSeconds: 1,
      steal: {},
      caseload: {
        jobCentres: ['jobbtorg-jarva'],
        checks: [],
        runs: [
          {
            concurrency: 4,
            results: { hub: per('hub'), peer: per('peer'), floor: per('floor') },
            rounds,
          },
        ],
      },
    };
    const md = renderMarkdown(report);
    expect(md).toContain(
      'measured 15 s per server and concurrency (the caseload in 3 rounds of 5 s, each after 1 s of settling',
    );
    expect(md).toContain('- 4 connections: 1.25 / 1.00 / 1.30');
    // Over all the rounds' seconds: 2,100 hub requests and 1,800 peer requests in 15 s each.
    expect(md).toMatch(/\| +4 \| +140 \| +120 \| +150 \| +1\.17 \|/);
  });

  test('median takes the lower middle of an even count; no rounds at all is an error', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([7])).toBe(7);
    expect(() => combineRounds([])).toThrow('no rounds');
  });
});

describe('bench: the event-rate sweep', () => {
  /** The rates tried when the target is met at `limit` events/s and below. */
  async function tried(missed: number, limit: number, min?: number) {
    const rates: number[] = [];
    await sweepRates(
      missed,
      (rate) => {
        rates.push(rate);
        return Promise.resolve(rate <= limit);
      },
      min,
    );
    return rates;
  }

  test('halves until a rate meets the target, then tries halfway back up', async () => {
    expect(await tried(100, 30)).toEqual([50, 25, 37.5]);
    expect(await tried(100, 60)).toEqual([50, 75]);
    expect(await tried(100, 7)).toEqual([50, 25, 12.5, 6.25, 9.38]);
  });

  test('stops below the lowest rate when none meets it', async () => {
    expect(await tried(100, 0)).toEqual([50, 25, 12.5, 6.25, 3.125, 1.5625]);
    expect(await tried(8, 0, 2)).toEqual([4, 2]);
  });
});
