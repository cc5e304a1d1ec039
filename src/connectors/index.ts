import type { DataSource } from 'typeorm';
import { EmbeddedArbetsformedlingen } from './arbetsformedlingen/embedded';
import { EmbeddedJobbtorg } from './jobbtorg/embedded';
import { EmbeddedSfi } from './sfi/embedded';
import { EmbeddedSocialtjanst } from './socialtjanst/embedded';
import type { Config } from '../config';
import { HttpArbetsformedlingen } from './http/arbetsformedlingen-http';
import { createSourcePolicy } from './http/resilience';
import { LastKnownStatus } from './last-known-status';
import type { Connectors } from './types';

/** The embedded connectors, each on its own schema of the hub's database. */
export function createEmbeddedConnectors(ds: DataSource): Connectors {
  return {
    socialtjanst: new EmbeddedSocialtjanst(ds),
    jobbtorg: new EmbeddedJobbtorg(ds),
    sfi: new EmbeddedSfi(ds),
    arbetsformedlingen: new EmbeddedArbetsformedlingen(ds),
  };
}

/**
 * The connectors the configuration asks for: each source embedded, or its agency's REST
 * API behind its own resilience policy (today: Arbetsförmedlingen; the others follow).
 */
export function createConnectors(ds: DataSource, config: Config['connectors']): Connectors {
  const connectors = createEmbeddedConnectors(ds);
  const af = config.arbetsformedlingen;
  if (af.mode === 'http') {
    connectors.arbetsformedlingen = new LastKnownStatus(
      new HttpArbetsformedlingen(af.endpoint, createSourcePolicy(af.resilience)),
      af.cache,
    );
  }
  return connectors;
}
