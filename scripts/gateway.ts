/**
 * Serves the supergraph (supergraph.graphql: the hub + the appointment booking subgraph)
 * with Hive Gateway:
 *   npm run gateway
 * Environment:
 *   HUB_URL                    the hub's GraphQL endpoint (default http://127.0.0.1:4000/graphql)
 *   APPOINTMENTS_URL           the appointment subgraph's; unset: one is started in this process
 *   GATEWAY_PORT               default 4100 (0 picks a free one); HOST as for the hub
 *   FEDERATION_GATEWAY_SECRET  sent to both subgraphs as x-gateway-secret (outside production
 *                              the development secret the hub also falls back to)
 *   TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_EXEMPT_ROLES, TRUSTED_DOCUMENTS_CACHE_TTL_S
 *                              as on the hub, enforced here (ids are looked up on the hub)
 * and the hub's AUTH_* (exempt roles' tokens; the in-process appointment subgraph), and
 * DEMO_PERSONS for that subgraph.
 * Prints the URL it serves on stdout.
 */
import { demoAppointmentStore, startAppointmentsSubgraph } from '../src/appointments';
import { createJwtVerifier } from '../src/auth/jwt-verifier';
import { loadConfig } from '../src/config';
import { startGateway } from '../src/gateway/gateway';
import { createLogger } from '../src/observability/logger';

const DEFAULT_HUB_URL = 'http://127.0.0.1:4000/graphql';
const DEFAULT_GATEWAY_PORT = 4100;

function port(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new Error('GATEWAY_PORT must be an integer between 0 and 65535');
  return n;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const secret = config.federation.gatewaySecret;
  if (!secret) throw new Error('FEDERATION_GATEWAY_SECRET is required when NODE_ENV=production');

  let appointmentsUrl = process.env.APPOINTMENTS_URL || undefined;
  let stopAppointments = () => Promise.resolve();
  if (!appointmentsUrl) {
    const persons = config.demoData.mode === 'off' ? 0 : config.demoData.persons;
    const appointments = await startAppointmentsSubgraph({
      port: 0,
      host: '127.0.0.1',
      auth: config.auth,
      gatewaySecret: secret,
      store: demoAppointmentStore(persons),
      logger,
      production: config.isProduction,
    });
    appointmentsUrl = appointments.url;
    stopAppointments = () => appointments.stop();
    logger.info({ url: appointmentsUrl }, 'appointment subgraph started in this process');
  }

  const gateway = await startGateway({
    hubUrl: process.env.HUB_URL || DEFAULT_HUB_URL,
    appointmentsUrl,
    gatewaySecret: secret,
    port: port(process.env.GATEWAY_PORT, DEFAULT_GATEWAY_PORT),
    host: config.host,
    production: config.isProduction,
    trustedDocuments: { config: config.trustedDocuments, verify: createJwtVerifier(config.auth) },
    logLevel:
      config.logLevel === 'silent' ? 'silent' : config.logLevel === 'fatal' ? 'error' : 'warn',
  });
  if (config.federation.usingDevSecret)
    logger.warn('FEDERATION_GATEWAY_SECRET is not set: using the development secret');
  console.log(gateway.url);

  // Like the hub: the first signal stops gracefully, a second one exits at once.
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'signal received: stopping the gateway');
    gateway
      .stop()
      .then(stopAppointments)
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'gateway stop failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  console.error(`gateway: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
