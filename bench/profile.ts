/**
 * Where the hub's time goes on the caseload query: the built hub under `node --cpu-prof`,
 * loaded like the caseload benchmark at concurrency 16, then the profile summarised by
 * self time. A separate run: the profiler's overhead never touches the measured figures.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { caseloadBody } from './caseload-query';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { runLoad } from './lib/load';
import { stopProcess } from './lib/processes';
import type { Settings } from './lib/settings';
import { summariseFile, type ProfileSummary } from './profile-summary';

export async function runProfile(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  log: (line: string) => void,
): Promise<ProfileSummary & { file: string; rps: number }> {
  const dir = join(env.logDir, 'cpu-profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tokens = await coachTokens(env.secret, jobCentres);
  const hub = await startHub(env, 'hub-profile', ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  let rps: number;
  try {
    const r = await runLoad({
      kind: 'caseload',
      url: hub.url,
      connections: 16,
      warmUpS: 0,
      durationS: settings.profileDurationS,
      variants: [...tokens].map(([jc, token]) => ({
        headers: { authorization: `Bearer ${token}` },
        body: caseloadBody('hub', jc),
      })),
    });
    rps = r.rps;
  } finally {
    // The profile is written when the process exits (SIGTERM → graceful stop → exit).
    await stopProcess(hub.child, 30_000);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const summary = summariseFile(join(dir, file), 15);
  log(
    `  profile: ${summary.totalMs} ms busy; top origins: ${summary.origins
      .slice(0, 5)
      .map((o) => `${o.name} ${o.percent}%`)
      .join(', ')}`,
  );
  return { ...summary, file: join(dir, file), rps };
}
