import type { DataSource } from 'typeorm';
import { EmbeddedArbetsformedlingen } from './arbetsformedlingen/embedded';
import { EmbeddedJobbtorg } from './jobbtorg/embedded';
import { EmbeddedSfi } from './sfi/embedded';
import { EmbeddedSocialtjanst } from './socialtjanst/embedded';
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
