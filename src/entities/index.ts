import { AccessLogRow, type AccessPath } from './access-log';
import { CodeEntryRow } from './code-entry';
import { ConsentRow } from './consent';
import { DeviationRow } from './deviation';
import { EventRow } from './event';
import { EventSequenceRow } from './event-sequence';
import { IdempotencyKeyRow } from './idempotency-key';
import { JobPlanRow, type StoredPlanActivity } from './job-plan';
import { OrganisationRow } from './organisation';
import { PersonRow } from './person';
import { PersistedDocumentRow } from './persisted-document';
import { PersonLinkRow } from './person-link';
import { ReferenceDataVersionRow } from './reference-data-version';
import { ReferralRow } from './referral';
import { ReferralInterruptionRow } from './referral-interruption';
import { WebhookDeliveryRow, type WebhookDeliveryStatus } from './webhook-delivery';
import {
  WebhookEndpointRow,
  type StoredWebhookFilter,
  type WebhookEndpointState,
} from './webhook-endpoint';
import { WebhookEndpointChangeRow } from './webhook-endpoint-change';

/**
 * Every entity of the hub's own store (every table the migrations create in the public
 * schema); the DataSource registers exactly these. The agencies' embedded stand-ins
 * (schemas socialtjanst, jobbtorg, sfi, arbetsformedlingen) are not the hub's store and
 * have none. `npm run entities:check` fails when these and the migrations disagree.
 */
export const entities = [
  OrganisationRow,
  CodeEntryRow,
  ReferenceDataVersionRow,
  PersonRow,
  PersonLinkRow,
  ReferralRow,
  JobPlanRow,
  DeviationRow,
  ReferralInterruptionRow,
  EventRow,
  EventSequenceRow,
  IdempotencyKeyRow,
  AccessLogRow,
  ConsentRow,
  PersistedDocumentRow,
  WebhookEndpointRow,
  WebhookDeliveryRow,
  WebhookEndpointChangeRow,
];

export {
  AccessLogRow,
  type AccessPath,
  CodeEntryRow,
  ConsentRow,
  DeviationRow,
  EventRow,
  EventSequenceRow,
  IdempotencyKeyRow,
  JobPlanRow,
  OrganisationRow,
  PersistedDocumentRow,
  PersonLinkRow,
  PersonRow,
  ReferenceDataVersionRow,
  ReferralInterruptionRow,
  ReferralRow,
  type StoredPlanActivity,
  type StoredWebhookFilter,
  WebhookDeliveryRow,
  type WebhookDeliveryStatus,
  WebhookEndpointChangeRow,
  WebhookEndpointRow,
  type WebhookEndpointState,
};
