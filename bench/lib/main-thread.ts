/**
 * How much of a server's one JavaScript thread a load took: the thread's CPU time over the
 * wall time (the kernel's count, any Node server), and for the hub also its event loop's
 * busy time (`hub_event_loop_busy_seconds_total`), which counts time the loop was running
 * code even while the host gave its core to another process. Near 100 %, the server is
 * bound by that thread whatever CPU the host has left.
 */
import { mainThreadCpuMs } from '../process-cpu';
import type { HubMetrics } from './hub-metrics';

export interface MainThreadMark {
  wallMs: number;
  cpuMs: number | null;
  /** The hub's loop busy seconds; null for other servers. */
  loopBusyS: number | null;
}

export interface MainThreadShare {
  /** The main thread's CPU, percent of the wall time. */
  cpuPercent: number | null;
  /** The hub's event loop busy, percent of the wall time. */
  loopPercent: number | null;
}

/**
 * A mark to measure from: now, the main thread's CPU and, given the hub's metrics (read by
 * the caller, who may want other figures from the same read), its loop's busy time.
 */
export function markMainThread(pid: number | undefined, hub?: HubMetrics): MainThreadMark {
  const loopBusyS = hub?.loopBusySeconds;
  return {
    wallMs: performance.now(),
    cpuMs: mainThreadCpuMs(pid),
    loopBusyS: loopBusyS === undefined || Number.isNaN(loopBusyS) ? null : loopBusyS,
  };
}

const percent = (part: number, whole: number): number => Math.round((part / whole) * 1000) / 10;

export function mainThreadShare(before: MainThreadMark, after: MainThreadMark): MainThreadShare {
  const wall = after.wallMs - before.wallMs;
  return {
    cpuPercent:
      before.cpuMs === null || after.cpuMs === null || wall <= 0
        ? null
        : percent(after.cpuMs - before.cpuMs, wall),
    loopPercent:
      before.loopBusyS === null || after.loopBusyS === null || wall <= 0
        ? null
        : percent((after.loopBusyS - before.loopBusyS) * 1000, wall),
  };
}

/** "main thread 87 % CPU, loop busy 93 %" (the parts that were measured). */
export function describeShare(share: MainThreadShare | undefined): string {
  if (!share) return 'main thread ?';
  const parts = [`main thread ${share.cpuPercent ?? '?'} % CPU`];
  if (share.loopPercent !== null) parts.push(`loop busy ${share.loopPercent} %`);
  return parts.join(', ');
}
