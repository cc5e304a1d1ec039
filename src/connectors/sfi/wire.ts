/**
 * Adult education's SFI contract in code (docs/connectors/sfi.v1.yaml): every SFI
 * enrolment of each person, latest first (a person may have several: a new course, a
 * change of provider).
 */
import { z } from 'zod';
import { wireDate, wirePersonId } from '../http/wire-types';

export const SFI_RESOURCE = 'sfi-enrolments';
export const SFI_LIST_KEY = 'enrolments';

export const SfiEnrolmentWire = z.object({
  personId: wirePersonId,
  providerId: z.string(),
  studyPath: z.string(),
  course: z.string(),
  startDate: wireDate,
  endDate: wireDate.nullable(),
  hoursPerWeek: z.number().min(0).max(80),
  status: z.enum(['ONGOING', 'COMPLETED', 'CANCELLED']),
  grade: z.string().nullable(),
  nationalTestGrade: z.string().nullable(),
});
export type SfiEnrolmentWire = z.infer<typeof SfiEnrolmentWire>;
