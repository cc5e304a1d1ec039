/**
 * The supergraph through a real gateway: a real hub (with FEDERATION_GATEWAY_SECRET), the
 * appointment booking subgraph and Hive Gateway, each on 127.0.0.1 port 0, composed from the
 * committed supergraph.graphql. Queries and mutations cross both subgraphs over HTTP; a
 * subscription goes client → gateway → hub over graphql-ws with each user's own token.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import type { Client } from 'graphql-ws';
import { startAppointmentsSubgraph, type AppointmentsSubgraph } from '../../src/appointments';
import { loadConfig } from '../../src/config';
import { Kind, parse } from 'graphql';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import { GATEWAY_PLAYGROUND_EXAMPLES } from '../../src/gateway/playground';
import {
  EVENT_FIELDS,
  gqlAt,
  openEventSubscriptions,
  RecordedSubscription,
  ReferralDriver,
  sleep,
  waitForOpenSubscriptions,
  waitUntil,
  wsClient,
  type GraphQLBody,
} from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, TEST_SECRET, type TestHub } from '../helpers/test-hub';

const SECRET = 'gateway-secret-for-the-gateway-tests-0123456789';

interface Tokens {
  skarholmen: string;
  sydvast: string;
  jarva: string;
}

/** The caseload selection the hub answers by itself (no appointment fields). */
const HUB_CASELOAD = `
  referrals(first: 20) {
    totalCount
    edges { node { id status firstAppointmentAt toJobCentre { id name } person { id givenName familyName } } }
  }`;

interface CaseloadNode {
  id: string;
  status: string;
  person: { id: string; upcomingAppointments?: { id: string }[] } | null;
  appointments?: {
    id: string;
    kind: string;
    at: string;
    status: string;
    jobCentre: { name: string };
  }[];
}

interface Caseload {
  referrals: { totalCount: number; edges: { node: CaseloadNode }[] };
}

describe('the supergraph through Hive Gateway', () => {
  let t: TestHub;
  let appointments: AppointmentsSubgraph;
  let gateway: Gateway;
  /** The gateway's base URL (without /graphql), as the event helpers take it. */
  let gw: string;
  let tk: Tokens;
  let driver: ReferralDriver;
  let personId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestHub({ FEDERATION_GATEWAY_SECRET: SECRET, EVENT_POLL_INTERVAL_MS: '200' });
    appointments = await startAppointmentsSubgraph({
      port: 0,
      auth: loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_SECRET }).auth,
      gatewaySecret: SECRET,
    });
    gateway = await startGateway({
      hubUrl: `${t.url}/graphql`,
      appointmentsUrl: appointments.url,
      gatewaySecret: SECRET,
      port: 0,
      logLevel: 'silent',
    });
    gw = gateway.url.replace(/\/graphql$/, '');
    tk = {
      skarholmen: await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' }),
      sydvast: await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' }),
      jarva: await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' }),
    };
    [{ id: personId }] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
    // The referral workflow driven through the gateway, not the hub.
    driver = new ReferralDriver(gw, tk.skarholmen, tk.sydvast);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });

  afterAll(async () => {
    await gateway?.stop();
    await appointments?.stop();
    await t?.stop();
  });

  test('it serves the URL it was started on, and its playground from installed packages only', async () => {
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    // The offline IDE opened on the cross-subgraph example; nothing from a CDN.
    expect(html).toContain('CoachCaseloadWithAppointments');
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./i);
    const assets = [...html.matchAll(/(?:src|href)="(\/playground\/static\/[^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await fetch(`${gw}${asset}`)).status).toBe(200);
  });

  test('the playground’s examples are valid operations of the supergraph, and the caseload runs', async () => {
    const document = parse(GATEWAY_PLAYGROUND_EXAMPLES);
    const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    expect(operations.map((o) => o.name?.value)).toEqual([
      'CoachCaseloadWithAppointments',
      'ReferralEventsWithAppointments',
    ]);
    const referral = await driver.create(personId);
    await driver.accept(referral);
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tk.sydvast}` },
      body: JSON.stringify({
        query: GATEWAY_PLAYGROUND_EXAMPLES,
        operationName: 'CoachCaseloadWithAppointments',
      }),
    });
    const body = (await res.json()) as GraphQLBody<Caseload>;
    expect(body.errors).toBeUndefined();
    const ids = body.data!.referrals.edges.map((e) => e.node.id);
    expect(ids).toContain(referral.id);
    // Each referral carries its appointments from the booking subgraph (a list, maybe empty)
    // and its person from the hub.
    for (const { node } of body.data!.referrals.edges) {
      expect(Array.isArray(node.appointments)).toBe(true);
      expect(Array.isArray(node.person?.upcomingAppointments)).toBe(true);
    }
  });

  test('a coach’s caseload crosses both subgraphs: referrals from the hub, their appointments from the booking subgraph', async () => {
    const referral = await driver.create(personId);
    const at = new Date(Date.now() + 3 * 24 * 3600_000);
    at.setUTCHours(9, 0, 0, 0);
    // Booked through the gateway; the answer reaches back into the hub for the referral.
    const booked = await gqlAt<{
      bookAppointment: { id: string; kind: string; referral: { id: string; status: string } };
    }>(
      gw,
      `mutation ($input: BookAppointmentInput!) {
         bookAppointment(input: $input) { id kind referral { id status } }
       }`,
      {
        input: {
          referralId: referral.id,
          personId,
          at: at.toISOString(),
          jobCentreId: 'jobbtorg-sydvast',
          kind: 'FIRST_VISIT',
        },
      },
      tk.sydvast,
    );
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.bookAppointment).toMatchObject({
      kind: 'FIRST_VISIT',
      referral: { id: referral.id, status: 'SENT' },
    });
    const appointmentId = booked.data!.bookAppointment.id;

    const caseload = await gqlAt<Caseload>(
      gw,
      `{ referrals(first: 20) {
           totalCount
           edges { node {
             id status firstAppointmentAt toJobCentre { id name } person { id givenName familyName upcomingAppointments { id } }
             appointments { id kind at status jobCentre { name } }
           } }
         } }`,
      {},
      tk.sydvast,
    );
    expect(caseload.errors).toBeUndefined();
    const node = caseload.data!.referrals.edges.find((e) => e.node.id === referral.id)!.node;
    expect(node.appointments).toEqual([
      {
        id: appointmentId,
        kind: 'FIRST_VISIT',
        at: at.toISOString(),
        status: 'BOOKED',
        jobCentre: { name: 'Jobbtorg Sydväst' },
      },
    ]);
    expect(node.person?.upcomingAppointments).toEqual([{ id: appointmentId }]);

    // The hub's part of the answer is exactly what the hub answers by itself.
    const direct = await gqlAt<Caseload>(t.url, `{ ${HUB_CASELOAD} }`, {}, tk.sydvast);
    const viaGateway = await gqlAt<Caseload>(gw, `{ ${HUB_CASELOAD} }`, {}, tk.sydvast);
    expect(direct.errors).toBeUndefined();
    expect(viaGateway).toEqual(direct);

    // The district that sent it sees the referral, but no appointments: those are the job
    // centre's. Another job centre's coach does not see the referral at all (the hub's rule).
    const district = await gqlAt<Caseload>(
      gw,
      `{ referrals(first: 20) { totalCount edges { node { id status person { id } appointments { id } } } } }`,
      {},
      tk.skarholmen,
    );
    expect(district.errors).toBeUndefined();
    expect(district.data!.referrals.edges.find((e) => e.node.id === referral.id)?.node).toEqual({
      id: referral.id,
      status: 'SENT',
      person: { id: personId },
      appointments: [],
    });
    const jarva = await gqlAt<Caseload>(
      gw,
      `{ referrals(first: 20) { totalCount edges { node { id appointments { id } } } } appointments { id } }`,
      {},
      tk.jarva,
    );
    expect(jarva.errors).toBeUndefined();
    expect(jarva.data).toEqual({ referrals: { totalCount: 0, edges: [] }, appointments: [] });
  });

  test('the user’s token travels to both subgraphs: without one, each refuses', async () => {
    const res: GraphQLBody<unknown> = await gqlAt(gw, `{ referrals(first: 1) { totalCount } }`);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const own: GraphQLBody<unknown> = await gqlAt(gw, `{ appointments { id } }`);
    expect(own.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // The public part of the hub still answers.
    const pub = await gqlAt<{ organisation: { name: string } }>(
      gw,
      `{ organisation(id: "jobbtorg-sydvast") { name } }`,
    );
    expect(pub).toEqual({ data: { organisation: { name: 'Jobbtorg Sydväst' } } });
  });

  test('a subscription through the gateway receives the referral event, with each user’s own rights', async () => {
    const baseline = await openEventSubscriptions(t.url);
    const sockets = await hubWebSockets();
    const query = `subscription { referralEvents { ${EVENT_FIELDS} } }`;
    const sydvast = new RecordedSubscription(
      track(wsClient(gw, tk.sydvast)),
      'sydvast via gateway',
      query,
      {},
      'referralEvents',
    );
    const jarva = new RecordedSubscription(
      track(wsClient(gw, tk.jarva)),
      'jarva via gateway',
      query,
      {},
      'referralEvents',
    );
    // Both are open at the hub: the gateway passed each subscription through, each user on an
    // upstream connection of their own (their token is in its connection_init).
    await waitForOpenSubscriptions(t.url, baseline + 2, 10_000);
    expect(await hubWebSockets()).toBe(sockets + 2);

    const referral = await driver.create(personId);
    await sydvast.waitForCount(1, 10_000);
    expect(sydvast.errors).toBeNull();
    expect(sydvast.items).toEqual([
      {
        id: expect.any(String),
        cursor: expect.any(String),
        type: 'REFERRAL_SENT',
        occurredAt: expect.any(String),
        referralId: referral.id,
        districtId: 'skarholmen',
        jobCentreId: 'jobbtorg-sydvast',
        referral: { id: referral.id, status: 'SENT', version: referral.version },
      },
    ]);
    // Järva's coach is not party to the referral: the hub, seeing Järva's own token on that
    // upstream connection, sends it nothing.
    await sleep(600);
    expect(jarva.items).toEqual([]);
    expect(jarva.errors).toBeNull();

    sydvast.stop();
    jarva.stop();
    await waitForOpenSubscriptions(t.url, baseline, 10_000);
    // A user's upstream socket closes with their last subscription.
    await waitUntil(
      async () => (await hubWebSockets()) === sockets,
      () => 'the gateway kept its upstream sockets open',
    );
  });

  test('a subscription event’s referral can carry its appointments from the booking subgraph', async () => {
    const baseline = await openEventSubscriptions(t.url);
    const sub = new RecordedSubscription<{
      referralId: string;
      referral: { id: string; appointments: { id: string }[] } | null;
    }>(
      track(wsClient(gw, tk.sydvast)),
      'with appointments',
      'subscription { referralEvents { referralId referral { id appointments { id } } } }',
      {},
      'referralEvents',
    );
    await waitForOpenSubscriptions(t.url, baseline + 1, 10_000);
    const referral = await driver.create(personId);
    await sub.waitForCount(1, 10_000);
    expect(sub.errors).toBeNull();
    expect(sub.items).toEqual([
      { referralId: referral.id, referral: { id: referral.id, appointments: [] } },
    ]);
  });

  test('a subscription without a token is refused by the hub, through the gateway', async () => {
    const sub = new RecordedSubscription(
      track(wsClient(gw)),
      'anonymous',
      `subscription { referralEvents { id } }`,
      {},
      'referralEvents',
    );
    await sub.waitForEnd(10_000);
    expect(sub.items).toEqual([]);
    expect(sub.errors?.map((e) => [e.extensions?.code, e.extensions?.serviceName])).toEqual([
      ['UNAUTHENTICATED', 'hub'],
    ]);
  });

  test('a gateway with the wrong secret gets no entities from either subgraph', async () => {
    const referral = await driver.create(personId);
    appointments.store.book({
      referralId: referral.id,
      personId,
      jobCentreId: 'jobbtorg-sydvast',
      at: new Date(Date.now() + 5 * 24 * 3600_000),
      durationMinutes: 30,
      kind: 'FOLLOW_UP',
      bookedBy: null,
    });
    const wrong = await startGateway({
      hubUrl: `${t.url}/graphql`,
      appointmentsUrl: appointments.url,
      gatewaySecret: 'not-the-secret-the-subgraphs-were-given-0123456789',
      port: 0,
      logLevel: 'silent',
    });
    try {
      const base = wrong.url.replace(/\/graphql$/, '');
      // The hub's root field answers (it is no federation entry point), but the step into the
      // booking subgraph for each referral's appointments goes through its _entities: refused.
      const fromHub = await gqlAt<Caseload>(
        base,
        `{ referrals(first: 20) { edges { node { id appointments { id } } } } }`,
        {},
        tk.sydvast,
      );
      expect(fromHub.errors).toEqual([
        expect.objectContaining({
          message: '_entities answers only the federation gateway',
          extensions: { code: 'FORBIDDEN', serviceName: 'appointments' },
        }),
      ]);
      // And the other way: the booking subgraph's own root field answers, the persons would
      // come from the hub's _entities, which refuses this gateway.
      const fromBooking = await gqlAt<{ appointments: { person: unknown }[] }>(
        base,
        `{ appointments { id person { id givenName } } }`,
        {},
        tk.sydvast,
      );
      expect(
        fromBooking.errors?.map((e) => [e.extensions?.code, e.extensions?.serviceName]),
      ).toEqual(fromBooking.data!.appointments.map(() => ['FORBIDDEN', 'hub']));
      expect(fromBooking.data!.appointments.length).toBeGreaterThan(0);
      for (const a of fromBooking.data!.appointments)
        expect(a.person).toEqual({ id: expect.any(String), givenName: null });
    } finally {
      await wrong.stop();
    }
  });

  /** graphql-ws connections open at the hub, from its /metrics. */
  async function hubWebSockets(): Promise<number> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return Number(/^hub_graphql_ws_connections (\d+)/m.exec(text)?.[1] ?? NaN);
  }

  function track(c: Client): Client {
    clients.push(c);
    return c;
  }
});
