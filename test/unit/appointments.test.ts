/**
 * The appointment booking subgraph's own rules, without a server: who is a viewer and what
 * they see, what a booking must satisfy, the appointment book, the deterministic demo
 * appointments, and the gateway credential in front of `_entities` and `_service` (run
 * against the built schema with graphql-js).
 */
import { randomUUID } from 'node:crypto';
import { graphql, type GraphQLSchema } from 'graphql';
import { SignJWT } from 'jose';
import { makeToken } from '../../src/auth/dev-token';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { loadConfig } from '../../src/config';
import {
  canSee,
  requireCoach,
  viewerFrom,
  visible,
  type Viewer,
} from '../../src/appointments/access';
import { demoAppointments } from '../../src/appointments/demo-seed';
import { gatewayCredential } from '../../src/appointments/gateway-credential';
import { buildAppointmentsSchema, validateBooking } from '../../src/appointments/schema';
import { AppointmentStore, type Appointment } from '../../src/appointments/store';

const SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const verify = createJwtVerifier(
  loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: SECRET, LOG_LEVEL: 'silent' }).auth,
);
const NOW = new Date('2026-12-02T10:00:00Z');
const HOUR = 3600_000;

const coach = (jobCentreId: string): Viewer => ({
  sub: `coach@${jobCentreId}`,
  role: 'JOB_CENTRE_COACH',
  org: jobCentreId,
  jobCentreId,
});
const caseworker: Viewer = {
  sub: 'cw@skarholmen',
  role: 'DISTRICT_CASEWORKER',
  org: 'skarholmen',
  jobCentreId: null,
};

function appointment(over: Partial<Appointment> = {}): Appointment {
  return {
    id: randomUUID(),
    referralId: randomUUID(),
    personId: randomUUID(),
    jobCentreId: 'jobbtorg-sydvast',
    at: new Date(NOW.getTime() + 24 * HOUR),
    durationMinutes: 60,
    kind: 'FIRST_VISIT',
    status: 'BOOKED',
    bookedAt: NOW,
    bookedBy: null,
    cancelledAt: null,
    ...over,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'no error';
  } catch (err) {
    return (err as { extensions?: { code?: unknown } }).extensions?.code;
  }
}

function codeOfSync(fn: () => unknown): unknown {
  return codeOf(Promise.resolve().then(fn));
}

describe('the viewer, from the verified token only', () => {
  test('no authorization header is no viewer; a coach of a job centre handles that job centre', async () => {
    expect(await viewerFrom(verify, undefined)).toBeNull();
    const token = await makeToken(SECRET, { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    expect(await viewerFrom(verify, `Bearer ${token}`)).toEqual({
      sub: 'dev-job_centre_coach@jobbtorg-sydvast',
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
      jobCentreId: 'jobbtorg-sydvast',
    });
  });

  test('any other role, or a coach whose org is not a job centre, handles no job centre', async () => {
    const cw = await makeToken(SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    expect((await viewerFrom(verify, `Bearer ${cw}`))?.jobCentreId).toBeNull();
    const admin = await makeToken(SECRET, { role: 'ADMIN', org: 'arbetsmarknadsforvaltningen' });
    expect((await viewerFrom(verify, `Bearer ${admin}`))?.jobCentreId).toBeNull();
    // Signed with the right secret but claiming a district as a coach's organisation.
    const odd = await new SignJWT({ role: 'JOB_CENTRE_COACH', org: 'skarholmen' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect((await viewerFrom(verify, `Bearer ${odd}`))?.jobCentreId).toBeNull();
  });

  test('a malformed header, another key, an expired token or missing claims: UNAUTHENTICATED', async () => {
    const sign = (claims: Record<string, unknown>, secret = SECRET, exp: string | number = '1h') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const coachClaims = { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' };
    expect(await codeOf(viewerFrom(verify, 'Basic abc'))).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(
        viewerFrom(
          verify,
          `Bearer ${await sign(coachClaims, 'another-secret-0123456789-0123456789')}`,
        ),
      ),
    ).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(
        viewerFrom(
          verify,
          `Bearer ${await sign(coachClaims, SECRET, Math.floor(Date.now() / 1000) - 60)}`,
        ),
      ),
    ).toBe('UNAUTHENTICATED');
    expect(
      await codeOf(viewerFrom(verify, `Bearer ${await sign({ role: 'JOB_CENTRE_COACH' })}`)),
    ).toBe('UNAUTHENTICATED');
  });
});

describe('who sees which appointments', () => {
  const own = appointment({ jobCentreId: 'jobbtorg-sydvast' });
  const other = appointment({ jobCentreId: 'jobbtorg-jarva' });

  test('a coach sees their own job centre’s appointments and no other', () => {
    expect(canSee(coach('jobbtorg-sydvast'), own)).toBe(true);
    expect(canSee(coach('jobbtorg-sydvast'), other)).toBe(false);
    expect(visible(coach('jobbtorg-jarva'), [own, other])).toEqual([other]);
  });

  test('every other role sees none; the coach-only fields refuse them', async () => {
    expect(visible(caseworker, [own, other])).toEqual([]);
    expect(await codeOfSync(() => requireCoach(caseworker))).toBe('FORBIDDEN');
    expect(await codeOfSync(() => requireCoach(null))).toBe('UNAUTHENTICATED');
    expect(requireCoach(coach('jobbtorg-jarva'))).toBe('jobbtorg-jarva');
  });
});

describe('a booking', () => {
  const input = {
    referralId: randomUUID() as string,
    personId: randomUUID() as string,
    at: new Date(NOW.getTime() + 48 * HOUR),
    jobCentreId: 'jobbtorg-sydvast',
    kind: 'FIRST_VISIT' as const,
    durationMinutes: 60,
  };
  const check = (over: Partial<typeof input>, jobCentre = 'jobbtorg-sydvast') => {
    try {
      validateBooking({ ...input, ...over }, jobCentre, NOW);
      return 'ok';
    } catch (err) {
      const e = err as { extensions: { code: string; field?: string } };
      return `${e.extensions.code}${e.extensions.field ? `:${e.extensions.field}` : ''}`;
    }
  };

  test('is at the coach’s own job centre', () => {
    expect(check({})).toBe('ok');
    expect(check({ jobCentreId: 'jobbtorg-jarva' })).toBe('FORBIDDEN');
  });

  test('names referral and person by id, starts in the future within a year, lasts 15–240 minutes', () => {
    expect(check({ referralId: 'not-an-id' })).toBe('BAD_USER_INPUT:referralId');
    expect(check({ personId: '' })).toBe('BAD_USER_INPUT:personId');
    expect(check({ at: new Date(NOW.getTime() - 1000) })).toBe('BAD_USER_INPUT:at');
    expect(check({ at: NOW })).toBe('BAD_USER_INPUT:at');
    expect(check({ at: new Date(NOW.getTime() + 400 * 24 * HOUR) })).toBe('BAD_USER_INPUT:at');
    expect(check({ durationMinutes: 10 })).toBe('BAD_USER_INPUT:durationMinutes');
    expect(check({ durationMinutes: 241 })).toBe('BAD_USER_INPUT:durationMinutes');
    expect(check({ durationMinutes: 15 })).toBe('ok');
  });
});

describe('the appointment book', () => {
  test('a referral’s list holds cancelled ones too; upcoming holds booked ones not yet ended', () => {
    let now = NOW;
    const store = new AppointmentStore([], () => now);
    const referralId = randomUUID();
    const personId = randomUUID();
    const base = { referralId, personId, jobCentreId: 'jobbtorg-sydvast', bookedBy: 'c' };
    const later = store.book({
      ...base,
      at: new Date(NOW.getTime() + 72 * HOUR),
      durationMinutes: 60,
      kind: 'FOLLOW_UP',
    });
    const sooner = store.book({
      ...base,
      at: new Date(NOW.getTime() + 24 * HOUR),
      durationMinutes: 60,
      kind: 'FIRST_VISIT',
    });
    const cancelled = store.book({
      ...base,
      at: new Date(NOW.getTime() + 48 * HOUR),
      durationMinutes: 60,
      kind: 'PLAN_REVIEW',
    });
    store.cancel(cancelled.id);
    expect(store.forReferral(referralId).map((a) => a.id)).toEqual([
      sooner.id,
      cancelled.id,
      later.id,
    ]);
    expect(store.upcomingForPerson(personId).map((a) => a.id)).toEqual([sooner.id, later.id]);
    // Half an hour into the first one it is still upcoming; after its end it is not.
    now = new Date(sooner.at.getTime() + 30 * 60_000);
    expect(store.upcomingForPerson(personId).map((a) => a.id)).toEqual([sooner.id, later.id]);
    now = new Date(sooner.at.getTime() + 61 * 60_000);
    expect(store.upcomingForPerson(personId).map((a) => a.id)).toEqual([later.id]);
  });

  test('overlaps are found among booked appointments of the same person only', () => {
    const store = new AppointmentStore([], () => NOW);
    const personId = randomUUID();
    const at = new Date(NOW.getTime() + 24 * HOUR);
    const a = store.book({
      referralId: null,
      personId,
      jobCentreId: 'jobbtorg-sydvast',
      at,
      durationMinutes: 60,
      kind: 'FOLLOW_UP',
      bookedBy: null,
    });
    expect(store.overlapping(personId, new Date(at.getTime() + 59 * 60_000), 30)?.id).toBe(a.id);
    expect(store.overlapping(personId, new Date(at.getTime() - 30 * 60_000), 31)?.id).toBe(a.id);
    expect(store.overlapping(personId, new Date(at.getTime() + 60 * 60_000), 30)).toBeUndefined();
    expect(store.overlapping(personId, new Date(at.getTime() - 30 * 60_000), 30)).toBeUndefined();
    expect(store.overlapping(randomUUID(), at, 60)).toBeUndefined();
    store.cancel(a.id);
    expect(store.overlapping(personId, at, 60)).toBeUndefined();
  });

  test('cancelling twice keeps the first cancellation; a job centre’s window is [from, to)', () => {
    let now = NOW;
    const store = new AppointmentStore([], () => now);
    const at = new Date(NOW.getTime() + 24 * HOUR);
    const a = store.book({
      referralId: null,
      personId: randomUUID(),
      jobCentreId: 'jobbtorg-jarva',
      at,
      durationMinutes: 60,
      kind: 'FOLLOW_UP',
      bookedBy: null,
    });
    expect(
      store.forJobCentre('jobbtorg-jarva', { from: at, to: new Date(at.getTime() + 1) }),
    ).toEqual([a]);
    expect(store.forJobCentre('jobbtorg-jarva', { to: at })).toEqual([]);
    expect(store.forJobCentre('jobbtorg-sydvast')).toEqual([]);
    store.cancel(a.id);
    const first = a.cancelledAt;
    now = new Date(NOW.getTime() + HOUR);
    store.cancel(a.id);
    expect(a.cancelledAt).toEqual(first);
    expect(store.forJobCentre('jobbtorg-jarva')).toEqual([]);
    expect(store.forJobCentre('jobbtorg-jarva', { includeCancelled: true })).toEqual([a]);
  });
});

describe('the demo appointments', () => {
  const options = { persons: 60, today: '2026-12-02' };

  test('the same options give the same appointments, ids included', () => {
    const a = demoAppointments(options);
    expect(a.length).toBeGreaterThan(0);
    expect(demoAppointments(options)).toEqual(a);
    expect(demoAppointments({ ...options, seed: 7 })).not.toEqual(a);
  });

  test('fall on weekdays between 09:00 and 16:00 Stockholm time in the four weeks after today', () => {
    const first = Date.parse('2026-12-03T00:00:00+01:00');
    const last = Date.parse('2027-01-01T00:00:00+01:00');
    for (const a of demoAppointments(options)) {
      expect(a.at.getTime()).toBeGreaterThanOrEqual(first);
      expect(a.at.getTime()).toBeLessThan(last);
      // December: Stockholm is UTC+1.
      const local = new Date(a.at.getTime() + HOUR);
      expect([1, 2, 3, 4, 5]).toContain(local.getUTCDay());
      expect(local.getUTCHours() * 60 + local.getUTCMinutes()).toBeGreaterThanOrEqual(9 * 60);
      expect(local.getUTCHours() * 60 + local.getUTCMinutes()).toBeLessThanOrEqual(15 * 60 + 30);
      expect(a).toMatchObject({ status: 'BOOKED', referralId: null, bookedBy: null });
      expect(['FOLLOW_UP', 'PLAN_REVIEW']).toContain(a.kind);
      expect(a.jobCentreId).toMatch(/^jobbtorg-/);
    }
  });
});

describe('the gateway credential', () => {
  test('only the configured secret, compared whole', () => {
    const isGateway = gatewayCredential('the-gateway-secret-0123456789-0123456789');
    expect(isGateway('the-gateway-secret-0123456789-0123456789')).toBe(true);
    expect(isGateway(['the-gateway-secret-0123456789-0123456789'])).toBe(true);
    expect(isGateway('the-gateway-secret-0123456789-012345678')).toBe(false);
    expect(isGateway('')).toBe(false);
    expect(isGateway(undefined)).toBe(false);
  });

  test('without a configured secret nobody is the gateway', () => {
    expect(gatewayCredential(undefined)('')).toBe(false);
    expect(gatewayCredential(undefined)('anything')).toBe(false);
    expect(gatewayCredential('')('')).toBe(false);
  });
});

describe('the subgraph schema', () => {
  let schema: GraphQLSchema;
  let store: AppointmentStore;
  const referralId = randomUUID();
  const personId = randomUUID();
  let sydvast: Appointment;

  beforeAll(() => {
    store = new AppointmentStore([], () => NOW);
    schema = buildAppointmentsSchema(store);
    sydvast = store.book({
      referralId,
      personId,
      jobCentreId: 'jobbtorg-sydvast',
      at: new Date(NOW.getTime() + 24 * HOUR),
      durationMinutes: 60,
      kind: 'FIRST_VISIT',
      bookedBy: 'c',
    });
    store.book({
      referralId,
      personId,
      jobCentreId: 'jobbtorg-jarva',
      at: new Date(NOW.getTime() + 48 * HOUR),
      durationMinutes: 60,
      kind: 'FOLLOW_UP',
      bookedBy: 'c',
    });
  });

  const run = (
    source: string,
    viewer: Viewer | null,
    fromGateway: boolean,
    variableValues?: Record<string, unknown>,
  ) =>
    graphql({
      schema,
      source,
      variableValues,
      contextValue: { fromGateway, viewer: () => Promise.resolve(viewer) },
    });

  /** `_entities` for one representation of `typename` (its key plus `extra`), selecting `field`. */
  const entities = (
    typename: 'Referral' | 'Person',
    field: string,
    viewer: Viewer | null,
    fromGateway: boolean,
    extra: Record<string, unknown> = {},
  ) =>
    run(
      `query ($r: [_Any!]!) {
         _entities(representations: $r) { ... on ${typename} { id ${field} { id jobCentre { id } } } }
       }`,
      viewer,
      fromGateway,
      {
        r: [
          { __typename: typename, id: typename === 'Referral' ? referralId : personId, ...extra },
        ],
      },
    );

  test('_service and _entities refuse a caller without the gateway credential, aliased or not', async () => {
    for (const source of [
      '{ _service { sdl } }',
      '{ s: _service { sdl } }',
      '{ _entities(representations: [{ __typename: "Person", id: "x" }]) { __typename } }',
      '{ ...F } fragment F on Query { e: _entities(representations: []) { __typename } }',
    ]) {
      const res = await run(source, coach('jobbtorg-sydvast'), false);
      expect(res.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
  });

  test('the gateway gets the SDL and the entities, with the viewer’s own job centre only', async () => {
    const sdl = await run('{ _service { sdl } }', null, true);
    expect((sdl.data?._service as { sdl: string }).sdl).toContain('upcomingAppointments');

    const res = await entities('Referral', 'appointments', coach('jobbtorg-sydvast'), true);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      _entities: [
        {
          id: referralId,
          appointments: [{ id: sydvast.id, jobCentre: { id: 'jobbtorg-sydvast' } }],
        },
      ],
    });
    const jarva = await entities('Person', 'upcomingAppointments', coach('jobbtorg-jarva'), true);
    expect(
      (jarva.data?._entities as { upcomingAppointments: { jobCentre: { id: string } }[] }[])[0]
        .upcomingAppointments,
    ).toEqual([{ id: expect.any(String), jobCentre: { id: 'jobbtorg-jarva' } }]);
  });

  test('only the key of a representation is read: anything else in it is ignored', async () => {
    const forged = {
      appointments: [{ id: 'forged', jobCentre: { id: 'jobbtorg-sydvast' } }],
      jobCentreId: 'jobbtorg-sydvast',
      role: 'JOB_CENTRE_COACH',
    };
    const asCaseworker = await entities('Referral', 'appointments', caseworker, true, forged);
    expect(asCaseworker.errors).toBeUndefined();
    expect(asCaseworker.data).toEqual({ _entities: [{ id: referralId, appointments: [] }] });
    const asJarva = await entities(
      'Referral',
      'appointments',
      coach('jobbtorg-jarva'),
      true,
      forged,
    );
    expect(
      (asJarva.data?._entities as { appointments: { jobCentre: { id: string } }[] }[])[0]
        .appointments,
    ).toEqual([{ id: expect.any(String), jobCentre: { id: 'jobbtorg-jarva' } }]);
  });

  test('a user without a token reaching an entity field is UNAUTHENTICATED', async () => {
    const res = await entities('Person', 'upcomingAppointments', null, true);
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});
