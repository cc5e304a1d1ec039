/**
 * The appointment booking subgraph: plain SDL and a resolver map built with
 * `@apollo/subgraph`. Plain SDL rather than type-graphql because the schema is small, the
 * federation directives read as written, and the SDL here is exactly what composition and
 * `_service` see (nothing is lost printing class metadata back to SDL).
 *
 * It extends two of the hub's entities by their key only: `Referral.appointments` and
 * `Person.upcomingAppointments`. Everything else about a referral or a person stays in the
 * hub, behind the hub's policy; an appointment points back at them as bare references.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { parse, type GraphQLSchema } from 'graphql';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../errors';
import { canSee, requireCoach, requireViewer, visible, type Viewer } from './access';
import { guardGatewayFields, type GatewayAware } from './gateway-credential';
import {
  APPOINTMENT_KINDS,
  type Appointment,
  type AppointmentKind,
  type AppointmentStore,
} from './store';

export const APPOINTMENTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  scalar DateTimeISO

  # The hub owns Referral, Person and Organisation and describes them; a description here
  # would replace the hub's in the supergraph, so these types carry none.

  # A referral (remiss): this subgraph adds the appointments booked for it.
  type Referral @key(fields: "id") {
    id: ID!
    """
    Appointments booked at the job centre for this referral, cancelled ones included, soonest
    first. Only the viewer's own job centre's appointments: empty for anyone but its coaches.
    """
    appointments: [Appointment!]!
  }

  # A person: this subgraph adds their upcoming appointments.
  type Person @key(fields: "id") {
    id: ID!
    """
    Booked appointments that have not ended yet, soonest first, at the viewer's own job centre
    only: empty for anyone but a job centre's coaches.
    """
    upcomingAppointments: [Appointment!]!
  }

  # An organisation, here only as a reference (the job centre of an appointment).
  type Organisation @key(fields: "id", resolvable: false) {
    id: ID!
  }

  """
  A meeting booked at a job centre (Jobbtorg).
  """
  type Appointment {
    id: ID!
    "When it starts"
    at: DateTimeISO!
    durationMinutes: Int!
    kind: AppointmentKind!
    status: AppointmentStatus!
    "The job centre it is at"
    jobCentre: Organisation!
    "The person, when the hub lets the viewer see them"
    person: Person
    "The referral it was booked for; null for a follow-up booked on an enrolment"
    referral: Referral
    bookedAt: DateTimeISO!
    cancelledAt: DateTimeISO
  }

  enum AppointmentKind {
    "Nybesök: the first visit after a referral"
    FIRST_VISIT
    "Uppföljning: a follow-up meeting"
    FOLLOW_UP
    "Planering: drawing up or reviewing the job plan"
    PLAN_REVIEW
  }

  enum AppointmentStatus {
    BOOKED
    CANCELLED
  }

  type Query {
    """
    The viewer's job centre's appointments starting in [from, to), soonest first (coaches
    only; FORBIDDEN for other roles)
    """
    appointments(
      from: DateTimeISO
      to: DateTimeISO
      includeCancelled: Boolean! = false
    ): [Appointment!]!
    "One appointment; null when it does not exist or is at another job centre"
    appointment(id: ID!): Appointment
  }

  input BookAppointmentInput {
    referralId: ID!
    personId: ID!
    "When it starts: in the future, at most a year ahead"
    at: DateTimeISO!
    "The job centre: the coach's own"
    jobCentreId: ID!
    kind: AppointmentKind!
    "15 to 240 minutes"
    durationMinutes: Int! = 60
  }

  type Mutation {
    """
    A coach books an appointment at their own job centre. CONFLICT when the person already
    has a booked appointment at that time.
    """
    bookAppointment(input: BookAppointmentInput!): Appointment!
    "A coach cancels one of their job centre's appointments; cancelling twice changes nothing"
    cancelAppointment(id: ID!): Appointment!
  }
`;

export interface AppointmentsContext extends GatewayAware {
  /** The verified viewer, resolved on first use (a request that needs none verifies nothing). */
  viewer(): Promise<Viewer | null>;
}

interface BookInput {
  referralId: string;
  personId: string;
  at: Date;
  jobCentreId: string;
  kind: AppointmentKind;
  durationMinutes: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const YEAR_MS = 366 * 24 * 3600 * 1000;

/** Checks a booking and returns what to store; throws the first problem found. */
export function validateBooking(input: BookInput, coachJobCentreId: string, now: Date): BookInput {
  if (input.jobCentreId !== coachJobCentreId)
    throw new ForbiddenError('A coach books appointments at their own job centre only');
  for (const field of ['referralId', 'personId'] as const) {
    if (!UUID.test(input[field])) throw new BadUserInputError(`${field} is not an id`, field);
  }
  if (!APPOINTMENT_KINDS.includes(input.kind)) throw new BadUserInputError('Unknown kind', 'kind');
  if (input.at.getTime() <= now.getTime())
    throw new BadUserInputError('An appointment must start in the future', 'at');
  if (input.at.getTime() > now.getTime() + YEAR_MS)
    throw new BadUserInputError('An appointment is booked at most a year ahead', 'at');
  const minutes = input.durationMinutes;
  if (!Number.isInteger(minutes) || minutes < 15 || minutes > 240)
    throw new BadUserInputError('durationMinutes must be 15 to 240', 'durationMinutes');
  return {
    ...input,
    referralId: input.referralId.toLowerCase(),
    personId: input.personId.toLowerCase(),
  };
}

/**
 * A representation's key, and nothing else from it: the gateway (or whoever holds the
 * secret) chooses the rest of a representation, so no other field is ever read.
 */
function keyOf(representation: { id?: unknown }): { id: string } {
  return { id: String(representation.id) };
}

function resolvers(store: AppointmentStore): GraphQLResolverMap<AppointmentsContext> {
  return {
    DateTimeISO: GraphQLDateTimeISO,
    Referral: {
      // A promise: a failure is that entity's own error, never the whole `_entities` batch.
      __resolveReference: (ref: { id?: unknown }) => Promise.resolve(keyOf(ref)),
      appointments: async ({ id }: { id: string }, _args: unknown, ctx: AppointmentsContext) =>
        visible(requireViewer(await ctx.viewer()), store.forReferral(id)),
    },
    Person: {
      __resolveReference: (ref: { id?: unknown }) => Promise.resolve(keyOf(ref)),
      upcomingAppointments: async (
        { id }: { id: string },
        _args: unknown,
        ctx: AppointmentsContext,
      ) => visible(requireViewer(await ctx.viewer()), store.upcomingForPerson(id)),
    },
    Appointment: {
      jobCentre: (a: Appointment) => ({ __typename: 'Organisation', id: a.jobCentreId }),
      person: (a: Appointment) => ({ __typename: 'Person', id: a.personId }),
      referral: (a: Appointment) =>
        a.referralId ? { __typename: 'Referral', id: a.referralId } : null,
    },
    Query: {
      appointments: async (
        _root: unknown,
        args: { from?: Date | null; to?: Date | null; includeCancelled: boolean },
        ctx: AppointmentsContext,
      ) =>
        store.forJobCentre(requireCoach(await ctx.viewer()), {
          from: args.from ?? undefined,
          to: args.to ?? undefined,
          includeCancelled: args.includeCancelled,
        }),
      appointment: async (_root: unknown, { id }: { id: string }, ctx: AppointmentsContext) => {
        const viewer = requireViewer(await ctx.viewer());
        const a = store.get(id);
        return a && canSee(viewer, a) ? a : null;
      },
    },
    Mutation: {
      bookAppointment: async (
        _root: unknown,
        { input }: { input: BookInput },
        ctx: AppointmentsContext,
      ) => {
        const jobCentreId = requireCoach(await ctx.viewer());
        const viewer = requireViewer(await ctx.viewer());
        const valid = validateBooking(input, jobCentreId, store.now());
        if (store.overlapping(valid.personId, valid.at, valid.durationMinutes))
          throw new ConflictError('The person already has an appointment at that time');
        return store.book({ ...valid, bookedBy: viewer.sub });
      },
      cancelAppointment: async (
        _root: unknown,
        { id }: { id: string },
        ctx: AppointmentsContext,
      ) => {
        const jobCentreId = requireCoach(await ctx.viewer());
        const a = store.get(id);
        // Another job centre's appointment is "not found": its existence is not theirs to know.
        if (!a || a.jobCentreId !== jobCentreId) throw new NotFoundError('No such appointment');
        return store.cancel(id);
      },
    },
  };
}

/** The executable subgraph schema, `_entities` and `_service` guarded by the gateway check. */
export function buildAppointmentsSchema(store: AppointmentStore): GraphQLSchema {
  return guardGatewayFields(
    buildSubgraphSchema([{ typeDefs: parse(APPOINTMENTS_SDL), resolvers: resolvers(store) }]),
  );
}
