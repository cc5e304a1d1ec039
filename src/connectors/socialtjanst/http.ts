/** The district case system over HTTP: a page of persons' current assistance cases in one call. */
import type { FinancialAidCaseRecord } from '../types';
import { HttpOnePerPerson, type BatchContract } from '../http/batch-connector';
import type { AgencyEndpoint } from '../http/http-batch-client';
import type { SourcePolicy } from '../http/resilience';
import { AssistanceCaseWire, SOCIALTJANST_LIST_KEY, SOCIALTJANST_RESOURCE } from './wire';

export const SOCIALTJANST_CONTRACT: BatchContract<AssistanceCaseWire, FinancialAidCaseRecord> = {
  source: 'socialtjanst',
  resource: SOCIALTJANST_RESOURCE,
  listKey: SOCIALTJANST_LIST_KEY,
  item: AssistanceCaseWire,
  toRecord: ({ personId: _personId, ...record }) => record,
};

export class HttpSocialtjanst extends HttpOnePerPerson<AssistanceCaseWire, FinancialAidCaseRecord> {
  constructor(endpoint: AgencyEndpoint, policy: SourcePolicy) {
    super(SOCIALTJANST_CONTRACT, endpoint, policy);
  }
}
