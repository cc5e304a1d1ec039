import { ReferenceData1795334400000 } from './1795334400000-reference-data';
import { PersonIndexAndSources1795420800000 } from './1795420800000-person-index-and-sources';
import { ReferralWorkflowAndEvents1795507200000 } from './1795507200000-referral-workflow-and-events';
import { AccessLog1795593600000 } from './1795593600000-access-log';
import { Consent1795680000000 } from './1795680000000-consent';
import { AccessLogBases1795766400000 } from './1795766400000-access-log-bases';
import { AccessLogVia1795852800000 } from './1795852800000-access-log-via';
import { PersistedDocuments1795939200000 } from './1795939200000-persisted-documents';
import { Webhooks1796025600000 } from './1796025600000-webhooks';
import { EventSequencer1796112000000 } from './1796112000000-event-sequencer';
import { AccessLogResources1796198400000 } from './1796198400000-access-log-resources';
import { PersonLinkPageOrder1796284800000 } from './1796284800000-person-link-page-order';
import { JobbtorgCurrentPlan1796371200000 } from './1796371200000-jobbtorg-current-plan';
/** Migrations in order. Listed explicitly so the same list works from src/ and dist/. */
export const migrations = [
  ReferenceData1795334400000,
  PersonIndexAndSources1795420800000,
  ReferralWorkflowAndEvents1795507200000,
  AccessLog1795593600000,
  Consent1795680000000,
  AccessLogBases1795766400000,
  AccessLogVia1795852800000,
  PersistedDocuments1795939200000,
  Webhooks1796025600000,
  EventSequencer1796112000000,
  AccessLogResources1796198400000,
  PersonLinkPageOrder1796284800000,
  JobbtorgCurrentPlan1796371200000,
];
