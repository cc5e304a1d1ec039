/**
 * The job centre's appointment booking: a second, small Federation 2 subgraph that lives in
 * this repository to show the hub inside a real supergraph (docs/federation.md).
 */
import { demoAppointments } from './demo-seed';
import { AppointmentStore } from './store';

export { startAppointmentsSubgraph, type AppointmentsSubgraph } from './server';
export type { AppointmentsSubgraphOptions } from './server';
export { APPOINTMENTS_SDL, buildAppointmentsSchema } from './schema';
export { AppointmentStore } from './store';
export { demoAppointments } from './demo-seed';

/**
 * An appointment book seeded for the hub's demo persons (0 for an empty one), with
 * appointments in the four weeks after today.
 */
export function demoAppointmentStore(persons: number, seed?: number): AppointmentStore {
  const today = new Date().toISOString().slice(0, 10);
  return new AppointmentStore(persons > 0 ? demoAppointments({ persons, seed, today }) : []);
}
