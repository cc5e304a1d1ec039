/**
 * CPU time of a child process (user + system), from /proc on Linux. A CPU profile's "busy"
 * time is wall time the process was not idle, which on a shared machine includes time it
 * was runnable but waiting for a core (e.g. inside `writev` while PostgreSQL runs); the
 * kernel's count is what the process actually used. Elsewhere: null.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second (USER_HZ): 100 on every Linux Node supports. */
const USER_HZ = 100;

/** user + system ms of a /proc stat file (a process's or one of its threads'). */
function statCpuMs(path: string): number | null {
  try {
    // Fields after the command name (which may contain spaces and ends with ") "): state is
    // field 3, utime 14 and stime 15 of proc(5), so indices 11 and 12 here.
    const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  return statCpuMs(`/proc/${pid}/stat`);
}

/**
 * CPU time of a process's main thread alone (its thread id is the pid): for a Node server,
 * the thread that runs all its JavaScript. The process's count adds the GC helpers and
 * libuv's pool, which run beside it.
 */
export function mainThreadCpuMs(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * CPU milliseconds per request over a load: the warm-up's requests are estimated from the
 * measured rate, since the CPU reading covers the warm-up too.
 */
export function cpuPerRequest(
  cpuMs: number | null,
  requests: number,
  rps: number,
  warmUpS: number,
): number | null {
  if (cpuMs === null) return null;
  const total = requests + rps * warmUpS;
  return total > 0 ? Math.round((cpuMs / total) * 10) / 10 : null;
}

/** CPU ms of each local PostgreSQL process by pid, at one moment. */
export type PostgresCpu = Map<number, number>;

/**
 * The local PostgreSQL server's processes (the one the bench runs against is on this
 * machine) and the CPU each has used so far; null off Linux.
 */
export function postgresCpu(): PostgresCpu | null {
  if (process.platform !== 'linux') return null;
  const cpu: PostgresCpu = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(') ');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      cpu.set(Number(entry), ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return cpu;
}

/**
 * PostgreSQL's CPU since `before`, process by process: loading one server at a time, that
 * is the server's cost in the database, which its own process CPU does not show. A backend
 * that ended in between is not counted (its time leaves with it, and the postmaster's
 * count of ended children would add the whole life of another server's idle backend), so
 * the figure is a floor; the loaded server's pool keeps its backends open.
 */
export function postgresCpuSince(before: PostgresCpu | null): number | null {
  const after = postgresCpu();
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0);
  return ms;
}
