/**
 * The gateway for the bench: Hive Gateway serving the supergraph in front of the hub at
 * HUB_URL, with the appointment booking subgraph in this process (empty book: the caseload
 * query asks the hub only, so what is measured is the gateway's own cost). Prints the JSON
 * line the bench's process starter waits for.
 */
import { startAppointmentsSubgraph } from '../../src/appointments';
import { loadConfig } from '../../src/config';
import { startGateway } from '../../src/gateway/gateway';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const secret = config.federation.gatewaySecret;
  if (!secret) throw new Error('FEDERATION_GATEWAY_SECRET is required');
  const appointments = await startAppointmentsSubgraph({
    port: 0,
    host: '127.0.0.1',
    auth: config.auth,
    gatewaySecret: secret,
    production: true,
  });
  const gateway = await startGateway({
    hubUrl: process.env.HUB_URL ?? '',
    appointmentsUrl: appointments.url,
    gatewaySecret: secret,
    port: 0,
    production: true,
    logLevel: 'error',
  });
  console.log(
    JSON.stringify({ msg: 'gateway listening', url: gateway.url.replace(/\/graphql$/, '') }),
  );
  process.on('SIGTERM', () => {
    void gateway
      .stop()
      .then(() => appointments.stop())
      .then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
