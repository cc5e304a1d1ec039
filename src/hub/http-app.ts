/**
 * The routes on the hub's express app, in the order a request meets them: request id and
 * metrics, health, playground, /graphql, 404, and last the JSON error handler.
 */
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { Authenticator } from '../auth/authenticate';
import type { Config } from '../config';
import type { ConnectorHealth } from '../connectors';
import { createContext, purposeFrom, type Context, type Services } from '../context';
import { healthRoutes } from '../http/health-routes';
import { jsonErrorHandler, requireJsonBody } from '../http/json-errors';
import { playgroundRoutes } from '../http/playground/playground-routes';
import { requestIdFrom } from '../http/request-id';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { graphqlHttpTracing } from '../observability/tracing';
import { GATEWAY_SECRET_HEADER } from '../services/federation/gateway-trust';
import {
  gatewayDocumentsRoute,
  GATEWAY_DOCUMENTS_PATH,
  trustedDocumentsMiddleware,
} from '../services/documents';

const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

export interface HttpAppDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  apollo: ApolloServer<Context>;
  services: Services;
  authenticate: Authenticator;
  /** Read per request: readiness follows the hub's state and its data source. */
  accepting: () => boolean;
  dataSource: () => DataSource | undefined;
  connectorHealth: () => Partial<ConnectorHealth>;
}

export function mountRoutes(app: express.Express, deps: HttpAppDeps): void {
  const { config, logger, metrics, apollo, services, authenticate } = deps;
  app.disable('x-powered-by');
  // No ETags: every /graphql answer is `no-store` personal data that is never revalidated,
  // and hashing every answer (a caseload page is about 32 KB) cost CPU on each request. The other
  // routes answer health checks, metrics and the playground, which need none either.
  app.disable('etag');
  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    // Label by known route only, so random paths cannot grow the metric's cardinality.
    const route = KNOWN_ROUTES.has(req.path) ? req.path : 'other';
    const end = metrics.httpDuration.startTimer({ method: req.method, route });
    res.on('finish', () => {
      end();
      metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.use(
    healthRoutes(
      {
        accepting: deps.accepting,
        dataSource: deps.dataSource,
        connectors: deps.connectorHealth,
      },
      metrics,
      logger,
    ),
  );
  app.use(
    playgroundRoutes({
      enabled: config.playground.enabled,
      devTokens: config.playground.devTokens,
      secret: config.auth.secret,
      trustedDocuments: config.trustedDocuments,
    }),
  );
  const fromGateway = (req: express.Request): boolean =>
    services.gatewayTrust.isGateway(req.headers[GATEWAY_SECRET_HEADER]);
  // The federation gateway looks up registered documents here (it enforces `require`).
  app.get(
    `${GATEWAY_DOCUMENTS_PATH}/:id`,
    gatewayDocumentsRoute(services.trustedDocuments, fromGateway),
  );
  app.use(
    '/graphql',
    // Answers carry personal data: no browser or proxy may keep a copy (GET queries too).
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('cache-control', 'no-store');
      next();
    },
    requireJsonBody(),
    express.json({ limit: '1mb' }),
    trustedDocumentsMiddleware(services.trustedDocuments, authenticate, fromGateway),
    // The operation's span (none when tracing is off), active while Apollo runs it.
    ...graphqlHttpTracing(),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const viewer = await authenticate(req.headers.authorization);
        return createContext(
          services,
          viewer,
          String(res.locals.requestId),
          logger,
          purposeFrom(req.headers['x-purpose']),
          fromGateway(req),
        );
      },
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Last: every error any middleware raised is answered as JSON, never Express's HTML page.
  app.use(jsonErrorHandler({ logger, graphqlPath: '/graphql' }));
}
