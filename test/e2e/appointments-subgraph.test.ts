/**
 * The appointment booking subgraph on its own, a real server on 127.0.0.1 port 0 with real
 * HTTP: the gateway credential in front of `_service` and `_entities`, the user's token,
 * and booking and cancelling under the job-centre rule.
 */
import { randomUUID } from 'node:crypto';
import { makeToken } from '../../src/auth/dev-token';
import { loadConfig } from '../../src/config';
import { startAppointmentsSubgraph, type AppointmentsSubgraph } from '../../src/appointments';

const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const GATEWAY_SECRET = 'gateway-secret-for-the-appointment-tests-0123456789';

interface Body<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

describe('the appointment booking subgraph', () => {
  let sub: AppointmentsSubgraph;
  let sydvast: string;
  let jarva: string;
  let caseworker: string;

  async function gql<T = Record<string, unknown>>(
    query: string,
    options: { variables?: Record<string, unknown>; token?: string; gateway?: string } = {},
  ): Promise<{ status: number; body: Body<T> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.gateway !== undefined) headers['x-gateway-secret'] = options.gateway;
    const res = await fetch(sub.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables: options.variables }),
    });
    return { status: res.status, body: (await res.json()) as Body<T> };
  }

  const codes = (body: Body<unknown>) => body.errors?.map((e) => e.extensions?.code);

  const BOOK = `mutation ($input: BookAppointmentInput!) {
    bookAppointment(input: $input) { id kind status at durationMinutes jobCentre { id } person { id } referral { id } }
  }`;
  const inTwoDays = () => new Date(Date.now() + 2 * 24 * 3600_000).toISOString();

  beforeAll(async () => {
    sub = await startAppointmentsSubgraph({
      port: 0,
      auth: loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: JWT_SECRET }).auth,
      gatewaySecret: GATEWAY_SECRET,
    });
    sydvast = await makeToken(JWT_SECRET, { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    jarva = await makeToken(JWT_SECRET, { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' });
    caseworker = await makeToken(JWT_SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  });

  afterAll(async () => {
    await sub?.stop();
  });

  test('listens on loopback and answers /healthz', async () => {
    expect(sub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const res = await fetch(sub.url.replace(/\/graphql$/, '/healthz'));
    expect(res.status).toBe(200);
  });

  test('_service and _entities answer only with the gateway secret', async () => {
    const entities = `{ _entities(representations: [{ __typename: "Person", id: "${randomUUID()}" }]) {
      ... on Person { upcomingAppointments { id } } } }`;
    for (const gateway of [undefined, '', 'wrong-secret', GATEWAY_SECRET.slice(0, -1)]) {
      const service = await gql('{ _service { sdl } }', { gateway });
      expect(codes(service.body)).toEqual(['FORBIDDEN']);
      expect(service.body.data).toBeNull();
      const refs = await gql(entities, { gateway, token: sydvast });
      expect(codes(refs.body)).toEqual(['FORBIDDEN']);
    }
    const service = await gql<{ _service: { sdl: string } }>('{ _service { sdl } }', {
      gateway: GATEWAY_SECRET,
    });
    expect(service.body.data?._service.sdl).toMatch(/type Referral\s+@key\(fields: "id"\)/);
    const refs = await gql(entities, { gateway: GATEWAY_SECRET, token: sydvast });
    expect(refs.body).toEqual({ data: { _entities: [{ upcomingAppointments: [] }] } });
  });

  test('a subgraph started without a secret answers _service to nobody', async () => {
    const off = await startAppointmentsSubgraph({
      port: 0,
      auth: loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: JWT_SECRET }).auth,
      gatewaySecret: undefined,
    });
    try {
      for (const secret of [undefined, '', GATEWAY_SECRET]) {
        const res = await fetch(off.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(secret === undefined ? {} : { 'x-gateway-secret': secret }),
          },
          body: JSON.stringify({ query: '{ _service { sdl } }' }),
        });
        expect(codes((await res.json()) as Body<unknown>)).toEqual(['FORBIDDEN']);
      }
    } finally {
      await off.stop();
    }
  });

  test('no token or a bad one: UNAUTHENTICATED', async () => {
    expect(codes((await gql('{ appointments { id } }')).body)).toEqual(['UNAUTHENTICATED']);
    const bad = await gql('{ appointments { id } }', { token: `${sydvast}x` });
    expect(codes(bad.body)).toEqual(['UNAUTHENTICATED']);
  });

  test('a coach books and cancels at their own job centre; others cannot see or touch it', async () => {
    const referralId = randomUUID();
    const personId = randomUUID();
    const input = {
      referralId,
      personId,
      at: inTwoDays(),
      jobCentreId: 'jobbtorg-sydvast',
      kind: 'FIRST_VISIT',
    };
    const booked = await gql<{ bookAppointment: { id: string } }>(BOOK, {
      variables: { input },
      token: sydvast,
    });
    expect(booked.body.errors).toBeUndefined();
    expect(booked.body.data?.bookAppointment).toEqual({
      id: expect.any(String),
      kind: 'FIRST_VISIT',
      status: 'BOOKED',
      at: input.at,
      durationMinutes: 60,
      jobCentre: { id: 'jobbtorg-sydvast' },
      person: { id: personId },
      referral: { id: referralId },
    });
    const id = booked.body.data!.bookAppointment.id;

    // The same person at an overlapping time: CONFLICT.
    const clash = await gql(BOOK, {
      variables: { input: { ...input, kind: 'FOLLOW_UP', referralId: randomUUID() } },
      token: sydvast,
    });
    expect(codes(clash.body)).toEqual(['CONFLICT']);
    // At another job centre, or by a caseworker: FORBIDDEN.
    expect(codes((await gql(BOOK, { variables: { input }, token: jarva })).body)).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes((await gql(BOOK, { variables: { input }, token: caseworker })).body)).toEqual([
      'FORBIDDEN',
    ]);

    // Only Sydväst sees it.
    const one = `query ($id: ID!) { appointment(id: $id) { id status } }`;
    expect((await gql(one, { variables: { id }, token: sydvast })).body.data).toEqual({
      appointment: { id, status: 'BOOKED' },
    });
    expect((await gql(one, { variables: { id }, token: jarva })).body.data).toEqual({
      appointment: null,
    });
    const list = '{ appointments { id } }';
    expect(
      (await gql<{ appointments: unknown[] }>(list, { token: sydvast })).body.data?.appointments,
    ).toContainEqual({ id });
    expect((await gql(list, { token: jarva })).body.data).toEqual({ appointments: [] });
    expect(codes((await gql(list, { token: caseworker })).body)).toEqual(['FORBIDDEN']);

    // Another job centre's cancellation is NOT_FOUND: it may not learn that the id exists.
    const cancel = `mutation ($id: ID!) { cancelAppointment(id: $id) { id status cancelledAt } }`;
    expect(codes((await gql(cancel, { variables: { id }, token: jarva })).body)).toEqual([
      'NOT_FOUND',
    ]);
    const cancelled = await gql<{ cancelAppointment: { status: string; cancelledAt: string } }>(
      cancel,
      { variables: { id }, token: sydvast },
    );
    expect(cancelled.body.data?.cancelAppointment).toMatchObject({ id, status: 'CANCELLED' });
    const again = await gql<{ cancelAppointment: { cancelledAt: string } }>(cancel, {
      variables: { id },
      token: sydvast,
    });
    expect(again.body.data?.cancelAppointment.cancelledAt).toBe(
      cancelled.body.data?.cancelAppointment.cancelledAt,
    );
    // Cancelled, the slot is free again.
    const rebooked = await gql(BOOK, { variables: { input }, token: sydvast });
    expect(rebooked.body.errors).toBeUndefined();
  });

  test('input that fails the checks names the field', async () => {
    const input = {
      referralId: randomUUID(),
      personId: randomUUID(),
      at: new Date(Date.now() - 60_000).toISOString(),
      jobCentreId: 'jobbtorg-sydvast',
      kind: 'FOLLOW_UP',
    };
    const past = await gql(BOOK, { variables: { input }, token: sydvast });
    expect(past.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'at' });
    const badId = await gql(BOOK, {
      variables: { input: { ...input, at: inTwoDays(), personId: '12' } },
      token: sydvast,
    });
    expect(badId.body.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'personId',
    });
  });

  test('a body that is not JSON gets a JSON answer', async () => {
    const res = await fetch(sub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });
});
