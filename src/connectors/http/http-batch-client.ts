/**
 * One batch read against an agency's REST contract (docs/connectors/*.yaml):
 * `POST {baseUrl}/v1/{resource}/batch` with `{"personIds": [...]}`, carrying why and for
 * whom the hub asks — the purpose, the case reference, a correlation id and the requester —
 * as SSBTEK requests do. The answer's shape is the connector's business; this only turns
 * HTTP failures into errors the resilience policy understands.
 */
import type { SourceCallContext } from '../types';
import { AgencyContractError, AgencyHttpError, parseRetryAfter } from './http-errors';

export interface AgencyEndpoint {
  baseUrl: string;
  /** Bearer token or API key the agency issued to the hub, if it wants one. */
  token?: string;
}

export async function postBatch(
  endpoint: AgencyEndpoint,
  resource: string,
  personIds: readonly string[],
  call: SourceCallContext,
  signal: AbortSignal,
): Promise<unknown> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'x-purpose': call.purpose,
    'x-correlation-id': call.correlationId,
    'x-requested-by': `${call.requestedBy.sub}@${call.requestedBy.organisationId}`,
  };
  if (call.caseReference) headers['x-case-reference'] = call.caseReference;
  if (endpoint.token) headers.authorization = `Bearer ${endpoint.token}`;
  const res = await fetch(`${endpoint.baseUrl.replace(/\/$/, '')}/v1/${resource}/batch`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ personIds }),
    signal,
  });
  if (!res.ok) {
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    throw new AgencyHttpError(res.status, parseRetryAfter(res.headers.get('retry-after')));
  }
  try {
    return await res.json();
  } catch {
    throw new AgencyContractError('not JSON');
  }
}
