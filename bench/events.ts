/**
 * Events: N authenticated graphql-ws subscribers (another process) on one fresh hub
 * instance, a writer publishing REFERRAL_SENT events by createReferral over HTTP at a fixed
 * rate, and for each N: commit-to-delivery latency, delivered events per second (and how
 * many of the expected deliveries arrived), and the hub's memory per idle subscriber
 * (RSS and heap delta from /metrics, before and after the subscribers connected).
 *
 * Subscribers are job-centre coaches spread evenly over the job centres, each subscribed
 * to its own centre (`filter: { jobCentreId }`), so an event reaches N ÷ (number of job
 * centres) subscribers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { hubMetrics } from './lib/hub-metrics';
import { stopProcess, track } from './lib/processes';
import type { ReferralCandidates } from './lib/referral-writer';
import type { Settings } from './lib/settings';
import { sweepRates } from './lib/rate-sweep';
import type { DeliveryStats, FromWorker, SubscriberSpec, ToWorker } from './lib/subscriber-worker';

export interface EventsRun {
  subscribers: number;
  opened: number;
  openFailed: number;
  openMs: number;
  idleRssPerSubscriberBytes: number;
  idleHeapPerSubscriberBytes: number;
  eventRateTarget: number;
  /** Whether the writer's createReferral went to the subscribers' instance or another one. */
  eventWriter: 'same' | 'other';
  eventsCommitted: number;
  writeFailures: number;
  writesSkipped: number;
  expectedDeliveries: number;
  delivery: DeliveryStats;
  deliveredPerSecond: number;
  /** While publishing and delivering: what the hub did and how busy each process was. */
  window: EventsWindow;
  /** Lower rates tried when this run missed the latency target (Settings.eventSweep). */
  sweep?: SweepPoint[];
}

/** One window of the rate sweep. */
export interface SweepPoint {
  rate: number;
  eventsCommitted: number;
  expectedDeliveries: number;
  received: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  hubCpuSeconds: number;
  seconds: number;
}

/** Issue 16's target: commit-to-delivery p99 under 250 ms, every delivery received. */
export const LATENCY_TARGET_MS = 250;

/** The sweep stops below one event a second. */
const MIN_SWEEP_RATE = 1;

/** Whether a window met the target: p99 under it, and every expected delivery received. */
export function metLatency(p: SweepPoint): boolean {
  return (
    p.p99 < LATENCY_TARGET_MS && p.expectedDeliveries > 0 && p.received >= p.expectedDeliveries
  );
}

export interface EventsWindow {
  seconds: number;
  /** GraphQL executions of events: once per cohort (shared) and per replaying subscriber (own). */
  sharedExecutions: number;
  ownExecutions: number;
  /** Cohorts open during the run (groups sharing one execution per event). */
  cohorts: number;
  /** Messages written by the hub and the kernel writes carrying them (several per write when coalesced). */
  deliveries: number;
  socketWrites: number;
  /** CPU seconds of the hub and of the subscriber process over `seconds` (1.0 = one core). */
  hubCpuSeconds: number;
  subscriberCpuSeconds: number;
  /**
   * The hub's share of the latency, from its hub_event_fanout_seconds histogram: dispatcher
   * offer to socket write, as the upper bound of the bucket holding p50 and p99 (ms).
   */
  fanoutP50Ms: number | null;
  fanoutP99Ms: number | null;
}

interface WindowSample {
  at: number;
  shared: number;
  own: number;
  cohorts: number;
  deliveries: number;
  socketWrites: number;
  hubCpu: number;
  workerCpu: number;
  /** Cumulative bucket counts of hub_event_fanout_seconds by upper bound (s). */
  fanout: Map<number, number>;
}

function fanoutBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const m of text.matchAll(/^hub_event_fanout_seconds_bucket\{le="([^"]+)"\} ([0-9.e+]+)$/gm))
    buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}

/** The upper bound (ms) of the bucket where the p-quantile of the observations in between falls. */
function bucketQuantile(a: Map<number, number>, b: Map<number, number>, p: number): number | null {
  const bounds = [...b.keys()].sort((x, y) => x - y);
  const total = (b.get(Infinity) ?? 0) - (a.get(Infinity) ?? 0);
  if (total <= 0) return null;
  for (const le of bounds)
    if ((b.get(le) ?? 0) - (a.get(le) ?? 0) >= total * p) return le === Infinity ? null : le * 1000;
  return null;
}

function metricValue(text: string, name: string, labels = ''): number {
  const escaped = `${name}${labels}`.replace(/[{}"]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

/** CPU seconds (user + system) of a process on Linux, 0 where /proc is not there. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ ticks
  } catch {
    return 0;
  }
}

async function sampleWindow(url: string, workerPid: number | undefined): Promise<WindowSample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    at: Date.now(),
    shared: metricValue(text, 'hub_event_executions_total', '{kind="shared"}'),
    own: metricValue(text, 'hub_event_executions_total', '{kind="own"}'),
    cohorts: metricValue(text, 'hub_event_cohorts'),
    deliveries: metricValue(text, 'hub_event_deliveries_total'),
    socketWrites: metricValue(text, 'hub_event_socket_writes_total'),
    hubCpu: metricValue(text, 'process_cpu_seconds_total'),
    workerCpu: processCpuSeconds(workerPid),
    fanout: fanoutBuckets(text),
  };
}

function windowBetween(a: WindowSample, b: WindowSample): EventsWindow {
  return {
    seconds: (b.at - a.at) / 1000,
    sharedExecutions: b.shared - a.shared,
    ownExecutions: b.own - a.own,
    cohorts: a.cohorts,
    deliveries: b.deliveries - a.deliveries,
    socketWrites: b.socketWrites - a.socketWrites,
    hubCpuSeconds: b.hubCpu - a.hubCpu,
    subscriberCpuSeconds: b.workerCpu - a.workerCpu,
    fanoutP50Ms: bucketQuantile(a.fanout, b.fanout, 0.5),
    fanoutP99Ms: bucketQuantile(a.fanout, b.fanout, 0.99),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Worker {
  readonly child: ChildProcess;
  private readonly waiting: ((m: FromWorker) => void)[] = [];

  constructor() {
    this.child = track(
      fork(join(__dirname, 'lib', 'subscriber-worker.ts'), [], {
        execArgv: ['-r', 'ts-node/register', '--max-old-space-size=4096'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    this.child.on('message', (m: FromWorker) => this.waiting.shift()?.(m));
  }

  send(msg: ToWorker): void {
    this.child.send(msg);
  }

  request<T extends FromWorker['type']>(
    msg: ToWorker,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`subscriber worker: no answer to ${msg.type}`)),
        timeoutMs,
      );
      this.waiting.push((m) => {
        clearTimeout(timer);
        resolve(m as Extract<FromWorker, { type: T }>);
      });
      this.send(msg);
    });
  }

  async close(): Promise<void> {
    try {
      await this.request({ type: 'close' }, 30_000);
    } finally {
      await stopProcess(this.child, 5000);
    }
  }
}

async function waitForSubscribers(url: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await hubMetrics(url)).subscribers >= n) return;
    await sleep(250);
  }
  throw new Error(`hub did not report ${n} subscribers within ${timeoutMs} ms`);
}

/** Publishes createReferral at `rate` per second for `seconds`; at most 64 in flight. */
async function publish(
  url: string,
  candidates: ReferralCandidates,
  rate: number,
  seconds: number,
): Promise<{ committed: Map<string, number>; failures: number; skipped: number }> {
  const committed = new Map<string, number>();
  let failures = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const [variant] = candidates.take(1);
    if (!variant || inFlight >= 64) {
      skipped++;
      continue;
    }
    inFlight++;
    pending.push(
      fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...variant.headers },
        body: variant.body,
      })
        .then(async (res) => {
          const body = (await res.json()) as {
            data?: { createReferral?: { toJobCentre?: { id: string } } };
          };
          const jc = body.data?.createReferral?.toJobCentre?.id;
          if (res.status === 200 && jc) committed.set(jc, (committed.get(jc) ?? 0) + 1);
          else failures++;
        })
        .catch(() => {
          failures++;
        })
        .finally(() => {
          inFlight--;
        }),
    );
  }
  await Promise.all(pending);
  return { committed, failures, skipped };
}

export async function runEvents(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  candidates: ReferralCandidates,
  log: (line: string) => void,
): Promise<EventsRun[]> {
  const runs: EventsRun[] = [];
  // A fresh instance per N: the memory baseline is not left over from the previous round.
  for (const n of settings.subscribers)
    runs.push(await runEventsOnce(settings, env, jobCentres, candidates, n, [], log));
  return runs;
}

/** One round: a fresh hub (with `nodeArgs`, e.g. --cpu-prof), n subscribers, the writer. */
export async function runEventsOnce(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  candidates: ReferralCandidates,
  n: number,
  nodeArgs: string[],
  log: (line: string) => void,
): Promise<EventsRun> {
  const tokens = await coachTokens(env.secret, jobCentres);
  {
    const hub = await startHub(
      env,
      `hub-events-${n}${nodeArgs.length ? '-profile' : ''}`,
      nodeArgs,
    );
    const worker = new Worker();
    try {
      const perCentre = new Map<string, number>();
      const specs: SubscriberSpec[] = [];
      for (let i = 0; i < n; i++) {
        const jc = jobCentres[i % jobCentres.length];
        perCentre.set(jc, (perCentre.get(jc) ?? 0) + 1);
        specs.push({ token: tokens.get(jc) ?? '', filter: { jobCentreId: jc } });
      }
      await sleep(1000);
      const before = await hubMetrics(hub.url);
      const opened = await worker.request<'opened'>(
        { type: 'open', wsUrl: `${hub.url.replace(/^http/, 'ws')}/graphql`, specs, batch: 200 },
        300_000,
      );
      await waitForSubscribers(hub.url, opened.open, 60_000);
      await sleep(3000); // idle
      const after = await hubMetrics(hub.url);
      log(
        `  events n=${n}: ${opened.open} subscribed, ${opened.failed} refused, in ${opened.ms} ms; RSS +${((after.rssBytes - before.rssBytes) / 2 ** 20).toFixed(1)} MiB`,
      );

      /** One window at `rate` events/s: publish, let the last deliveries arrive, count. */
      const measure = async (rate: number) => {
        // The writer's instance, when it is another: started after the subscribers' one, so
        // that one holds the sequencer (it numbers every event) and fans them all out.
        const writerHub =
          settings.eventWriter === 'other' ? await startHub(env, `hub-events-${n}-writer`) : hub;
        const start = await sampleWindow(hub.url, worker.child.pid);
        worker.send({ type: 'start' });
        const written = await publish(
          writerHub.url,
          candidates,
          rate,
          settings.eventDurationS,
        ).finally(() =>
          writerHub === hub
            ? undefined
            : stopProcess(writerHub.child, 30_000).then(() => undefined),
        );
        await sleep(3000); // let the last deliveries arrive
        const { stats } = await worker.request<'stats'>({ type: 'stop' }, 30_000);
        const window = windowBetween(start, await sampleWindow(hub.url, worker.child.pid));
        let committed = 0;
        let expected = 0;
        for (const [jc, count] of written.committed) {
          committed += count;
          expected += count * (perCentre.get(jc) ?? 0);
        }
        const point: SweepPoint = {
          rate,
          eventsCommitted: committed,
          expectedDeliveries: expected,
          received: stats.received,
          deliveredPerSecond: stats.spanMs > 0 ? (stats.received * 1000) / stats.spanMs : 0,
          p50: stats.p50,
          p99: stats.p99,
          max: stats.max,
          hubCpuSeconds: window.hubCpuSeconds,
          seconds: window.seconds,
        };
        return { written, stats, window, point };
      };

      const main = await measure(settings.eventRate);
      const { written, stats, window } = main;
      const { eventsCommitted: committed, expectedDeliveries: expected } = main.point;
      const run: EventsRun = {
        subscribers: n,
        opened: opened.open,
        openFailed: opened.failed,
        openMs: opened.ms,
        idleRssPerSubscriberBytes: (after.rssBytes - before.rssBytes) / Math.max(1, opened.open),
        idleHeapPerSubscriberBytes:
          (after.heapUsedBytes - before.heapUsedBytes) / Math.max(1, opened.open),
        eventRateTarget: settings.eventRate,
        eventWriter: settings.eventWriter,
        eventsCommitted: committed,
        writeFailures: written.failures,
        writesSkipped: written.skipped,
        expectedDeliveries: expected,
        delivery: stats,
        deliveredPerSecond: main.point.deliveredPerSecond,
        window,
      };
      log(
        `  events n=${n}: ${committed} events committed (writer on the ${settings.eventWriter === 'same' ? 'same' : 'other'} instance), ${stats.received}/${expected} deliveries, ${run.deliveredPerSecond.toFixed(0)}/s, p50 ${stats.p50} ms, p99 ${stats.p99} ms, max ${stats.max} ms`,
      );
      log(
        `  events n=${n}: ${window.sharedExecutions} shared + ${window.ownExecutions} own executions in ${window.cohorts} cohorts; ${window.deliveries} messages in ${window.socketWrites} socket writes; CPU over ${window.seconds.toFixed(1)} s: hub ${window.hubCpuSeconds.toFixed(1)} s, subscriber process ${window.subscriberCpuSeconds.toFixed(1)} s; hub fan-out (offer to socket write) p50 ≤ ${window.fanoutP50Ms} ms, p99 ≤ ${window.fanoutP99Ms} ms`,
      );
      const largest = n === Math.max(...settings.subscribers);
      if (settings.eventSweep && largest && !metLatency(main.point)) {
        const sweep: SweepPoint[] = (run.sweep = []);
        let lastMax = stats.max;
        const step = async (rate: number) => {
          // Deliveries still on their way from the window before would count in this one.
          await sleep(Math.max(2000, lastMax));
          const { point } = await measure(rate);
          lastMax = point.max;
          sweep.push(point);
          log(
            `  events n=${n} at ${rate}/s: ${point.eventsCommitted} events, ${point.received}/${point.expectedDeliveries} deliveries, ${point.deliveredPerSecond.toFixed(0)}/s, p50 ${point.p50} ms, p99 ${point.p99} ms — ${metLatency(point) ? 'within' : 'over'} ${LATENCY_TARGET_MS} ms`,
          );
          return metLatency(point);
        };
        await sweepRates(settings.eventRate, step, MIN_SWEEP_RATE);
      }
      return run;
    } finally {
      await worker.close().catch(() => undefined);
      await stopProcess(hub.child, 30_000);
    }
  }
}
