/**
 * The caseload through the federation gateway: the same coach's page asked of the hub
 * directly and through Hive Gateway in front of it (the supergraph of the hub and the
 * appointment booking subgraph), loaded in turn at each concurrency, so the gateway's
 * overhead is a ratio from the same minutes. The query touches the hub only, so the
 * difference is the gateway's planning, its HTTP hop and its serialisation.
 */
import { join } from 'node:path';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { loadInTurn, sameCaseloads, type InTurnRun } from './lib/in-turn';
import { startServer, stopProcess, type Server } from './lib/processes';
import type { Settings } from './lib/settings';

export type GatewayServer = 'direct' | 'gateway';
const ORDER: GatewayServer[] = ['direct', 'gateway'];

export interface GatewayResult {
  /** The gateway's answer equals the hub's for every job centre. */
  sameAnswers: boolean;
  runs: InTurnRun<GatewayServer>[];
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

    const sameAnswers = await sameCaseloads(hub, gateway, tokens, log);
    const runs = await loadInTurn(ORDER, servers, settings, tokens, log);
    return { sameAnswers, runs };
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}
