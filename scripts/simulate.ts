/**
 * Starts the agency simulators on loopback, serving the synthetic demo data:
 *   npm run simulate -- [--persons 2000] [--seed N] [--af-port 4401]
 *                       [--latency 2000] [--error-rate 0.3] [--rate-429 0] [--retry-after 1]
 *                       [--hang-rate 0] [--reset-rate 0]
 * Use the same --persons (and --seed) as the hub's demo data (DEMO_PERSONS) so the ids
 * match, then start the hub with the printed environment. Change faults while it runs:
 *   curl -X POST localhost:4401/admin/faults -d '{"errorRate":1}'
 * Today it simulates Arbetsförmedlingen; the other agencies follow their HTTP connectors.
 */
import { parseArgs } from 'node:util';
import { generateDemoData } from '../src/seed/generate';
import { AfSimulator } from '../src/simulators/af-simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: process.env.DEMO_PERSONS ?? '2000' },
      seed: { type: 'string' },
      'af-port': { type: 'string', default: '4401' },
      latency: { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      'rate-429': { type: 'string', default: '0' },
      'retry-after': { type: 'string', default: '1' },
      'hang-rate': { type: 'string', default: '0' },
      'reset-rate': { type: 'string', default: '0' },
    },
  });
  const number = (name: keyof typeof values): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const data = generateDemoData({
    persons: number('persons'),
    seed: values.seed === undefined ? undefined : number('seed'),
  });
  const af = new AfSimulator(data, {
    latencyMs: number('latency'),
    errorRate: number('error-rate'),
    rate429: number('rate-429'),
    retryAfterS: number('retry-after'),
    hangRate: number('hang-rate'),
    resetRate: number('reset-rate'),
  });
  const url = await af.listen(number('af-port'));
  console.log(`Arbetsförmedlingen simulator: ${url} (${data.jobSeekers.length} job seekers)`);
  console.log(`faults: ${JSON.stringify(af.faults)}  (change: POST ${url}/admin/faults)`);
  console.log(`start the hub with:  AF_MODE=http AF_BASE_URL=${url} npm start`);
  const stop = () => void af.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
