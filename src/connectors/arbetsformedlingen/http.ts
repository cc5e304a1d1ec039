/**
 * Arbetsförmedlingen over HTTP: the job-seeker status social services see through SSBTEK,
 * for a page of persons in one call. Wrapped in the last known status (last-known-status.ts)
 * when configured, so a failing AF gives stale-but-marked statuses rather than nothing.
 */
import type { EmploymentServiceStatusRecord } from '../types';
import { HttpOnePerPerson, type BatchContract } from '../http/batch-connector';
import type { AgencyEndpoint } from '../http/http-batch-client';
import type { SourcePolicy } from '../http/resilience';
import { AF_LIST_KEY, AF_RESOURCE, JobSeekerWire } from './wire';

export const AF_CONTRACT: BatchContract<JobSeekerWire, EmploymentServiceStatusRecord> = {
  source: 'arbetsformedlingen',
  resource: AF_RESOURCE,
  listKey: AF_LIST_KEY,
  item: JobSeekerWire,
  toRecord: (s, fetchedAt) => ({
    officeId: s.officeId,
    registered: s.registered,
    registeredSince: s.registeredSince,
    deregisteredAt: s.deregisteredAt,
    categoryCode: s.category?.code ?? null,
    extentPercent: s.extentPercent,
    lastActivityReport: s.lastActivityReport,
    activitySupport: s.activitySupport,
    programmes: s.programmes,
    fetchedAt,
    stale: false,
  }),
};

export class HttpArbetsformedlingen extends HttpOnePerPerson<
  JobSeekerWire,
  EmploymentServiceStatusRecord
> {
  constructor(endpoint: AgencyEndpoint, policy: SourcePolicy) {
    super(AF_CONTRACT, endpoint, policy);
  }
}
