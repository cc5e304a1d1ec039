/**
 * The long-lived services every operation shares, built once the store is ready. The event
 * dispatcher is started by the hub (it is part of the start and stop order); this only wires.
 */
import type { DataSource } from 'typeorm';
import { BatchedAccessLogWriter } from '../services/access-log/batched-writer';
import type { Config, DatabaseConfig } from '../config';
import { pgTypes } from '../db/data-source';
import {
  dataSourceStatements,
  PipelinedStatements,
  type Reads,
  type Statements,
} from '../db/pipelined-statements';
import type { Services } from '../context';
import { createConnectors, type ConnectorHealth } from '../connectors';
import type { Connectors } from '../connectors/types';
import type { EventDispatcher } from '../events/dispatcher';
import { registerConnectorMetrics, type Metrics } from '../observability/metrics';
import { AccessLogReader } from '../services/access-log/access-log-reader';
import { ConsentService } from '../services/consent/consent-service';
import { PersonDirectory } from '../services/persons/person-directory';
import { ReferenceService } from '../services/reference/reference-service';
import { gatewayTrust } from '../services/federation/gateway-trust';
import { createTrustedDocuments } from '../services/documents';
import { EventService } from '../services/referrals/event-service';
import { ReferralService } from '../services/referrals/referral-service';
import { WebhookService } from '../services/webhooks/endpoint-store';
import { SecretBox } from '../services/webhooks/secret-box';

export interface BuiltServices {
  services: Services;
  /** How each source is wired and its breaker state, for /readyz. */
  connectorHealth: () => ConnectorHealth;
}

export async function buildServices(
  ds: DataSource,
  config: Config,
  dispatcher: EventDispatcher,
  metrics: Metrics,
  /** Replaces the configured connectors (tests inject failing ones). */
  replaceConnectors?: (ds: DataSource) => Connectors,
): Promise<BuiltServices> {
  const reference = await ReferenceService.fromDatabase(ds);
  const sourceReads: Reads = pipelined(ds, config.database, 'reads');
  const statementWrites = pipelined(ds, config.database, 'writes');
  const personDirectory = new PersonDirectory(ds, sourceReads);
  const sources = createConnectors(
    ds,
    config.connectors,
    (source, outcome, seconds) => observeCall(source, outcome, seconds),
    sourceReads,
  );
  const observeCall = registerConnectorMetrics(metrics, sources.health);
  return {
    services: {
      reference,
      personDirectory,
      connectors: replaceConnectors ? replaceConnectors(ds) : sources.connectors,
      dataSource: ds,
      referralService: new ReferralService(
        ds,
        reference,
        personDirectory,
        undefined,
        null,
        statementWrites,
      ),
      consentService: new ConsentService(ds, reference, personDirectory),
      accessLog: new AccessLogReader(ds),
      accessLogWriter: new BatchedAccessLogWriter(ds, {}, statementWrites),
      sourceReads,
      statementWrites,
      events: new EventService(ds, dispatcher, config.events.subscriberBufferLimit),
      trustedDocuments: createTrustedDocuments(ds, config.trustedDocuments),
      gatewayTrust: gatewayTrust(config.federation.gatewaySecret),
      webhooks: new WebhookService(
        ds,
        { production: config.isProduction, allowedHosts: config.webhooks.allowedHosts },
        config.webhooks.rotationGraceS,
        new SecretBox(config.webhooks.secretKeys),
      ),
    },
    connectorHealth: sources.health,
  };
}

/**
 * On a PostgreSQL server, single statements pipelined on connections of their own
 * (pipelined-statements.ts): the reads (the person page, the sources' batch reads: a turn's
 * in one write) and, apart from them so that a read never waits behind a write's commit,
 * writes done in one statement (createReferral's, the access log's inserts). The embedded
 * database is one session and runs both through the DataSource.
 */
function pipelined(ds: DataSource, db: DatabaseConfig, use: 'reads' | 'writes'): Statements {
  const lanes = db.kind === 'postgres' ? (use === 'reads' ? db.readLanes : db.writeLanes) : 0;
  if (db.kind !== 'postgres' || !lanes) return dataSourceStatements(ds);
  return new PipelinedStatements({
    client: { connectionString: db.url, types: pgTypes, application_name: `samverkan-hub-${use}` },
    lanes,
    logger: () => ds.logger,
  });
}
