/** Adult education over HTTP: every SFI enrolment of a page of persons in one call. */
import type { SfiEnrolmentRecord } from '../types';
import { HttpListPerPerson, type BatchContract } from '../http/batch-connector';
import type { AgencyEndpoint } from '../http/http-batch-client';
import type { SourcePolicy } from '../http/resilience';
import { SFI_LIST_KEY, SFI_RESOURCE, SfiEnrolmentWire } from './wire';

export const SFI_CONTRACT: BatchContract<SfiEnrolmentWire, SfiEnrolmentRecord> = {
  source: 'sfi',
  resource: SFI_RESOURCE,
  listKey: SFI_LIST_KEY,
  item: SfiEnrolmentWire,
  toRecord: ({ personId: _personId, ...record }) => record,
};

export class HttpSfi extends HttpListPerPerson<SfiEnrolmentWire, SfiEnrolmentRecord> {
  constructor(endpoint: AgencyEndpoint, policy: SourcePolicy) {
    super(SFI_CONTRACT, endpoint, policy);
  }
}
