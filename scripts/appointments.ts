/**
 * Runs the appointment booking subgraph on its own:
 *   npm run appointments -- [--port 4010] [--persons 2000] [--seed N]
 * It verifies user tokens like the hub (AUTH_JWT_SECRET / AUTH_JWKS_URL) and answers
 * `_entities` and `_service` only with the gateway's FEDERATION_GATEWAY_SECRET. Its demo
 * appointments belong to the hub's demo persons: use the hub's DEMO_PERSONS (the default)
 * and seed so the ids match. Prints the URL it serves.
 */
import { parseArgs } from 'node:util';
import { demoAppointmentStore, startAppointmentsSubgraph } from '../src/appointments';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/observability/logger';

export const DEFAULT_APPOINTMENTS_PORT = 4010;

function whole(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.APPOINTMENTS_PORT },
      persons: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const persons =
    whole('persons', values.persons) ??
    (config.demoData.mode === 'off' ? 0 : config.demoData.persons);
  const logger = createLogger(config.logLevel);
  const subgraph = await startAppointmentsSubgraph({
    port: whole('port', values.port) ?? DEFAULT_APPOINTMENTS_PORT,
    host: config.host,
    auth: config.auth,
    gatewaySecret: config.federation.gatewaySecret,
    store: demoAppointmentStore(persons, whole('seed', values.seed)),
    logger,
    production: config.isProduction,
  });
  if (!config.federation.gatewaySecret)
    logger.warn('FEDERATION_GATEWAY_SECRET is not set: _entities and _service refuse everyone');
  console.log(subgraph.url);
  // The first signal stops gracefully, a second one exits at once.
  let signalled = false;
  const onSignal = (): void => {
    if (signalled) process.exit(1);
    signalled = true;
    subgraph.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'appointments stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`appointments: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
