import type { DataSource } from 'typeorm';
import { EmbeddedArbetsformedlingen } from './arbetsformedlingen/embedded';
import { EmbeddedJobbtorg } from './jobbtorg/embedded';
import { EmbeddedSfi } from './sfi/embedded';
import { EmbeddedSocialtjanst } from './socialtjanst/embedded';
import type { Config } from '../config';
import { HttpArbetsformedlingen } from './http/arbetsformedlingen-http';
import { createSourcePolicy, type BreakerState, type SourcePolicy } from './http/resilience';
import { LastKnownStatus } from './last-known-status';
import { SOURCE_NAMES, type Connectors, type SourceName } from './types';

/** The embedded connectors, each on its own schema of the hub's database. */
export function createEmbeddedConnectors(ds: DataSource): Connectors {
  return {
    socialtjanst: new EmbeddedSocialtjanst(ds),
    jobbtorg: new EmbeddedJobbtorg(ds),
    sfi: new EmbeddedSfi(ds),
    arbetsformedlingen: new EmbeddedArbetsformedlingen(ds),
  };
}

/** How each source is wired and, for an HTTP source, its circuit breaker's state. */
export type ConnectorHealth = Record<
  SourceName,
  { mode: 'embedded' } | { mode: 'http'; breaker: BreakerState }
>;

/** Told about every HTTP call to an agency: for the metrics. */
export type CallObserver = (source: SourceName, outcome: 'ok' | 'error', seconds: number) => void;

/**
 * The connectors the configuration asks for: each source embedded, or its agency's REST
 * API behind its own resilience policy (today: Arbetsförmedlingen; the others follow).
 */
export function createConnectors(
  ds: DataSource,
  config: Config['connectors'],
  observe: CallObserver = () => undefined,
): { connectors: Connectors; health: () => ConnectorHealth } {
  const connectors = createEmbeddedConnectors(ds);
  const states: Partial<Record<SourceName, () => BreakerState>> = {};
  const af = config.arbetsformedlingen;
  if (af.mode === 'http') {
    const policy = observed('arbetsformedlingen', createSourcePolicy(af.resilience), observe);
    states.arbetsformedlingen = () => policy.breakerState();
    connectors.arbetsformedlingen = new LastKnownStatus(
      new HttpArbetsformedlingen(af.endpoint, policy),
      af.cache,
    );
  }
  const health = (): ConnectorHealth =>
    Object.fromEntries(
      SOURCE_NAMES.map((source) => {
        const state = states[source];
        return [source, state ? { mode: 'http', breaker: state() } : { mode: 'embedded' }];
      }),
    ) as ConnectorHealth;
  return { connectors, health };
}

/** The policy, timing every call and reporting its outcome. */
function observed(source: SourceName, policy: SourcePolicy, observe: CallObserver): SourcePolicy {
  return {
    breakerState: () => policy.breakerState(),
    async execute(fn) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const result = await policy.execute(fn);
        observe(source, 'ok', seconds());
        return result;
      } catch (err) {
        observe(source, 'error', seconds());
        throw err;
      }
    },
  };
}
