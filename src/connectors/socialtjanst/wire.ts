/**
 * The district case system's contract in code (docs/connectors/socialtjanst.v1.yaml): per
 * person the current economic-assistance case — the active one, else the latest — with its
 * monthly decisions, latest first.
 */
import { z } from 'zod';
import { wireDate, wirePersonId } from '../http/wire-types';

export const SOCIALTJANST_RESOURCE = 'assistance-cases';
export const SOCIALTJANST_LIST_KEY = 'assistanceCases';

export const AssistanceCaseWire = z.object({
  personId: wirePersonId,
  caseId: z.string(),
  districtId: z.string(),
  caseworker: z.string(),
  status: z.enum(['ACTIVE', 'CLOSED']),
  periodStart: wireDate,
  periodEnd: wireDate.nullable(),
  supportBarrier: z.string(),
  targetGroup: z.string().nullable(),
  decisions: z.array(
    z.object({
      month: wireDate,
      outcome: z.enum(['GRANTED', 'PARTLY_REFUSED', 'REFUSED']),
      // Kronor as a decimal string, so no amount passes through a binary float.
      amount: z.string().regex(/^\d+(\.\d{1,2})?$/, 'an amount in kronor, e.g. 8450.00'),
    }),
  ),
});
export type AssistanceCaseWire = z.infer<typeof AssistanceCaseWire>;
