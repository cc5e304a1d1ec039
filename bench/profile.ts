/**
 * Where the hub's time goes: the built hub under `node --cpu-prof` while it serves (1) the
 * caseload query at 16 connections, (2) createReferral at the write concurrency and
 * (3) event delivery to the first subscriber count; each profile summarised by self time.
 * Separate runs: the profiler's overhead never touches the measured figures.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { caseloadRequests } from './caseload-query';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { runEventsOnce } from './events';
import { runLoad, type RequestVariant } from './lib/load';
import { stopProcess } from './lib/processes';
import { processCpuMs } from './process-cpu';
import type { ReferralCandidates } from './lib/referral-writer';
import type { Settings } from './lib/settings';
import { summariseFile, type ProfileSummary } from './profile-summary';

/**
 * A summary plus the profile file and the throughput (req/s or deliveries/s) it ran at, and
 * the hub's CPU time over the run from the kernel (see process-cpu.ts: the profile's busy
 * time also counts time spent waiting for a core on a shared machine).
 */
export type Profiled = ProfileSummary & { file: string; rps: number; cpuMs?: number | null };

const profilerArgs = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`];

function profileDir(env: ServerEnv, name: string): string {
  const dir = join(env.logDir, `cpu-profile-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The profile is written when the hub exits (SIGTERM → graceful stop → exit). */
function summariseDir(
  dir: string,
  name: string,
  rps: number,
  log: (l: string) => void,
  cpuMs: number | null = null,
): Profiled {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const summary = summariseFile(join(dir, file), 15);
  log(
    `  profile ${name}: ${summary.totalMs} ms busy${cpuMs === null ? '' : `, ${cpuMs} ms CPU (kernel)`}; top: ${summary.functions
      .slice(0, 4)
      .map((f) => `${f.name} ${f.percent}%`)
      .join(', ')}`,
  );
  return { ...summary, file: join(dir, file), rps, cpuMs };
}

async function profileLoad(
  env: ServerEnv,
  name: string,
  load: (url: string) => Promise<number>,
  log: (line: string) => void,
): Promise<Profiled> {
  const dir = profileDir(env, name);
  const hub = await startHub(env, `hub-profile-${name}`, profilerArgs(dir));
  let rps: number;
  let cpuMs: number | null = null;
  try {
    const before = processCpuMs(hub.child.pid);
    rps = await load(hub.url);
    const after = processCpuMs(hub.child.pid);
    if (before !== null && after !== null) cpuMs = Math.round(after - before);
  } finally {
    await stopProcess(hub.child, 30_000);
  }
  return summariseDir(dir, name, rps, log, cpuMs);
}

export async function runProfile(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  log: (line: string) => void,
): Promise<Profiled> {
  const tokens = await coachTokens(env.secret, jobCentres);
  return profileLoad(
    env,
    'caseload',
    async (url) =>
      (
        await runLoad({
          kind: 'caseload',
          url,
          connections: 16,
          warmUpS: 0,
          durationS: settings.profileDurationS,
          variants: caseloadRequests('hub', tokens),
        })
      ).rps,
    log,
  );
}

export function runWriteProfile(
  settings: Settings,
  env: ServerEnv,
  variants: RequestVariant[],
  log: (line: string) => void,
): Promise<Profiled> {
  return profileLoad(
    env,
    'writes',
    async (url) =>
      (
        await runLoad({
          kind: 'createReferral',
          url,
          connections: settings.writeConcurrency,
          warmUpS: 0,
          durationS: settings.profileDurationS,
          variants,
        })
      ).rps,
    log,
  );
}

export async function runEventsProfile(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  candidates: ReferralCandidates,
  log: (line: string) => void,
): Promise<Profiled> {
  const dir = profileDir(env, 'events');
  const n = settings.subscribers[0];
  const run = await runEventsOnce(
    { ...settings, eventDurationS: settings.profileDurationS },
    env,
    jobCentres,
    candidates,
    n,
    profilerArgs(dir),
    log,
  );
  return summariseDir(dir, `events-${n}`, run.deliveredPerSecond, log);
}
