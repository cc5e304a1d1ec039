/**
 * Deterministic demo appointments for the hub's synthetic demo persons. The booking system
 * and the hub know the same people, so the appointments are drawn from the hub's own demo
 * generator (same persons, same seed, same ids as `npm start` writes): every person with an
 * open enrolment at a job centre gets one upcoming meeting there. Same options, same
 * appointments, ids included. Like the demo data, it describes nobody.
 */
import { addWorkingDays, stockholmOffset } from '../seed/calendar';
import { DEFAULT_SEED, DemoDataStream } from '../seed/generate';
import { dayNumber, isoDate, Random } from '../seed/random';
import type { Appointment } from './store';

export interface DemoAppointmentOptions {
  /** How many demo persons the hub was seeded with (its DEMO_PERSONS). */
  persons: number;
  /** The hub's demo seed; default the generator's. */
  seed?: number;
  /** 'YYYY-MM-DD': appointments fall on working days in the four weeks after it. */
  today: string;
}

/** Drawn in slices so a large demo set is never held in memory at once. */
const SLICE = 1000;

export function demoAppointments(options: DemoAppointmentOptions): Appointment[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const stream = new DemoDataStream({ persons: options.persons, seed });
  // A sequence of its own, derived from the seed: the appointments do not disturb the
  // generator's draws, and the same demo set gets the same appointments.
  const rng = new Random(seed ^ 0x5a5a_1234);
  const today = dayNumber(options.today);
  const bookedAt = new Date(`${isoDate(today)}T00:00:00Z`);
  const out: Appointment[] = [];
  while (stream.remaining > 0) {
    stream.generate(SLICE);
    for (const e of stream.take().jobCentreEnrolments) {
      if (e.status !== 'ENROLLED' && e.status !== 'ACTIVE') continue;
      const day = addWorkingDays(today, rng.int(1, 20));
      // 09:00 to 15:30 on the half hour, Stockholm time.
      const slot = rng.int(0, 13);
      const hh = String(9 + Math.floor(slot / 2)).padStart(2, '0');
      const mm = slot % 2 ? '30' : '00';
      out.push({
        id: rng.uuid(),
        referralId: null,
        personId: e.personId,
        jobCentreId: e.jobCentreId,
        at: new Date(`${isoDate(day)}T${hh}:${mm}:00${stockholmOffset(day)}`),
        durationMinutes: 45,
        // An enrolment without a plan yet meets to draw it up; an active one follows up.
        kind: e.status === 'ENROLLED' ? 'PLAN_REVIEW' : 'FOLLOW_UP',
        status: 'BOOKED',
        bookedAt,
        bookedBy: null,
        cancelledAt: null,
      });
    }
  }
  return out;
}
