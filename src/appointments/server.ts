/**
 * Serves the appointment booking subgraph over HTTP at /graphql (Apollo Server on Express,
 * like the hub), with /healthz beside it. It has no subscriptions, so no WebSocket.
 * `startAppointmentsSubgraph` is what the gateway (when no APPOINTMENTS_URL is given), the
 * tests and `npm run appointments` start.
 */
import { createExpressServer } from '../http/express-server';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createJwtVerifier } from '../auth/jwt-verifier';
import type { Config } from '../config';
import { formatError } from '../errors';
import { createLogger, type Logger } from '../observability/logger';
import { viewerFrom, type Viewer } from './access';
import { gatewayCredential, GATEWAY_SECRET_HEADER } from './gateway-credential';
import { buildAppointmentsSchema, type AppointmentsContext } from './schema';
import { AppointmentStore } from './store';

export interface AppointmentsSubgraphOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** How user tokens are verified: the hub's settings (AUTH_JWT_SECRET / AUTH_JWKS_URL). */
  auth: Config['auth'];
  /** The gateway's shared secret; undefined turns `_entities` and `_service` off. */
  gatewaySecret: string | undefined;
  /** The appointment book; default an empty one. */
  store?: AppointmentStore;
  logger?: Logger;
  /** Production: no introspection, no field suggestions. */
  production?: boolean;
  /** How long in-flight requests may take to finish on stop. */
  stopGraceMs?: number;
}

export interface AppointmentsSubgraph {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4010/graphql */
  url: string;
  store: AppointmentStore;
  stop(): Promise<void>;
}

export async function startAppointmentsSubgraph(
  options: AppointmentsSubgraphOptions,
): Promise<AppointmentsSubgraph> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? createLogger('silent');
  const store = options.store ?? new AppointmentStore();
  const verify = createJwtVerifier(options.auth);
  const isGateway = gatewayCredential(options.gatewaySecret);
  const production = options.production ?? false;

  const app = express();
  app.disable('x-powered-by');
  const httpServer = createExpressServer(app);
  const apollo = new ApolloServer<AppointmentsContext>({
    schema: buildAppointmentsSchema(store),
    includeStacktraceInErrorResponses: false,
    introspection: !production,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: (formatted, error) =>
      formatError(logger, formatted, error, { hideSuggestions: production }),
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.stopGraceMs ?? 2000,
      }),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      // Apollo turns on federated inline traces (ftv1) for a subgraph schema by itself; they
      // would hand resolver timings to any caller that asks with a header.
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    // Appointments are personal data: nobody keeps a copy.
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req }) => {
        let viewer: Promise<Viewer | null> | undefined;
        return Promise.resolve({
          fromGateway: isGateway(req.headers[GATEWAY_SECRET_HEADER]),
          viewer: () => (viewer ??= viewerFrom(verify, req.headers.authorization)),
        });
      },
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // A body that is not JSON, or too large: a JSON answer, never Express's HTML page.
  app.use(
    (
      err: { status?: unknown },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = typeof err.status === 'number' && err.status < 500 ? err.status : 500;
      res.status(status).json({ error: status === 500 ? 'internal error' : 'bad request' });
    },
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
  logger.info({ url, appointments: store.size }, 'appointments subgraph listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    store,
    stop: () => (stopping ??= apollo.stop()),
  };
}
