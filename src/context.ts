/**
 * The per-operation context. Built fresh for every HTTP request and every graphql-ws
 * operation: nothing per-request (viewer, DataLoaders) is ever shared between operations.
 */
import type { Viewer } from './auth/viewer';
import type { BatchedAccessLogWriter } from './services/access-log/batched-writer';
import type { Connectors } from './connectors/types';
import type { Logger } from './observability/logger';
import type { DataSource } from 'typeorm';
import type { Reads, Statements } from './db/pipelined-statements';
import { stockholmDate } from './domain/working-days';
import { AccessRecorder } from './services/access-log/access-log';
import type { AccessLogReader } from './services/access-log/access-log-reader';
import type { ConsentService } from './services/consent/consent-service';
import type { EventService } from './services/referrals/event-service';
import type { PersonDirectory } from './services/persons/person-directory';
import { ReferralReader } from './services/referrals/referral-reader';
import type { ReferralService } from './services/referrals/referral-service';
import { PersonService } from './services/persons/person-service';
import type { ReferenceService } from './services/reference/reference-service';
import { SourceReader } from './services/persons/source-reader';
import { FieldAccess } from './services/persons/field-access';
import type { GatewayTrust } from './services/federation/gateway-trust';
import type { TrustedDocuments } from './services/documents/trusted-documents';
import type { WebhookService } from './services/webhooks/endpoint-store';

/** Long-lived services, built once at start and shared by all operations. */
export interface Services {
  reference: ReferenceService;
  personDirectory: PersonDirectory;
  connectors: Connectors;
  dataSource: DataSource;
  referralService: ReferralService;
  consentService: ConsentService;
  events: EventService;
  accessLog: AccessLogReader;
  /**
   * Writes the reads of HTTP requests and subscription events: rows that become due together
   * share one INSERT, and each waits for the commit of its own (batched-writer.ts). Closed by
   * the hub when it stops, after the transports and webhook delivery.
   */
  accessLogWriter: BatchedAccessLogWriter;
  /**
   * The embedded sources' batch reads: pipelined on connections of their own on a
   * PostgreSQL server (src/db/pipelined-statements.ts). Closed by the hub when it stops.
   */
  sourceReads: Reads;
  /**
   * Writes done in one statement (createReferral's): pipelined on connections of their own
   * on a PostgreSQL server, apart from the reads. Closed by the hub when it stops.
   */
  statementWrites: Statements;
  /** Registered documents and the TRUSTED_DOCUMENTS mode, for HTTP and graphql-ws. */
  trustedDocuments: TrustedDocuments;
  /** Recognises the federation gateway by its shared secret. */
  gatewayTrust: GatewayTrust;
  /** Outbound webhook endpoints (the delivery worker is started by the hub). */
  webhooks: WebhookService;
}

export interface Context {
  requestId: string;
  viewer: Viewer;
  services: Services;
  /**
   * True when the caller proved it is the federation gateway (`x-gateway-secret`): only
   * then do `_entities` and `_service` answer. Says nothing about the end user.
   */
  gateway: boolean;
  /** Child logger carrying the request id. */
  logger: Logger;
  /** Persons for this viewer, batched per request. */
  persons: PersonService;
  /** The four sources, batched per request. */
  sources: SourceReader;
  /** Referrals for this viewer, batched per request. */
  referrals: ReferralReader;
  /** The workflow's write side, logging this request's changes in the access log. */
  referralService: ReferralService;
  /** Consents for this request, logging changes in the access log. */
  consentService: ConsentService;
  /** Field rules of the policy table for this operation (consents read once per person). */
  fields: FieldAccess;
  /** Collects this operation's reads of persons for the access log. */
  access: AccessRecorder;
  /**
   * Drops the per-operation caches. A subscription keeps one context for all its events,
   * so it calls this before each event to resolve fields from current data.
   */
  resetCaches(): void;
}

/** Why data is read, when the client does not say: handling the person's case. */
export const DEFAULT_PURPOSE = 'case-handling';

/** A client may state a purpose (x-purpose header / connectionParams.purpose). */
export function purposeFrom(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(value)
    ? value
    : DEFAULT_PURPOSE;
}

export function createContext(
  services: Services,
  viewer: Viewer,
  requestId: string,
  logger: Logger,
  purpose: string = DEFAULT_PURPOSE,
  gateway = false,
): Context {
  const log = logger.child({ requestId });
  const requestedBy =
    viewer.kind === 'authenticated'
      ? { sub: viewer.sub, organisationId: viewer.orgId }
      : { sub: 'anonymous', organisationId: 'none' };
  const access = new AccessRecorder(viewer, requestId, purpose);
  /** The per-operation readers, each with its own DataLoader caches. */
  const readers = () => ({
    persons: new PersonService(services.personDirectory, services.reference, viewer, access),
    sources: new SourceReader(
      services.connectors,
      { purpose, correlationId: requestId, requestedBy },
      log,
    ),
    referrals: new ReferralReader(services.dataSource, viewer, access),
    fields: new FieldAccess(services.dataSource, viewer, access, () => stockholmDate(new Date())),
  });
  const ctx: Context = {
    requestId,
    viewer,
    services,
    gateway,
    logger: log,
    ...readers(),
    referralService: services.referralService.forRequest(requestId, purpose),
    consentService: services.consentService.forRequest(requestId, purpose),
    access,
    resetCaches() {
      Object.assign(ctx, readers());
    },
  };
  return ctx;
}
