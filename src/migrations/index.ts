import { ReferenceData1795334400000 } from './1795334400000-reference-data';
import { PersonIndexAndSources1795420800000 } from './1795420800000-person-index-and-sources';
import { ReferralWorkflowAndEvents1795507200000 } from './1795507200000-referral-workflow-and-events';
import { AccessLog1795593600000 } from './1795593600000-access-log';

/** Migrations in order. Listed explicitly so the same list works from src/ and dist/. */
export const migrations = [
  ReferenceData1795334400000,
  PersonIndexAndSources1795420800000,
  ReferralWorkflowAndEvents1795507200000,
  AccessLog1795593600000,
];
