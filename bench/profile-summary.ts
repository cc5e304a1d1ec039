/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time per function and per origin
 * (a package in node_modules, the hub's own source, Node internals, the garbage
 * collector), idle time left out. Also runnable alone:
 *   npx ts-node bench/profile-summary.ts path/to/file.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: ProfileEntry[];
  origins: ProfileEntry[];
}

/** Where a function lives: the package, `hub src/<dir>`, `node internals`, or a V8 pseudo-frame. */
export function originOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  // The hub's own code, by directory (or top-level file) under src/.
  const hub = /\/(?:dist\/)?src\/([^/]+)/.exec(url);
  if (hub) return `hub src/${hub[1].replace(/\.[jt]s$/, '')}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf('node_modules/');
  if (i >= 0) return url.slice(i + 'node_modules/'.length);
  const j = url.indexOf('/dist/');
  return j >= 0 ? url.slice(j + 1) : url.replace(/^file:\/\//, '');
}

function top(map: Map<string, number>, total: number, n: number): ProfileEntry[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({
      name,
      ms: Math.round(us / 1000),
      percent: Math.round((us / total) * 1000) / 10,
    }));
}

export function summarise(profile: CpuProfile, n = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const fn = frame.url
      ? `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`
      : frame.functionName;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const origin = originOf(frame.url, frame.functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    functions: top(functions, total, n),
    origins: top(origins, total, n),
  };
}

export function summariseFile(path: string, n = 20): ProfileSummary {
  return summarise(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile, n);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: ts-node bench/profile-summary.ts FILE.cpuprofile');
    process.exit(2);
  }
  const s = summariseFile(file);
  console.log(`busy ${s.totalMs} ms, idle ${s.idleMs} ms\n\nby origin (self time):`);
  for (const o of s.origins) console.log(`  ${o.percent.toFixed(1).padStart(5)}%  ${o.name}`);
  console.log('\ntop functions (self time):');
  for (const f of s.functions) console.log(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.name}`);
}
