/**
 * What tracing costs: the same coach's caseload asked of two hubs on the same database, one
 * with tracing off (the default) and one with OpenTelemetry on (`OTEL_TRACES_EXPORTER=otlp`,
 * batching spans to a local no-op collector, bench/servers/otlp-sink.ts), loaded in turn at
 * each concurrency so the overhead is a ratio from the same minutes. The collector's count
 * of exports checks that spans were really produced and sent.
 */
import { join } from 'node:path';
import { coachTokens, startHub, type ServerEnv } from './caseload';
import { loadInTurn, sameCaseloads, type InTurnRun } from './lib/in-turn';
import { startServer, stopProcess, type Server } from './lib/processes';
import type { Settings } from './lib/settings';

export type TracingServer = 'off' | 'on';
const ORDER: TracingServer[] = ['off', 'on'];

export interface TracingResult {
  /** The traced hub's answer equals the untraced one's for every job centre. */
  sameAnswers: boolean;
  /** OTLP export requests and bytes the collector received during the run. */
  collector: { exports: number; bytes: number };
  runs: InTurnRun<TracingServer>[];
}

export async function runTracing(
  settings: Settings,
  env: ServerEnv,
  jobCentres: string[],
  log: (line: string) => void,
): Promise<TracingResult> {
  const tokens = await coachTokens(env.secret, jobCentres);
  const started: Server[] = [];
  try {
    const sink = await startServer(
      'otlp-sink',
      ['-r', 'ts-node/register', join(__dirname, 'servers', 'otlp-sink.ts')],
      {},
      join(env.logDir, 'otlp-sink.log'),
    );
    started.push(sink);
    const off = await startHub(env, 'hub-tracing-off');
    started.push(off);
    const on = await startHub(env, 'hub-tracing-on', [], {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      OTEL_SERVICE_NAME: 'samverkan-hub-bench',
    });
    started.push(on);
    const servers: Record<TracingServer, Server> = { off, on };

    const sameAnswers = await sameCaseloads(off, on, tokens, log);
    const runs = await loadInTurn(ORDER, servers, settings, tokens, log);
    // The batch processor exports every 5 s: stop the traced hub first so it flushes.
    await stopProcess(on.child);
    const collector = (await (
      await fetch(`${sink.url}/stats`)
    ).json()) as TracingResult['collector'];
    log(`  collector received ${collector.exports} exports, ${collector.bytes} bytes`);
    return { sameAnswers, collector, runs };
  } finally {
    await Promise.all(started.map((s) => stopProcess(s.child)));
  }
}
