/**
 * The hub's life cycle. `start()` reads as the start order and `doStop()` as the stop order;
 * the pieces they assemble live in src/hub/ (store, services, Apollo, routes).
 *
 * Start: data source → migrations → reference data → demo data → event sequencer (elected, or
 * waiting to take over) → event dispatcher → job guarantee check → services → schema →
 * graphql-ws and Apollo on one http.Server → routes → webhook delivery → listen. Stop: refuse
 * new work, close WebSockets with 1001, let in-flight HTTP requests finish (up to
 * SHUTDOWN_GRACE_MS), stop webhook delivery, the job guarantee check, the sequencer (a last
 * pass, then its lock goes to another instance) and the dispatcher, then destroy the data
 * source.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { PGlite } from '@electric-sql/pglite';
import express from 'express';
import type { DataSource } from 'typeorm';
import { createAuthenticator } from './auth/authenticate';
import { createJwtVerifier } from './auth/jwt-verifier';
import type { Config } from './config';
import type { ConnectorHealth } from './connectors';
import type { Connectors } from './connectors/types';
import type { Context, Services } from './context';
import type { DataSourceOptions } from './db/data-source';
import { EventDispatcher } from './events/dispatcher';
import { pgliteNotifications, postgresNotifications } from './events/notifications';
import { registerSequencerMetrics } from './events/sequencer/metrics';
import { EventSequencer } from './events/sequencer/sequencer';
import { createApollo } from './hub/apollo';
import { openHubDatabase } from './hub/database';
import { mountRoutes } from './hub/http-app';
import { buildServices } from './hub/services';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, registerEventGauges, type Metrics } from './observability/metrics';
import { buildHubSchema } from './schema';
import { scheduleJobGuaranteeCheck } from './services/referrals/job-guarantee';
import type { WebhookDeliveryWorker } from './services/webhooks/delivery-worker';
import { startWebhookDelivery } from './hub/webhooks';
import { attachGraphQLWebSocket } from './ws-server';
import { createExpressServer } from './http/express-server';

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
  private sequencer: EventSequencer | undefined;
  /** How each source is wired and its breaker state, for /readyz. */
  private connectorHealth: (() => ConnectorHealth) | undefined;
  private stopJobGuarantee: (() => Promise<void>) | undefined;
  private webhooks: WebhookDeliveryWorker | undefined;
  private services: Services | undefined;

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
    const { config, logger, metrics } = this;
    if (config.auth.usingDevSecret)
      logger.warn('AUTH_JWT_SECRET is not set: using the development secret');

    // 1. The store: connect, migrate, reference data, demo data.
    const dsOptions = this.options.dataSourceOptions ?? {};
    const ds = await openHubDatabase(
      config,
      {
        ...dsOptions,
        onPGliteOpen: (db) => {
          this.pglite = db;
          dsOptions.onPGliteOpen?.(db);
        },
      },
      logger,
      (opened) => (this.ds = opened),
    );

    // 2. Events: the sequencer that gives positions (elected: positions what a stopped or
    //    killed instance left before this one serves), the dispatcher (LISTEN/NOTIFY or the
    //    embedded channel), then the job-guarantee check that writes events.
    this.sequencer = new EventSequencer(ds, config.database, logger, {
      pollIntervalMs: config.events.sequencerPollIntervalMs,
      positionWaitMs: config.events.positionWaitMs,
    });
    await this.sequencer.start();
    registerSequencerMetrics(metrics, this.sequencer, ds);
    const notifications =
      config.database.kind === 'postgres'
        ? postgresNotifications(config.database.url, logger)
        : pgliteNotifications(() => this.pglite);
    this.dispatcher = new EventDispatcher(ds, logger, notifications, config.events.pollIntervalMs);
    await this.dispatcher.start();
    registerEventGauges(metrics, this.dispatcher);
    // Writers here waiting for positions another instance's sequencer gave: the log moved.
    const sequencer = this.sequencer;
    this.dispatcher.follow(() => sequencer.logAdvanced());
    this.stopJobGuarantee = scheduleJobGuaranteeCheck(
      ds,
      logger,
      config.jobGuaranteeCheckIntervalS,
    );

    // 3. Services and the schema.
    const built = await buildServices(
      ds,
      config,
      this.dispatcher,
      metrics,
      this.options.connectors,
    );
    this.connectorHealth = built.connectorHealth;
    const { services } = built;
    this.services = services;
    const authenticate = createAuthenticator(createJwtVerifier(config.auth), services.reference);
    const schema = buildHubSchema();

    // 4. Transports on one http.Server: graphql-ws, Apollo, then the routes.
    const app = express();
    const httpServer = createExpressServer(app);
    // Node's 5 s keep-alive closes idle connections that clients and proxies still consider
    // open (a request sent on one as it closes fails with ECONNRESET); keep them longer than
    // the usual proxy idle timeout (60 s), and the header timeout above it as Node requires.
    httpServer.keepAliveTimeout = 65_000;
    httpServer.headersTimeout = 66_000;
    this.httpServer = httpServer;
    const ws = attachGraphQLWebSocket(httpServer, {
      schema,
      limits: config.queryLimits,
      production: config.isProduction,
      services,
      authenticate,
      logger,
      metrics,
    });
    const apollo = createApollo({ schema, config, logger, metrics, httpServer, ws });
    this.apollo = apollo;
    await apollo.start();
    mountRoutes(app, {
      config,
      logger,
      metrics,
      apollo,
      services,
      authenticate,
      accepting: () => this.state === 'running',
      dataSource: () => this.ds,
      connectorHealth: () => this.connectorHealth?.() ?? {},
    });
    this.webhooks = startWebhookDelivery({
      ds,
      config,
      logger,
      metrics,
      dispatcher: this.dispatcher,
      services,
      schema,
    });

    // 5. Listen.
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

  /** Ordered, idempotent shutdown. Safe to call in any state. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.state = 'stopping';
    this.logger.info('shutting down');
    try {
      // 1. Transports: Apollo's drain closes WebSockets (1001), then lets in-flight HTTP finish.
      if (this.apollo) await this.apollo.stop();
      else if (this.httpServer?.listening) await new Promise((r) => this.httpServer?.close(r));
      // 2. Background work that writes: webhook delivery, the job guarantee check; then the
      //    sequencer (after the last writer) and the dispatcher.
      await this.webhooks?.stop();
      //    The access-log rows still pending (every reader above has stopped) are written.
      await this.services?.accessLogWriter.close();
      await this.services?.sourceReads.close();
      await this.services?.statementWrites.close();
      await this.stopJobGuarantee?.();
      await this.sequencer?.stop();
      await this.dispatcher?.stop();
    } finally {
      // 3. The store, last, even when a step above failed.
      if (this.ds?.isInitialized) await this.ds.destroy();
      this.state = 'stopped';
      this.logger.info('stopped');
    }
  }
}
