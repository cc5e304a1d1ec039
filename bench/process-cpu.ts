/**
 * CPU time of a child process (user + system), from /proc on Linux. A CPU profile's "busy"
 * time is wall time the process was not idle, which on a shared machine includes time it
 * was runnable but waiting for a core (e.g. inside `writev` while PostgreSQL runs); the
 * kernel's count is what the process actually used. Elsewhere: null.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second (USER_HZ): 100 on every Linux Node supports. */
const USER_HZ = 100;

export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    // Fields after the command name (which may contain spaces and ends with ") "): state is
    // field 3, utime 14 and stime 15 of proc(5), so indices 11 and 12 here.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
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

/**
 * CPU time of the local PostgreSQL server (the one the bench runs against is on this
 * machine): every live postgres process, plus what the postmaster has collected from the
 * backends that ended (their time would otherwise leave with them). Loading one server at a
 * time, the difference over a load is that server's cost in the database as well, which its
 * own process CPU does not show. Null off Linux.
 */
export function postgresCpuMs(): number | null {
  if (process.platform !== 'linux') return null;
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(') ');
      if (stat.slice(stat.indexOf('(') + 1, close) === 'postgres')
        stats.set(Number(entry), stat.slice(close + 2).split(' '));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  let ticks = 0;
  for (const fields of stats.values()) {
    // proc(5): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17 (here 1, 11..14).
    ticks += Number(fields[11]) + Number(fields[12]);
    if (!stats.has(Number(fields[1]))) ticks += Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / USER_HZ;
}
