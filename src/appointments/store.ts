/**
 * The job centres' appointment book, in memory: the second subgraph's own data. A real
 * booking system would keep it in its own database; nothing here touches the hub's store.
 * Appointments are never deleted: a cancellation is a status, so a person's history and a
 * referral's list stay explainable.
 */
import { randomUUID } from 'node:crypto';

export const APPOINTMENT_KINDS = ['FIRST_VISIT', 'FOLLOW_UP', 'PLAN_REVIEW'] as const;
export type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];
export type AppointmentStatus = 'BOOKED' | 'CANCELLED';

export interface Appointment {
  id: string;
  /** Null for a follow-up booked on an enrolment rather than on a referral. */
  referralId: string | null;
  personId: string;
  jobCentreId: string;
  /** Start, as an instant. */
  at: Date;
  durationMinutes: number;
  kind: AppointmentKind;
  status: AppointmentStatus;
  bookedAt: Date;
  /** `sub` of whoever booked it; null for the seeded demo appointments. */
  bookedBy: string | null;
  cancelledAt: Date | null;
}

export interface NewAppointment {
  referralId: string | null;
  personId: string;
  jobCentreId: string;
  at: Date;
  durationMinutes: number;
  kind: AppointmentKind;
  bookedBy: string | null;
}

const byStart = (a: Appointment, b: Appointment) =>
  a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id);

export class AppointmentStore {
  private readonly byId = new Map<string, Appointment>();
  private readonly byReferral = new Map<string, Appointment[]>();
  private readonly byPerson = new Map<string, Appointment[]>();
  private readonly byJobCentre = new Map<string, Appointment[]>();

  /** `now` is injectable so tests and the seed agree on what "upcoming" means. */
  constructor(
    seed: readonly Appointment[] = [],
    readonly now: () => Date = () => new Date(),
  ) {
    for (const a of seed) this.index({ ...a });
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Appointment | undefined {
    return this.byId.get(id);
  }

  book(input: NewAppointment): Appointment {
    const appointment: Appointment = {
      ...input,
      id: randomUUID(),
      status: 'BOOKED',
      bookedAt: this.now(),
      cancelledAt: null,
    };
    this.index(appointment);
    return appointment;
  }

  /** Marks it cancelled; cancelling twice keeps the first cancellation time. */
  cancel(id: string): Appointment | undefined {
    const a = this.byId.get(id);
    if (a && a.status !== 'CANCELLED') {
      a.status = 'CANCELLED';
      a.cancelledAt = this.now();
    }
    return a;
  }

  /** A booked appointment of this person overlapping [at, at + minutes). */
  overlapping(personId: string, at: Date, durationMinutes: number): Appointment | undefined {
    const start = at.getTime();
    const end = start + durationMinutes * 60_000;
    return (this.byPerson.get(personId) ?? []).find(
      (a) =>
        a.status === 'BOOKED' &&
        a.at.getTime() < end &&
        start < a.at.getTime() + a.durationMinutes * 60_000,
    );
  }

  /** Every appointment of a referral, cancelled ones too, soonest first. */
  forReferral(referralId: string): Appointment[] {
    return [...(this.byReferral.get(referralId) ?? [])].sort(byStart);
  }

  /** A person's booked appointments that have not ended yet, soonest first. */
  upcomingForPerson(personId: string): Appointment[] {
    const now = this.now().getTime();
    return (this.byPerson.get(personId) ?? [])
      .filter((a) => a.status === 'BOOKED' && a.at.getTime() + a.durationMinutes * 60_000 > now)
      .sort(byStart);
  }

  /** A job centre's appointments starting in [from, to), soonest first. */
  forJobCentre(
    jobCentreId: string,
    window: { from?: Date; to?: Date; includeCancelled?: boolean } = {},
  ): Appointment[] {
    const from = window.from?.getTime() ?? -Infinity;
    const to = window.to?.getTime() ?? Infinity;
    return (this.byJobCentre.get(jobCentreId) ?? [])
      .filter(
        (a) =>
          (window.includeCancelled || a.status === 'BOOKED') &&
          a.at.getTime() >= from &&
          a.at.getTime() < to,
      )
      .sort(byStart);
  }

  private index(a: Appointment): void {
    if (this.byId.has(a.id)) throw new Error(`duplicate appointment id ${a.id}`);
    this.byId.set(a.id, a);
    if (a.referralId) push(this.byReferral, a.referralId, a);
    push(this.byPerson, a.personId, a);
    push(this.byJobCentre, a.jobCentreId, a);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
