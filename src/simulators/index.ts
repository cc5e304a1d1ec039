/**
 * The four agency simulators over one synthetic data set (the generator and seed the hub's
 * demo data comes from, so person ids match), each on its own loopback port as each agency
 * is its own system. Used by `npm run simulate`, the tests and the connector drill.
 */
import { CONNECTOR_ENV_PREFIX } from '../config';
import { SOURCE_NAMES, type SourceName } from '../connectors/types';
import type { DemoData } from '../seed/generate';
import { AgencySimulator, type AgencyRecords, type Faults } from './agency-simulator';
import { afRecords } from './agencies/arbetsformedlingen';
import { jobbtorgRecords } from './agencies/jobbtorg';
import { sfiRecords } from './agencies/sfi';
import { socialtjanstRecords } from './agencies/socialtjanst';

export type Simulators = Record<SourceName, AgencySimulator>;

const RECORDS: Record<SourceName, (data: DemoData) => AgencyRecords> = {
  socialtjanst: socialtjanstRecords,
  jobbtorg: jobbtorgRecords,
  sfi: sfiRecords,
  arbetsformedlingen: afRecords,
};

/** The default ports of `npm run simulate`, one per agency. */
export const DEFAULT_PORTS: Record<SourceName, number> = {
  arbetsformedlingen: 4401,
  socialtjanst: 4402,
  jobbtorg: 4403,
  sfi: 4404,
};

export interface SimulatorOptions {
  faults?: Partial<Record<SourceName, Partial<Faults>>>;
  /** Bearer tokens the agencies require, when they should. */
  tokens?: Partial<Record<SourceName, string>>;
  /** Ports to listen on; 0 (any free port) when not given. */
  ports?: Partial<Record<SourceName, number>>;
  host?: string;
}

export async function startSimulators(
  data: DemoData,
  options: SimulatorOptions = {},
): Promise<Simulators> {
  const started: Partial<Simulators> = {};
  try {
    for (const source of SOURCE_NAMES) {
      const sim = new AgencySimulator(RECORDS[source](data), {
        faults: options.faults?.[source],
        token: options.tokens?.[source],
      });
      await sim.listen(options.ports?.[source] ?? 0, options.host);
      started[source] = sim;
    }
  } catch (err) {
    await Promise.all(Object.values(started).map((s) => s.close()));
    throw err;
  }
  return started as Simulators;
}

export function stopSimulators(sims: Simulators): Promise<void[]> {
  return Promise.all(Object.values(sims).map((s) => s.close()));
}

/** The hub's environment for all four sources over HTTP against these simulators. */
export function hubEnvironment(
  sims: Simulators,
  tokens: SimulatorOptions['tokens'] = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of SOURCE_NAMES) {
    const p = CONNECTOR_ENV_PREFIX[source];
    env[`${p}_MODE`] = 'http';
    env[`${p}_BASE_URL`] = sims[source].url;
    const token = tokens[source];
    if (token) env[`${p}_TOKEN`] = token;
  }
  return env;
}
