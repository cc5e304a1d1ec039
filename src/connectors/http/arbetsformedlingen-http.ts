/**
 * Arbetsförmedlingen over HTTP (contract: docs/connectors/arbetsformedlingen.v1.yaml): the
 * job-seeker status social services see through SSBTEK, for a batch of persons in one
 * call, through the connector's resilience policy. The answer is validated against the
 * contract: a malformed answer is a failed source, never a crash or half a record.
 */
import { z } from 'zod';
import type { EmploymentServiceStatusRecord, SourceCallContext, SourceConnector } from '../types';
import { postBatch, type AgencyEndpoint } from './http-batch-client';
import { AgencyContractError } from './http-errors';
import type { SourcePolicy } from './resilience';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const JobSeeker = z.object({
  personId: z.string(),
  officeId: z.string(),
  registered: z.boolean(),
  registeredSince: date.nullable(),
  deregisteredAt: date.nullable(),
  category: z.object({ code: z.string(), text: z.string().optional() }).nullable(),
  extentPercent: z.number().int().min(0).max(100).nullable(),
  lastActivityReport: date.nullable(),
  activitySupport: z.boolean(),
  programmes: z.array(
    z.object({ programmeCode: z.string(), startDate: date, endDate: date.nullable() }),
  ),
});

const BatchAnswer = z.object({ jobSeekers: z.array(JobSeeker) });

export class HttpArbetsformedlingen implements SourceConnector<EmploymentServiceStatusRecord> {
  readonly source = 'arbetsformedlingen' as const;

  constructor(
    private readonly endpoint: AgencyEndpoint,
    private readonly policy: SourcePolicy,
  ) {}

  async loadByPersonIds(
    personIds: readonly string[],
    call: SourceCallContext,
  ): Promise<Map<string, EmploymentServiceStatusRecord>> {
    const answer = await this.policy.execute(async (signal) => {
      const parsed = BatchAnswer.safeParse(
        await postBatch(this.endpoint, 'job-seekers', personIds, call, signal),
      );
      if (!parsed.success) throw new AgencyContractError(parsed.error.issues[0]?.message ?? '');
      return parsed.data;
    });
    const fetchedAt = new Date();
    const wanted = new Set(personIds);
    const out = new Map<string, EmploymentServiceStatusRecord>();
    for (const s of answer.jobSeekers) {
      // An agency answering about persons we did not ask for is ignored, not trusted.
      if (!wanted.has(s.personId)) continue;
      out.set(s.personId, {
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
      });
    }
    return out;
  }
}
