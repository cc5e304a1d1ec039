/**
 * The caseload through the federation gateway: the same coach's page asked of the hub
 * directly and through Hive Gateway in front of it (the supergraph of the hub and the
 * appointment booking subgraph), loaded in turn at each concurrency, so the gateway's
 * overhead is a ratio from the same minutes. The query touches the hub only, so the
 * difference is the gateway's planning, its HTTP hop and its serialisation.
 */
import { join } from 'node:path';
import { coachTokens, post, startHub, type ServerEnv } from './caseload';
import { caseloadBody, comparableData } from './caseload-query';
import { runLoad, type LoadResult } from './lib/load';
import { startServer, stopProcess, type Server } from './lib/processes';
import type { Settings } from './lib/settings';

export type GatewayServer = 'direct' | 'gateway';
const ORDER: GatewayServer[] = ['direct', 'gateway'];

export interface GatewayResult {
  /** The gateway's answer equals the hub's for every job centre. */
  sameAnswers: boolean;
  runs: { concurrency: number; results: Record<GatewayServer, LoadResult> }[];
}

// Used only between the bench's own processes on loopback.
const GATEWAY_SECRET = 'bench-only-gateway-secret-0123456789abcdef';

export async function runGateway(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  log: (line: string) => void,
): Promise<GatewayResult> {
  const tokens = await coachTokens(env.secret, jobCentres);
  const started: Server[] = [];
  try {
    const hub = await startHub(env, 'hub-federated', [], {
      FEDERATION_GATEWAY_SECRET: GATEWAY_SECRET,
    });
    started.push(hub);
    const gateway = await startServer(
      'gateway',
      ['-r', 'ts-node/register', join(__dirname, 'servers', 'gateway.ts')],
      {
        NODE_ENV: 'production',
        HUB_URL: `${hub.url}/graphql`,
        AUTH_JWT_SECRET: env.secret,
        FEDERATION_GATEWAY_SECRET: GATEWAY_SECRET,
        LOG_LEVEL: 'warn',
      },
      join(env.logDir, 'gateway.log'),
    );
    started.push(gateway);
    const servers: Record<GatewayServer, Server> = { direct: hub, gateway };

    let sameAnswers = true;
    for (const [jobCentreId, token] of tokens) {
      const body = caseloadBody('hub', jobCentreId);
      const [direct, through] = [
        await post(hub.url, token, body),
        await post(gateway.url, token, body),
      ];
      if (comparableData(direct as never) !== comparableData(through as never)) {
        sameAnswers = false;
        log(`  WARNING: the gateway answers ${jobCentreId}'s caseload differently from the hub`);
      }
    }

    const runs: GatewayResult['runs'] = [];
    for (const concurrency of settings.concurrencies) {
      const results = {} as Record<GatewayServer, LoadResult>;
      for (const s of ORDER) {
        results[s] = await runLoad({
          kind: 'caseload',
          url: servers[s].url,
          connections: concurrency,
          warmUpS: settings.warmUpS,
          durationS: settings.durationS,
          variants: [...tokens].map(([jobCentreId, token]) => ({
            headers: { authorization: `Bearer ${token}` },
            body: caseloadBody('hub', jobCentreId),
          })),
        });
        const r = results[s];
        log(
          `  caseload c=${concurrency} ${s.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (non-2xx ${r.non2xx}, errors ${r.errors}, mismatches ${r.mismatches})`,
        );
      }
      runs.push({ concurrency, results });
    }
    return { sameAnswers, runs };
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}
