/**
 * Starts the four agency simulators on loopback, serving the synthetic demo data through
 * their v1 contracts (docs/connectors/*.v1.yaml):
 *   npm run simulate -- [--persons 2000] [--seed N] [--base-port 4401]
 *                       [--fault af:latency=2000,error-rate=0.3] [--fault all:hang-rate=0.1]
 * Ports: Arbetsförmedlingen base, socialtjänst +1, Jobbtorg +2, SFI +3. Use the hub's
 * DEMO_PERSONS (and seed) so the ids match, then start the hub with the printed environment.
 * Fault names: latency (ms), error-rate, rate-429, retry-after (s), hang-rate, reset-rate.
 * Change faults while it runs: curl -X POST 127.0.0.1:4401/admin/faults -d '{"errorRate":1}'
 */
import { parseArgs } from 'node:util';
import { SOURCE_NAMES } from '../src/connectors/types';
import { generateDemoData } from '../src/seed/generate';
import { FaultFlagError, parseFaultFlags } from '../src/simulators/fault-flags';
import { DEFAULT_PORTS, hubEnvironment, startSimulators, stopSimulators } from '../src/simulators';

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new FaultFlagError(`--${name} must be a whole number`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: process.env.DEMO_PERSONS ?? '2000' },
      seed: { type: 'string' },
      'base-port': { type: 'string', default: String(DEFAULT_PORTS.arbetsformedlingen) },
      fault: { type: 'string', multiple: true, default: [] },
    },
  });
  const base = count('base-port', values['base-port']) ?? DEFAULT_PORTS.arbetsformedlingen;
  const data = generateDemoData({
    persons: count('persons', values.persons) ?? 2000,
    seed: count('seed', values.seed),
  });
  const sims = await startSimulators(data, {
    faults: parseFaultFlags(values.fault),
    ports: Object.fromEntries(
      SOURCE_NAMES.map((s) => [s, base + DEFAULT_PORTS[s] - DEFAULT_PORTS.arbetsformedlingen]),
    ),
  });
  console.log(`Agency simulators for ${data.persons.length} demo persons:`);
  for (const s of SOURCE_NAMES) {
    const sim = sims[s];
    console.log(`  ${s.padEnd(19)} ${sim.url}  ${sim.records.size} persons known`);
    console.log(`  ${''.padEnd(19)} faults ${JSON.stringify(sim.faults)}`);
  }
  const env = Object.entries(hubEnvironment(sims)).map(([k, v]) => `${k}=${v}`);
  console.log(`\nStart the hub against them (DEMO_PERSONS=${data.persons.length}):`);
  console.log(`  ${env.join(' ')} DEMO_PERSONS=${data.persons.length} npm start`);
  console.log(`Change faults while running: curl -X POST <url>/admin/faults -d '{"errorRate":1}'`);
  const stop = () => void stopSimulators(sims).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
