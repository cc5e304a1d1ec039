/**
 * CPU steal: the share of these cores' time the hypervisor gave to other machines. On a
 * shared host it comes and goes within minutes, and while it is high every figure of a run
 * is slower and noisier (a server measured in a stolen minute looks worse than one measured
 * in a quiet one). A run records it per part so that a reader can tell which figures to
 * trust; Linux only (`/proc/stat`), null elsewhere.
 */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  total: number;
  steal: number;
}

/** The machine's CPU time so far (all cores), in clock ticks. */
export function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) return null;
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] };
  } catch {
    return null;
  }
}

/** Percent of the time since `from` that was stolen; null when unknown. */
export function stealPercent(
  from: CpuTimes | null,
  to: CpuTimes | null = cpuTimes(),
): number | null {
  if (!from || !to || to.total <= from.total) return null;
  return (100 * (to.steal - from.steal)) / (to.total - from.total);
}
