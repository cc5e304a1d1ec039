/**
 * Arbetsförmedlingen's contract in code (docs/connectors/arbetsformedlingen.v1.yaml): what
 * the HTTP connector accepts and what the simulator serves.
 */
import { z } from 'zod';
import { wireDate, wirePersonId } from '../http/wire-types';

export const AF_RESOURCE = 'job-seekers';
export const AF_LIST_KEY = 'jobSeekers';

export const JobSeekerWire = z.object({
  personId: wirePersonId,
  officeId: z.string(),
  registered: z.boolean(),
  registeredSince: wireDate.nullable(),
  deregisteredAt: wireDate.nullable(),
  category: z.object({ code: z.string(), text: z.string().optional() }).nullable(),
  extentPercent: z.number().int().min(0).max(100).nullable(),
  lastActivityReport: wireDate.nullable(),
  activitySupport: z.boolean(),
  programmes: z.array(
    z.object({ programmeCode: z.string(), startDate: wireDate, endDate: wireDate.nullable() }),
  ),
});
export type JobSeekerWire = z.infer<typeof JobSeekerWire>;
