import type { DataSource } from 'typeorm';
import { dataSourceStatements, type Reads } from '../db/pipelined-statements';
import type { Config, ConnectorConfig } from '../config';
import { tracedConnector } from '../observability/tracing';
import { EmbeddedArbetsformedlingen } from './arbetsformedlingen/embedded';
import { HttpArbetsformedlingen } from './arbetsformedlingen/http';
import type { AgencyEndpoint } from './http/http-batch-client';
import { createSourcePolicy, type BreakerState, type SourcePolicy } from './http/resilience';
import { EmbeddedJobbtorg } from './jobbtorg/embedded';
import { HttpJobbtorg } from './jobbtorg/http';
import { LastKnownStatus } from './last-known-status';
import { EmbeddedSfi } from './sfi/embedded';
import { HttpSfi } from './sfi/http';
import { EmbeddedSocialtjanst } from './socialtjanst/embedded';
import { HttpSocialtjanst } from './socialtjanst/http';
import { SOURCE_NAMES, type Connectors, type SourceName } from './types';

/**
 * The embedded connectors, each on its own schema of the hub's database, reading through
 * `reads` (the hub passes its pipelined reads on a PostgreSQL server; by default the
 * DataSource's own pool or session).
 */
export function createEmbeddedConnectors(
  ds: DataSource,
  reads: Reads = dataSourceStatements(ds),
): Connectors {
  return {
    socialtjanst: new EmbeddedSocialtjanst(reads),
    jobbtorg: new EmbeddedJobbtorg(reads),
    sfi: new EmbeddedSfi(reads),
    arbetsformedlingen: new EmbeddedArbetsformedlingen(reads),
  };
}

/** How each source is wired and, for an HTTP source, its circuit breaker's state. */
export type ConnectorHealth = Record<
  SourceName,
  { mode: 'embedded' } | { mode: 'http'; breaker: BreakerState }
>;

/** Told about every HTTP call to an agency: for the metrics. */
export type CallObserver = (source: SourceName, outcome: 'ok' | 'error', seconds: number) => void;

type HttpConfig = Extract<ConnectorConfig, { mode: 'http' }>;

/** Each source's HTTP connector, on its agency's endpoint behind its own policy. */
const HTTP: {
  [S in SourceName]: (e: AgencyEndpoint, p: SourcePolicy, c: HttpConfig) => Connectors[S];
} = {
  socialtjanst: (e, p) => new HttpSocialtjanst(e, p),
  jobbtorg: (e, p) => new HttpJobbtorg(e, p),
  sfi: (e, p) => new HttpSfi(e, p),
  // AF's status falls back to the last known one when AF fails (when configured).
  arbetsformedlingen: (e, p, c) => {
    const connector = new HttpArbetsformedlingen(e, p);
    return c.cache ? new LastKnownStatus(connector, c.cache) : connector;
  },
};

/**
 * The connectors the configuration asks for: each source embedded, or its agency's REST
 * API behind its own resilience policy.
 */
export function createConnectors(
  ds: DataSource,
  config: Config['connectors'],
  observe: CallObserver = () => undefined,
  reads: Reads = dataSourceStatements(ds),
): { connectors: Connectors; health: () => ConnectorHealth } {
  const connectors = createEmbeddedConnectors(ds, reads);
  const states: Partial<Record<SourceName, () => BreakerState>> = {};
  const wire = <S extends SourceName>(source: S): void => {
    const c = config[source];
    if (c.mode !== 'http') return;
    const policy = observed(source, createSourcePolicy(c.resilience), observe);
    states[source] = () => policy.breakerState();
    connectors[source] = HTTP[source](c.endpoint, policy, c);
  };
  SOURCE_NAMES.forEach(wire);
  // Each call in a span when tracing is on (the connectors themselves when it is off).
  const traced = <S extends SourceName>(source: S): void => {
    const state = states[source];
    connectors[source] = tracedConnector(connectors[source], state ? 'http' : 'embedded', state);
  };
  SOURCE_NAMES.forEach(traced);
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
