/**
 * The job centres' case system contract in code (docs/connectors/jobbtorg.v1.yaml): per
 * person the open enrolment — else the latest — with its current plan, interventions and
 * interruptions (latest first) and, once closed, why.
 */
import { z } from 'zod';
import { wireDate, wireInstant, wirePersonId } from '../http/wire-types';

export const JOBBTORG_RESOURCE = 'enrolments';
export const JOBBTORG_LIST_KEY = 'enrolments';

export const JobCentreEnrolmentWire = z.object({
  personId: wirePersonId,
  enrolmentId: z.string(),
  jobCentreId: z.string(),
  coach: z.string(),
  firstVisitAt: wireInstant.nullable(),
  status: z.enum(['ENROLLED', 'ACTIVE', 'INTERRUPTED', 'CLOSED']),
  currentPlan: z
    .object({
      kind: z.enum(['INITIAL', 'EXTENDED']),
      goal: z.string(),
      validFrom: wireDate,
      validTo: wireDate,
      status: z.enum(['SUBMITTED', 'APPROVED', 'REJECTED']),
    })
    .nullable(),
  interventions: z.array(
    z.object({
      interventionType: z.string(),
      provider: z.string(),
      startDate: wireDate,
      endDate: wireDate.nullable(),
      hoursPerWeek: z.number().min(0).max(80),
      attendancePercent: z.number().min(0).max(100).nullable(),
    }),
  ),
  interruptions: z.array(
    z.object({ reason: z.string(), fromDate: wireDate, toDate: wireDate.nullable() }),
  ),
  closure: z
    .object({ reason: z.string(), employmentType: z.string().nullable(), closedAt: wireDate })
    .nullable(),
});
export type JobCentreEnrolmentWire = z.infer<typeof JobCentreEnrolmentWire>;
