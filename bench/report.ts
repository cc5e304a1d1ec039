/**
 * The results of one run as Markdown (one `##` section per benchmark), with the ratios
 * and the issue's targets next to the figures. Targets are reported, never asserted.
 */
import type { CaseloadResult } from './caseload';
import { LATENCY_TARGET_MS, metLatency, type EventsRun } from './events';
import type { GatewayResult } from './gateway';
import type { TracingResult } from './tracing';
import type { WritesResult } from './writes';
import type { MachineInfo } from './lib/machine';
import { describeShare } from './lib/main-thread';
import type { Settings } from './lib/settings';
import type { Profiled } from './profile';

export interface RunResults {
  settings: Omit<Settings, 'only'> & { only: string[] };
  machine: MachineInfo;
  seedSeconds: number;
  /** Percent of CPU time stolen by the host during each part (lib/steal.ts); null: unknown. */
  steal: Record<string, number | null>;
  caseload?: CaseloadResult;
  gateway?: GatewayResult;
  tracing?: TracingResult;
  events?: EventsRun[];
  writes?: WritesResult;
  profiles?: { caseload: Profiled; writes: Profiled; events: Profiled };
}

const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);
/** One decimal, without a trailing ".0". */
const f1 = (n: number) => String(Math.round(n * 10) / 10);
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

/** The host's CPU steal per part: above a few percent, that part's figures are unreliable. */
function stealLine(r: RunResults): string[] {
  // Reports written before steal was recorded have none.
  const parts = Object.entries(r.steal ?? {}).filter((e): e is [string, number] => e[1] !== null);
  if (parts.length === 0) return [];
  const worst = Math.max(...parts.map(([, v]) => v));
  return [
    `- CPU stolen by the host (time these cores ran other machines): ${parts
      .map(([part, v]) => `${part} ${v.toFixed(1)} %`)
      .join(', ')}${
      worst > 5
        ? ' — **above 5 %: those figures are slower and noisier than the machine; compare ratios within a part, and only with care**'
        : ''
    }`,
  ];
}

function machineSection(r: RunResults): string[] {
  const m = r.machine;
  const s = r.settings;
  return [
    '## Machine and versions',
    '',
    `- Date: ${m.date}; commit ${m.commit}; mode: ${s.smoke ? 'smoke (sizes too small to mean anything)' : 'full'}${
      Object.keys(m.overrides).length
        ? `; overrides: ${Object.entries(m.overrides)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }`,
    `- CPU: ${m.cpu}, ${m.cores} cores; RAM ${m.memoryGiB} GiB; ${m.os}; load average at start ${m.loadAverage.join(' / ')}`,
    `- Node ${m.node}; PostgreSQL ${m.postgres} (same machine)`,
    ...(m.hubNodeArgs
      ? [
          `- Node flags: the hub ${m.hubNodeArgs.length ? m.hubNodeArgs.map((a) => `\`${a}\``).join(' ') : 'none'} (its \`npm start\`), the peer and the floor none; \`BENCH_NODE_ARGS\` (in the overrides, if set) goes to all three`,
        ]
      : []),
    `- Packages: ${Object.entries(m.packages)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- Data: ${s.persons.toLocaleString('en')} generated persons (seeded in ${f0(r.seedSeconds)} s); pool size ${s.poolSize} per server`,
    `- Load: warm-up ${s.warmUpS} s, measured ${s.durationS} s per server and concurrency${
      s.rounds > 1
        ? ` (the caseload in ${s.rounds} rounds of ${f1(s.durationS / s.rounds)} s, each after 1 s of settling, the servers in a rotated order)`
        : ''
    }`,
    ...stealLine(r),
    '',
  ];
}

function caseloadSection(c: CaseloadResult): string[] {
  const lines = [
    '## Caseload query',
    '',
    `A coach's page of 50 persons with all four sources, rotating over ${c.jobCentres.length} job centres (${c.jobCentres.join(', ')}). Requests/s and latency from autocannon in a separate process.`,
    '',
    '| concurrency | hub req/s | peer req/s | floor req/s | hub/peer | hub/floor | hub p50 / p99 ms | peer p50 / p99 ms | floor p50 / p99 ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const run of c.runs) {
    const { hub, peer, floor } = run.results;
    lines.push(
      `| ${run.concurrency} | ${f0(hub.rps)} | ${f0(peer.rps)} | ${f0(floor.rps)} | ${f2(hub.rps / peer.rps)} | ${f2(hub.rps / floor.rps)} | ${hub.p50} / ${hub.p99} | ${peer.p50} / ${peer.p99} | ${floor.p50} / ${floor.p99} |`,
    );
  }
  const rounded = c.runs.filter((run) => run.rounds && run.rounds.length > 1);
  if (rounded.length)
    lines.push(
      '',
      `Each figure above combines ${rounded[0].rounds?.length} rounds per server, the servers loaded in a rotated order each round (requests/s over all the rounds' seconds; p50 and p99 the median of the rounds'). Hub/peer in each round, in order:`,
      '',
      ...rounded.map(
        (run) =>
          `- ${run.concurrency} connection${run.concurrency === 1 ? '' : 's'}: ${(run.rounds ?? []).map((r) => f2(r.hub / r.peer)).join(' / ')}`,
      ),
    );
  const bad = c.runs.flatMap((run) =>
    Object.entries(run.results)
      .filter(([, r]) => r.non2xx + r.errors + r.timeouts + r.mismatches > 0)
      .map(
        ([s, r]) =>
          `${s} at ${run.concurrency}: non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, bodies without data ${r.mismatches}`,
      ),
  );
  lines.push(
    '',
    bad.length
      ? `Failed requests: ${bad.join('; ')}.`
      : 'Every response was a 200 with persons in it (partial answers with FORBIDDEN fields count as successes).',
  );
  type Run = CaseloadResult['runs'][number];
  type Name = 'hub' | 'peer' | 'floor';
  /** A table of one figure per concurrency and server, after its sentence. */
  const perServer = (sentence: string, cell: (run: Run, s: Name) => string) => [
    sentence,
    '',
    '| concurrency | hub | peer | floor |',
    '| ---: | ---: | ---: | ---: |',
    ...c.runs.map(
      (run) =>
        `| ${run.concurrency} | ${cell(run, 'hub')} | ${cell(run, 'peer')} | ${cell(run, 'floor')} |`,
    ),
    '',
  ];
  const stolen = (run: Run, s: Name) => {
    const v = run.stealPercent?.[s];
    return v === undefined || v === null ? '' : ` (steal ${v} %)`;
  };
  const cpu = (run: Run, s: Name) =>
    `${run.cpuMsPerRequest?.[s] ?? '—'} / ${run.postgresCpuMsPerRequest?.[s] ?? '—'}${stolen(run, s)}`;
  if (c.runs.some((run) => run.cpuMsPerRequest))
    lines.push(
      '',
      ...perServer(
        "CPU ms per request, the server's own process / PostgreSQL's (the kernel's count, the unmeasured seconds before each measurement included at the measured rate), and the host's CPU steal while that server was loaded:",
        cpu,
      ),
    );
  const thread = (run: Run, s: Name) => {
    const share = run.mainThread?.[s];
    if (!share || share.cpuPercent === null) return '—';
    return share.loopPercent === null
      ? `${share.cpuPercent} %`
      : `${share.cpuPercent} % (loop busy ${share.loopPercent} %)`;
  };
  if (c.runs.some((run) => run.mainThread))
    lines.push(
      ...perServer(
        "Each server's main thread (the one that runs its JavaScript), CPU as a share of the load's wall time, warm-up included; for the hub also its event loop's busy time (`hub_event_loop_busy_seconds_total`). Near 100 %, a server is bound by that one thread whatever CPU the host has left:",
        thread,
      ),
    );
  const bytes = c.runs[0]?.results;
  if (bytes)
    lines.push(
      `Response size: hub ${bytes.hub.bytesPerRequest} B, peer ${bytes.peer.bytesPerRequest} B, floor ${bytes.floor.bytesPerRequest} B per request (headers included).`,
    );
  const checks = c.checks.filter((x) => x.server !== 'hub');
  lines.push(
    `Same answer check (one request per job centre): peer data ${checks.filter((x) => x.server === 'peer').every((x) => x.sameDataAsHub) ? 'identical' : '**differs**'}, floor data ${checks.filter((x) => x.server === 'floor').every((x) => x.sameDataAsHub) ? 'identical' : '**differs**'}, floor errors ${checks.filter((x) => x.server === 'floor').every((x) => x.sameErrorsAsHub) ? 'identical' : '**differ**'} to the hub's (peer: denied fields null without errors, see README).`,
  );
  const at16 = c.runs.find((r) => r.concurrency === 16);
  if (at16) {
    const { hub, peer, floor } = at16.results;
    lines.push(
      '',
      'Targets (at 16 connections):',
      `- hub/peer ≥ 1.0: ${f2(hub.rps / peer.rps)} — ${met(hub.rps >= peer.rps)}`,
      `- hub/floor ≥ 0.5: ${f2(hub.rps / floor.rps)} — ${met(hub.rps >= 0.5 * floor.rps)}`,
      `- hub p99 < 50 ms: ${hub.p99} ms — ${met(hub.p99 < 50)}`,
    );
  }
  lines.push('');
  return lines;
}

function eventsSection(runs: EventsRun[]): string[] {
  const lines = [
    '## Events',
    '',
    "Subscribers: job-centre coaches, each on its own graphql-ws connection, subscribed to its own centre; the writer publishes REFERRAL_SENT by createReferral over HTTP. Latency: receipt − occurredAt (the committing transaction's now()).",
    '',
    '| subscribers | connected | events committed (target/s) | deliveries received / expected | delivered/s | p50 ms | p90 ms | p99 ms | max ms | idle RSS / subscriber | idle heap / subscriber |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of runs) {
    lines.push(
      `| ${r.subscribers} | ${r.opened} | ${r.eventsCommitted} (${r.eventRateTarget}) | ${r.delivery.received} / ${r.expectedDeliveries} | ${f0(r.deliveredPerSecond)} | ${r.delivery.p50} | ${r.delivery.p90} | ${r.delivery.p99} | ${r.delivery.max} | ${f0(r.idleRssPerSubscriberBytes / 1024)} KB | ${f0(r.idleHeapPerSubscriberBytes / 1024)} KB |`,
    );
  }
  lines.push(
    '',
    `Writer: createReferral on ${runs
      .map((r) =>
        r.eventWriter === 'other'
          ? 'another instance (the subscribers’ instance only fans out)'
          : 'the subscribers’ own instance',
      )
      .filter((v, i, a) => a.indexOf(v) === i)
      .join(' / ')}.`,
    '',
    '| subscribers | hub CPU s / window s | hub CPU per delivery | messages per socket write | cohorts | shared / own executions |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of runs) {
    const w = r.window;
    const perDelivery = w.deliveries ? `${f0((w.hubCpuSeconds * 1e6) / w.deliveries)} µs` : '–';
    const perWrite = w.socketWrites ? (w.deliveries / w.socketWrites).toFixed(2) : '–';
    lines.push(
      `| ${r.subscribers} | ${w.hubCpuSeconds.toFixed(1)} / ${w.seconds.toFixed(1)} | ${perDelivery} | ${perWrite} | ${w.cohorts} | ${w.sharedExecutions} / ${w.ownExecutions} |`,
    );
  }
  const big = runs.find((r) => r.subscribers >= 10_000);
  if (big) {
    lines.push(
      '',
      'Targets (10,000 subscribers, 100 events/s):',
      `- all connected: ${big.opened} — ${met(big.opened >= 10_000)}`,
      `- p99 < 250 ms: ${big.delivery.p99} ms — ${met(big.delivery.p99 < 250 && big.delivery.received >= big.expectedDeliveries)}`,
      `- < 50 KB per idle subscriber (RSS): ${f0(big.idleRssPerSubscriberBytes / 1024)} KB — ${met(big.idleRssPerSubscriberBytes < 50 * 1024)}`,
    );
  }
  for (const r of runs.filter((x) => x.sweep?.length)) lines.push(...sweepLines(r));
  const writeProblems = runs.filter((r) => r.writeFailures + r.writesSkipped > 0);
  if (writeProblems.length)
    lines.push(
      '',
      `Writer: ${writeProblems.map((r) => `n=${r.subscribers}: ${r.writeFailures} failed, ${r.writesSkipped} skipped (64 in flight)`).join('; ')}.`,
    );
  lines.push('');
  return lines;
}

/** The rate sweep of a run that missed the latency target: the highest rate that met it. */
function sweepLines(r: EventsRun): string[] {
  const points = [...(r.sweep ?? [])].sort((a, b) => b.rate - a.rate);
  // Highest rate first: the first that met the target is the highest.
  const best = points.find(metLatency);
  return [
    '',
    `${r.subscribers} subscribers at lower event rates (the same instance and connections, ${r.eventRateTarget}/s missed p99 < ${LATENCY_TARGET_MS} ms):`,
    '',
    '| events/s (target) | events committed | deliveries received / expected | delivered/s | p50 ms | p99 ms | max ms | hub CPU s / window s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...points.map(
      (p) =>
        `| ${p.rate} | ${p.eventsCommitted} | ${p.received} / ${p.expectedDeliveries} | ${f0(p.deliveredPerSecond)} | ${p.p50} | ${p.p99} | ${p.max} | ${p.hubCpuSeconds.toFixed(1)} / ${p.seconds.toFixed(1)} |`,
    ),
    '',
    best
      ? `Highest rate tried that met p99 < ${LATENCY_TARGET_MS} ms: **${best.rate} events/s** (${f0(best.deliveredPerSecond)} deliveries/s, p99 ${best.p99} ms).`
      : `No rate tried met p99 < ${LATENCY_TARGET_MS} ms.`,
  ];
}

function writesSection(w: WritesResult, concurrency: number): string[] {
  const f = w.floor;
  return [
    '## Writes',
    '',
    `createReferral (referral, person link, access-log row and outbox event in one transaction), ${concurrency} connections, every person once, each with its own idempotency key. The floor: a bare \`pg\` client writing the same rows in one transaction per request, at the same concurrency, in the same run.`,
    '',
    '| | concurrency | per second | p50 ms | p99 ms | requests | failed |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| hub createReferral | ${concurrency} | ${f0(w.rps)} | ${w.p50} | ${w.p99} | ${w.requests} | ${w.non2xx + w.errors + w.timeouts + w.mismatches} |`,
    ...(f
      ? [
          `| floor (bare pg) | ${f.connections} | ${f0(f.rps)} | ${f.p50} | ${f.p99} | ${f.requests} | — |`,
        ]
      : []),
    '',
    ...(w.hubCpuMsPerRequest != null
      ? [
          `CPU per createReferral: hub ${w.hubCpuMsPerRequest} ms, PostgreSQL ${w.postgresCpuMsPerRequest ?? '—'} ms (user + system from the kernel, warm-up included); the hub's ${describeShare(w.mainThread)} of the load's wall time.`,
          '',
        ]
      : []),
    w.exhausted
      ? '**The persons ran out during the run: some requests were idempotent replays; the figure is not valid (raise BENCH_PERSONS).**'
      : `Targets: ≥ 754/s (twice the 377/s of 2026-12-02 before the sequencer): ${met(w.rps >= 754)}${f ? `; ≥ half the floor (hub/floor ${f2(w.rps / f.rps)}): ${met(w.rps >= f.rps / 2)}` : ''}`,
    '',
  ];
}

function profileTables(p: Profiled): string[] {
  return [
    `${p.totalMs} ms busy, ${p.idleMs} ms idle. Self time by origin:`,
    '',
    '| origin | self % |',
    '| --- | ---: |',
    ...p.origins.map((o) => `| ${o.name} | ${o.percent} |`),
    '',
    'Top functions by self time:',
    '',
    '| function | self % |',
    '| --- | ---: |',
    ...p.functions.map((f) => `| \`${f.name}\` | ${f.percent} |`),
    '',
  ];
}

function profileSection(p: NonNullable<RunResults['profiles']>, r: RunResults): string[] {
  return [
    '## Profiles (hub, node --cpu-prof)',
    '',
    `### Caseload query: ${f0(p.caseload.rps)} req/s at 16 connections`,
    '',
    ...profileTables(p.caseload),
    `### createReferral: ${f0(p.writes.rps)} /s at ${r.settings.writeConcurrency} connections`,
    '',
    ...profileTables(p.writes),
    `### Event delivery: ${r.settings.subscribers[0]} subscribers, ${f0(p.events.rps)} deliveries/s`,
    '',
    ...profileTables(p.events),
  ];
}

function gatewaySection(g: GatewayResult): string[] {
  const lines = [
    '## Caseload through the federation gateway',
    '',
    `The same coach's page asked of the hub directly and through Hive Gateway serving the supergraph (the hub and the appointment booking subgraph), loaded in turn. Same answer through the gateway: ${g.sameAnswers ? 'yes' : '**no**'}. Target: the gateway adds at most 20% to p50 at 1 connection.`,
    '',
    '| concurrency | direct req/s | gateway req/s | gateway/direct req/s | direct p50 / p99 ms | gateway p50 / p99 ms | p50 added |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const run of g.runs) {
    const { direct, gateway } = run.results;
    const added = direct.p50 > 0 ? gateway.p50 / direct.p50 - 1 : 0;
    lines.push(
      `| ${run.concurrency} | ${f0(direct.rps)} | ${f0(gateway.rps)} | ${f2(gateway.rps / direct.rps)} | ${direct.p50} / ${direct.p99} | ${gateway.p50} / ${gateway.p99} | ${(added * 100).toFixed(0)}%${run.concurrency === 1 ? ` (${met(added <= 0.2)})` : ''} |`,
    );
  }
  lines.push('');
  return lines;
}

function tracingSection(t: TracingResult): string[] {
  const lines = [
    '## Caseload with tracing on',
    '',
    `The same coach's page asked of two hubs on the same database, tracing off (the default) and on (OpenTelemetry, spans batched over OTLP/HTTP to a local no-op collector), loaded in turn. Same answer: ${t.sameAnswers ? 'yes' : '**no**'}; the collector received ${t.collector.exports} exports (${f0(t.collector.bytes / 1024)} KiB).`,
    '',
    '| concurrency | off req/s | on req/s | on/off req/s | off p50 / p99 ms | on p50 / p99 ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const run of t.runs) {
    const { off, on } = run.results;
    lines.push(
      `| ${run.concurrency} | ${f0(off.rps)} | ${f0(on.rps)} | ${f2(on.rps / off.rps)} | ${off.p50} / ${off.p99} | ${on.p50} / ${on.p99} |`,
    );
  }
  lines.push('');
  return lines;
}

export function renderMarkdown(r: RunResults): string {
  const lines = ['# Bench run', '', ...machineSection(r)];
  if (r.caseload) lines.push(...caseloadSection(r.caseload));
  if (r.gateway) lines.push(...gatewaySection(r.gateway));
  if (r.tracing) lines.push(...tracingSection(r.tracing));
  if (r.events) lines.push(...eventsSection(r.events));
  if (r.writes) lines.push(...writesSection(r.writes, r.settings.writeConcurrency));
  if (r.profiles) lines.push(...profileSection(r.profiles, r));
  return `${lines.join('\n')}\n`;
}
