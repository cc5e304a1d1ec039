/**
 * Assembles the hub: data source → migrations → reference data → schema → Apollo (HTTP)
 * and graphql-ws (WebSocket) on one http.Server. `stop()` is the ordered shutdown:
 * refuse new work, close WebSockets with 1001, let in-flight HTTP requests finish
 * (up to SHUTDOWN_GRACE_MS), then destroy the data source.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';
import type { DataSource } from 'typeorm';
import { createAuthenticator } from './auth/authenticate';
import { createJwtVerifier } from './auth/jwt-verifier';
import { createConnectors, type ConnectorHealth } from './connectors';
import type { Connectors } from './connectors/types';
import type { Config } from './config';
import { createContext, purposeFrom, type Context, type Services } from './context';
import { createDataSource, type DataSourceOptions } from './db/data-source';
import { formatError } from './errors';
import { healthRoutes } from './http/health-routes';
import { playgroundRoutes } from './http/playground/playground-routes';
import { requestIdFrom } from './http/request-id';
import { observabilityPlugin } from './observability/apollo-plugins';
import { accessLogPlugin } from './security/access-log-plugin';
import { queryLimitsPlugin } from './security/query-limits-plugin';
import { createLogger, type Logger } from './observability/logger';
import {
  createMetrics,
  registerConnectorMetrics,
  registerEventGauges,
  type Metrics,
} from './observability/metrics';
import { loadReferenceData } from './reference/load-reference-data';
import { bundledReferenceFiles } from './reference/reference-files';
import { buildHubSchema } from './schema';
import { hasPersons, seedDatabase } from './seed/write';
import { PersonDirectory } from './services/persons/person-directory';
import { ReferenceService } from './services/reference/reference-service';
import { scheduleJobGuaranteeCheck } from './services/referrals/job-guarantee';
import { EventService } from './services/referrals/event-service';
import { ReferralService } from './services/referrals/referral-service';
import { ConsentService } from './services/consent/consent-service';
import { AccessLogReader } from './services/access-log/access-log-reader';
import { EventDispatcher } from './events/dispatcher';
import { pgliteNotifications, postgresNotifications } from './events/notifications';
import type { PGlite } from '@electric-sql/pglite';
import { attachGraphQLWebSocket } from './ws-server';

const MIGRATION_LOCK_KEY = 7_301_000; // arbitrary; one migrating instance at a time

/**
 * Several instances may start together: a session advisory lock (held on one connection
 * while the migrations run on others) lets one migrate while the rest wait, then find
 * nothing pending.
 */
async function runMigrationsExclusively(ds: DataSource) {
  // The embedded database has one process and one session: nothing to coordinate.
  if (ds.options.type === 'postgres' && ds.options.driver)
    return ds.runMigrations({ transaction: 'each' });
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await ds.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

const KNOWN_ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

export type HubState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

export interface HubOptions {
  logger?: Logger;
  dataSourceOptions?: DataSourceOptions;
  /** Replaces the embedded connectors (tests inject failing ones). */
  connectors?: (ds: DataSource) => Connectors;
}

export class Hub {
  readonly logger: Logger;
  readonly metrics: Metrics = createMetrics();
  private state: HubState = 'created';
  private ds: DataSource | undefined;
  private httpServer: http.Server | undefined;
  private apollo: ApolloServer<Context> | undefined;
  private stopping: Promise<void> | undefined;
  private pglite: PGlite | undefined;
  private dispatcher: EventDispatcher | undefined;
  /** How each source is wired and its breaker state, for /readyz. */
  private connectorHealth: (() => ConnectorHealth) | undefined;
  private stopJobGuarantee: (() => Promise<void>) | undefined;

  constructor(
    readonly config: Config,
    private readonly options: HubOptions = {},
  ) {
    this.logger = options.logger ?? createLogger(config.logLevel);
  }

  get status(): HubState {
    return this.state;
  }

  get dataSource(): DataSource {
    if (!this.ds) throw new Error('hub not started');
    return this.ds;
  }

  /** The bound address, e.g. http://127.0.0.1:4000 (useful with PORT=0). */
  get url(): string {
    const addr = this.httpServer?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('hub not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  async start(): Promise<void> {
    if (this.state !== 'created') throw new Error(`cannot start a hub that is ${this.state}`);
    this.state = 'starting';
    const { config, logger } = this;
    if (config.auth.usingDevSecret)
      logger.warn('AUTH_JWT_SECRET is not set: using the development secret');

    const dsOptions = this.options.dataSourceOptions ?? {};
    this.ds = createDataSource(config.database, {
      ...dsOptions,
      onPGliteOpen: (db) => {
        this.pglite = db;
        dsOptions.onPGliteOpen?.(db);
      },
    });
    await this.ds.initialize();
    if (config.migrationsRun) {
      const applied = await runMigrationsExclusively(this.ds);
      if (applied.length)
        logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    }
    const loaded = await loadReferenceData(this.ds, bundledReferenceFiles());
    logger.info(loaded, 'reference data checked');

    await this.seedDemoDataIfEmpty(this.ds);

    const reference = await ReferenceService.fromDatabase(this.ds);
    const personDirectory = new PersonDirectory(this.ds);
    const notifications =
      config.database.kind === 'postgres'
        ? postgresNotifications(config.database.url, logger)
        : pgliteNotifications(() => this.pglite);
    this.dispatcher = new EventDispatcher(
      this.ds,
      logger,
      notifications,
      config.events.pollIntervalMs,
    );
    await this.dispatcher.start();
    registerEventGauges(this.metrics, this.dispatcher);
    this.stopJobGuarantee = scheduleJobGuaranteeCheck(
      this.ds,
      logger,
      config.jobGuaranteeCheckIntervalS,
    );
    const sources = createConnectors(this.ds, config.connectors, (source, outcome, seconds) =>
      observeCall(source, outcome, seconds),
    );
    const observeCall = registerConnectorMetrics(this.metrics, sources.health);
    this.connectorHealth = sources.health;
    const services: Services = {
      reference,
      personDirectory,
      connectors: this.options.connectors ? this.options.connectors(this.ds) : sources.connectors,
      dataSource: this.ds,
      referralService: new ReferralService(this.ds, reference, personDirectory),
      consentService: new ConsentService(this.ds, reference, personDirectory),
      accessLog: new AccessLogReader(this.ds),
      events: new EventService(this.ds, this.dispatcher, config.events.subscriberBufferLimit),
    };
    const authenticate = createAuthenticator(createJwtVerifier(config.auth), reference);
    const schema = buildHubSchema();

    const app = express();
    app.disable('x-powered-by');
    const httpServer = http.createServer(app);
    this.httpServer = httpServer;
    const ws = attachGraphQLWebSocket(httpServer, {
      schema,
      limits: config.queryLimits,
      production: config.isProduction,
      services,
      authenticate,
      logger,
      metrics: this.metrics,
    });

    const apollo = new ApolloServer<Context>({
      schema,
      includeStacktraceInErrorResponses: false,
      introspection: !config.isProduction,
      // Batched HTTP requests stay off (Apollo's default): one operation per request.
      allowBatchedHttpRequests: false,
      csrfPrevention: true,
      parseOptions: { maxTokens: config.queryLimits.maxTokens },
      formatError: (formatted, error) =>
        formatError(logger, formatted, error, { hideSuggestions: config.isProduction }),
      plugins: [
        // Drain order on stop: WebSockets first (1001), then in-flight HTTP.
        {
          serverWillStart: () =>
            Promise.resolve({
              drainServer: async () => {
                await ws.dispose();
              },
            }),
        },
        ApolloServerPluginDrainHttpServer({
          httpServer,
          stopGracePeriodMillis: config.shutdownGraceMs,
        }),
        ApolloServerPluginLandingPageDisabled(),
        // No cache hints are used (answers are never cacheable), and the default cache
        // control plugin would wrap every field resolver to collect them.
        ApolloServerPluginCacheControlDisabled(),
        observabilityPlugin(logger, this.metrics),
        queryLimitsPlugin(config.queryLimits),
        accessLogPlugin(logger),
      ],
    });
    this.apollo = apollo;
    await apollo.start();

    app.use((req, res, next) => {
      const requestId = requestIdFrom(req.headers['x-request-id']);
      res.locals.requestId = requestId;
      res.setHeader('x-request-id', requestId);
      // Label by known route only, so random paths cannot grow the metric's cardinality.
      const route = KNOWN_ROUTES.has(req.path) ? req.path : 'other';
      const end = this.metrics.httpDuration.startTimer({ method: req.method, route });
      res.on('finish', () => {
        end();
        this.metrics.httpRequests.inc({
          method: req.method,
          route,
          status: String(res.statusCode),
        });
      });
      next();
    });
    app.use(
      healthRoutes(
        {
          accepting: () => this.state === 'running',
          dataSource: () => this.ds,
          connectors: () => this.connectorHealth?.() ?? {},
        },
        this.metrics,
        logger,
      ),
    );
    app.use(
      playgroundRoutes({
        enabled: config.playground.enabled,
        devTokens: config.playground.devTokens,
        secret: config.auth.secret,
      }),
    );
    app.use(
      '/graphql',
      // Answers carry personal data: no browser or proxy may keep a copy (GET queries too).
      (_req: express.Request, res: express.Response, next: express.NextFunction) => {
        res.setHeader('cache-control', 'no-store');
        next();
      },
      express.json({ limit: '1mb' }),
      expressMiddleware(apollo, {
        context: async ({ req, res }) => {
          const viewer = await authenticate(req.headers.authorization);
          return createContext(
            services,
            viewer,
            String(res.locals.requestId),
            logger,
            purposeFrom(req.headers['x-purpose']),
          );
        },
      }),
    );
    app.use((_req, res) => {
      res.status(404).json({ error: 'not found' });
    });

    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    this.state = 'running';
    logger.info({ url: this.url }, 'samverkan-hub listening');
  }

  /** DEMO_DATA: synthetic persons for an empty database, so a fresh `npm start` shows data. */
  private async seedDemoDataIfEmpty(ds: DataSource): Promise<void> {
    const { mode, persons } = this.config.demoData;
    const wanted = mode === 'on' || (mode === 'auto' && this.config.database.kind === 'pglite');
    if (!wanted || persons === 0 || (await hasPersons(ds))) return;
    this.logger.info({ persons }, 'empty database: writing the synthetic demo data set');
    const result = await seedDatabase(ds, { persons });
    this.logger.info(
      { persons: result.persons, consents: result.consents, ms: result.ms },
      'synthetic demo data written',
    );
  }

  /** Ordered, idempotent shutdown. Safe to call in any state. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.state = 'stopping';
    this.logger.info('shutting down');
    try {
      if (this.apollo) await this.apollo.stop();
      else if (this.httpServer?.listening) await new Promise((r) => this.httpServer?.close(r));
      await this.stopJobGuarantee?.();
      await this.dispatcher?.stop();
    } finally {
      if (this.ds?.isInitialized) await this.ds.destroy();
      this.state = 'stopped';
      this.logger.info('stopped');
    }
  }
}
