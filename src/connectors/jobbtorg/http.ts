/** The job centres' case system over HTTP: a page of persons' enrolments in one call. */
import type { JobCentreEnrolmentRecord } from '../types';
import { HttpOnePerPerson, type BatchContract } from '../http/batch-connector';
import type { AgencyEndpoint } from '../http/http-batch-client';
import type { SourcePolicy } from '../http/resilience';
import { JOBBTORG_LIST_KEY, JOBBTORG_RESOURCE, JobCentreEnrolmentWire } from './wire';

export const JOBBTORG_CONTRACT: BatchContract<JobCentreEnrolmentWire, JobCentreEnrolmentRecord> = {
  source: 'jobbtorg',
  resource: JOBBTORG_RESOURCE,
  listKey: JOBBTORG_LIST_KEY,
  item: JobCentreEnrolmentWire,
  toRecord: ({ personId: _personId, firstVisitAt, ...record }) => ({
    ...record,
    firstVisitAt: firstVisitAt === null ? null : new Date(firstVisitAt),
  }),
};

export class HttpJobbtorg extends HttpOnePerPerson<
  JobCentreEnrolmentWire,
  JobCentreEnrolmentRecord
> {
  constructor(endpoint: AgencyEndpoint, policy: SourcePolicy) {
    super(JOBBTORG_CONTRACT, endpoint, policy);
  }
}
