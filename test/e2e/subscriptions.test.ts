/**
 * The event subscriptions end to end: a real hub, real graphql-ws clients (and one raw
 * graphql-transport-ws socket that stops reading), referrals written through the mutations.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  allEvents,
  gqlAt,
  openEventSubscriptions,
  ReferralDriver,
  sleep,
  subscribeEvents,
  subscribeReturned,
  waitForOpenSubscriptions,
  waitUntil,
  wsClient,
  wsUrl,
  type FormattedError,
  type ReferralRef,
} from '../helpers/event-subscribers';
import { appendEvents } from '../../src/events/outbox';
import { fullSkarholmenPerson, insertPersons, type PersonSpec } from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A resident with an active assistance case in `district` (who that district may refer). */
function residentOf(district: string): PersonSpec {
  return { homeDistrictId: district, cases: [{ districtId: district, active: true }] };
}

interface Tokens {
  skarholmen: string;
  sydvast: string;
  jarva: string;
  bromma: string;
  rinkeby: string;
  analyst: string;
  partner: string;
}

async function tokensFor(t: TestHub): Promise<Tokens> {
  return {
    skarholmen: await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' }),
    sydvast: await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' }),
    jarva: await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' }),
    bromma: await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' }),
    rinkeby: await t.token({ role: 'DISTRICT_CASEWORKER', org: 'rinkeby-kista' }),
    analyst: await t.token({ role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' }),
    partner: await t.token({ role: 'PARTNER_SYSTEM', org: 'statistiktjansten' }),
  };
}

describe('event subscriptions (default buffer)', () => {
  let t: TestHub;
  let tk: Tokens;
  let skarholmen: ReferralDriver;
  let rinkeby: ReferralDriver;
  let bromma: ReferralDriver;
  let personId: string;
  let rinkebyPersonId: string;
  let brommaPersonId: string;
  const clients: Client[] = [];
  let baseline = 0;

  /** Waits until `n` subscriptions of this test are registered with the dispatcher. */
  const opened = (n: number) => waitForOpenSubscriptions(t.url, baseline + n);

  /** Events about referrals that do not exist (the log has no foreign keys), written fast. */
  function appendDirectly(n: number): Promise<unknown> {
    return t.hub.dataSource.transaction((m) =>
      appendEvents(
        m,
        Array.from({ length: n }, () => ({
          type: 'REFERRAL_SENT' as const,
          referralId: randomUUID(),
          personId: randomUUID(),
          districtId: 'skarholmen',
          jobCentreId: 'jobbtorg-sydvast',
          actor: null,
        })),
      ),
    );
  }

  function client(token?: string): Client {
    const c = wsClient(t.url, token);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    t = await startTestHub({ EVENT_POLL_INTERVAL_MS: '200' });
    tk = await tokensFor(t);
    const [p, r, b] = await insertPersons(t.hub.dataSource, [
      fullSkarholmenPerson(),
      residentOf('rinkeby-kista'),
      residentOf('bromma'),
    ]);
    personId = p.id;
    rinkebyPersonId = r.id;
    brommaPersonId = b.id;
    skarholmen = new ReferralDriver(t.url, tk.skarholmen, tk.sydvast);
    rinkeby = new ReferralDriver(t.url, tk.rinkeby, tk.jarva);
    bromma = new ReferralDriver(
      t.url,
      tk.bromma,
      await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-vasterort' }),
    );
  });

  beforeEach(async () => {
    baseline = await openEventSubscriptions(t.url);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
    // Every subscription of a closed client is unregistered from the dispatcher.
    await opened(0);
  });

  afterAll(async () => {
    await t?.stop();
  });

  test('a coach receives REFERRAL_SENT live when the district refers to their job centre', async () => {
    const sub = subscribeEvents(client(tk.sydvast), 'coach');
    await opened(1);

    const r = await skarholmen.create(personId);
    await sub.waitForCount(1);

    const [logged] = (await allEvents(t.url, tk.sydvast)).slice(-1);
    expect(sub.items).toEqual([
      {
        id: logged.node.id,
        cursor: logged.cursor,
        type: 'REFERRAL_SENT',
        occurredAt: expect.any(String),
        referralId: r.id,
        districtId: 'skarholmen',
        jobCentreId: 'jobbtorg-sydvast',
        referral: { id: r.id, status: 'SENT', version: r.version },
      },
    ]);
    expect(sub.items[0].id).toMatch(UUID);
    expect(Date.now() - Date.parse(sub.items[0].occurredAt)).toBeLessThan(60_000);
    expect(sub.ended).toBe(false);
  });

  test('`referral` is resolved afresh for every event, not from a per-subscription cache', async () => {
    const sub = subscribeEvents(client(tk.sydvast), 'coach');
    await opened(1);

    const sent = await skarholmen.create(personId);
    await sub.waitForCount(1);
    const accepted = await skarholmen.accept(sent);
    await sub.waitForCount(2);
    const enrolled = await skarholmen.registerFirstVisit(accepted);
    await sub.waitForCount(3);

    expect(sub.items.map((e) => [e.type, e.referral])).toEqual([
      ['REFERRAL_SENT', { id: sent.id, status: 'SENT', version: sent.version }],
      ['REFERRAL_ACCEPTED', { id: sent.id, status: 'ACCEPTED', version: accepted.version }],
      ['FIRST_VISIT_REGISTERED', { id: sent.id, status: 'ENROLLED', version: enrolled.version }],
    ]);
  });

  test('resume: `after` replays exactly the events after the cursor, while writes continue, then goes live', async () => {
    const before = (await allEvents(t.url, tk.sydvast)).length;
    // Events written before subscribing: through the mutations, and a bulk appended to the
    // log directly so that the catch-up spans more than one replay page.
    const written: ReferralRef[] = [];
    for (let i = 0; i < 12; i++) written.push(await skarholmen.create(personId));
    for (const r of written.slice(0, 6)) await skarholmen.accept(r);
    for (let i = 0; i < 5; i++) await appendDirectly(50);
    const log = await allEvents(t.url, tk.sydvast);
    expect(log).toHaveLength(before + 18 + 250);
    const resumeFrom = log[before + 2];

    // Writers keep going while the subscription catches up: three through the mutations
    // (started before subscribing), and one appending single events as fast as it can from
    // the moment the subscription is registered.
    let started!: () => void;
    const writersStarted = new Promise<void>((resolve) => (started = resolve));
    let writes = 0;
    const writer = async () => {
      for (let i = 0; i < 8; i++) {
        const r = await skarholmen.create(personId);
        if (++writes >= 4) started();
        await skarholmen.accept(r);
        writes++;
      }
    };
    const fastWriter = async () => {
      for (let i = 0; i < 60; i++) {
        await appendDirectly(1);
        writes++;
      }
    };
    const writers = [writer(), writer(), writer()];
    await writersStarted;
    const sub = subscribeEvents(client(tk.sydvast), 'resumed', { after: resumeFrom.cursor });
    await opened(1);
    writers.push(fastWriter()); // from the moment the subscription is registered
    await Promise.all(writers);
    expect(writes).toBe(48 + 60);
    // The subscription was caught up while writes were still going on.
    expect(sub.items.length).toBeGreaterThan(0);

    // Then one more event, certainly live.
    await skarholmen.create(personId);
    const expected = await allEvents(t.url, tk.sydvast, { after: resumeFrom.cursor });
    expect(expected).toHaveLength(18 + 250 - 3 + 48 + 60 + 1);
    await sub.waitForCount(expected.length, 10_000);
    await sleep(300); // nothing more may follow

    expect(sub.items.map((e) => e.cursor)).toEqual(expected.map((e) => e.cursor));
    expect(sub.items.map((e) => e.id)).toEqual(expected.map((e) => e.node.id));
    expect(new Set(sub.items.map((e) => e.id)).size).toBe(sub.items.length);
    expect(sub.ended).toBe(false);

    // Resuming from any delivered cursor gives exactly the suffix (cursors strictly increase).
    const mid = sub.items[200];
    const suffix = await allEvents(t.url, tk.sydvast, { after: mid.cursor });
    expect(suffix.map((e) => e.cursor)).toEqual(sub.items.slice(201).map((e) => e.cursor));
  });

  test('filters: types, referralId; referralReturned delivers only REFERRAL_RETURNED', async () => {
    await skarholmen.create(personId); // so that the log is not empty
    const [head] = (await allEvents(t.url, tk.sydvast)).slice(-1);
    const all = subscribeEvents(client(tk.sydvast), 'unfiltered');
    const byType = subscribeEvents(client(tk.sydvast), 'types', {
      filter: { types: ['REFERRAL_ACCEPTED', 'REFERRAL_CLOSED'] },
    });
    const district = client(tk.skarholmen);
    const returnedHere = subscribeReturned(district, 'returned skarholmen', {
      districtId: 'skarholmen',
    });
    const returnedElsewhere = subscribeReturned(district, 'returned bromma', {
      districtId: 'bromma',
    });
    const returnedAny = subscribeReturned(client(tk.sydvast), 'returned, any district');

    await opened(5);
    // referralId needs the id: subscribe once r2 exists, with `after` so nothing is missed.
    const r1 = await skarholmen.create(personId);
    const r2 = await skarholmen.create(personId);
    const byReferral = subscribeEvents(client(tk.sydvast), 'referralId', {
      filter: { referralId: r2.id },
      after: head.cursor,
    });
    await opened(6);

    let a = await skarholmen.accept(r1);
    let b = await skarholmen.accept(r2);
    a = await skarholmen.registerFirstVisit(a);
    b = await skarholmen.registerFirstVisit(b);
    await skarholmen.returnReferral(a);
    await skarholmen.close(b);
    let c = await skarholmen.create(personId);
    c = await skarholmen.accept(c);
    c = await skarholmen.registerFirstVisit(c);
    c = await skarholmen.returnReferral(c);
    await skarholmen.withdraw(await skarholmen.create(personId));

    // The unfiltered subscriber was registered before r1 was created: it sees all 14.
    const log = await allEvents(t.url, tk.sydvast, { after: head.cursor });
    expect(log).toHaveLength(14);
    await all.waitForCount(14);
    expect(all.items.map((e) => e.id)).toEqual(log.map((e) => e.node.id));

    const ids = (pick: (e: { type: string; referralId: string }) => boolean) =>
      log.filter((e) => pick(e.node)).map((e) => e.node.id);
    const expectedByType = ids(
      (e) => e.type === 'REFERRAL_ACCEPTED' || e.type === 'REFERRAL_CLOSED',
    );
    const expectedByReferral = ids((e) => e.referralId === r2.id);
    const expectedReturned = ids((e) => e.type === 'REFERRAL_RETURNED');
    expect(expectedByType).toHaveLength(4);
    expect(expectedByReferral).toHaveLength(4);
    expect(expectedReturned).toHaveLength(2);

    await byType.waitForCount(expectedByType.length);
    await byReferral.waitForCount(expectedByReferral.length);
    await returnedHere.waitForCount(2);
    await returnedAny.waitForCount(2);
    await sleep(300); // nothing more may follow

    expect(byType.items.map((e) => e.id)).toEqual(expectedByType);
    expect(byReferral.items.map((e) => e.id)).toEqual(expectedByReferral);
    expect(byReferral.items.map((e) => e.type)).toEqual([
      'REFERRAL_SENT',
      'REFERRAL_ACCEPTED',
      'FIRST_VISIT_REGISTERED',
      'REFERRAL_CLOSED',
    ]);
    expect(returnedHere.items.map((e) => e.id)).toEqual(expectedReturned);
    expect(returnedHere.items.map((e) => e.referralId)).toEqual([r1.id, c.id]);
    expect(returnedHere.items.every((e) => e.type === 'REFERRAL_RETURNED')).toBe(true);
    expect(returnedAny.items.map((e) => e.id)).toEqual(expectedReturned);
    expect(returnedElsewhere.items).toEqual([]);
    for (const s of [all, byType, byReferral, returnedHere, returnedAny, returnedElsewhere])
      expect(s.ended).toBe(false);
  });

  test('party only: other job centres and districts receive nothing of skarholmen’s; partners all; analysts are refused', async () => {
    const sydvast = subscribeEvents(client(tk.sydvast), 'coach sydvast');
    const jarva = subscribeEvents(client(tk.jarva), 'coach jarva');
    const brommaSub = subscribeEvents(client(tk.bromma), 'caseworker bromma');
    const analyst = subscribeEvents(client(tk.analyst), 'analyst');
    const partner = subscribeEvents(client(tk.partner), 'partner statistiktjansten');
    // The analyst is refused before it is registered: only four subscriptions open.
    await analyst.waitForEnd();
    expect(analyst.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await opened(4);

    const r = await skarholmen.create(personId);
    await skarholmen.accept(r);
    // Sentinels, written after skarholmen's events: their arrival proves the others were passed.
    const toJarva = await rinkeby.create(rinkebyPersonId);
    const fromBromma = await bromma.create(brommaPersonId);

    await partner.waitForCount(4);
    await jarva.waitForCount(1);
    await brommaSub.waitForCount(1);
    await sydvast.waitForCount(2);
    await sleep(500); // nothing more may follow anywhere

    expect(partner.items.map((e) => [e.type, e.referralId, e.districtId, e.jobCentreId])).toEqual([
      ['REFERRAL_SENT', r.id, 'skarholmen', 'jobbtorg-sydvast'],
      ['REFERRAL_ACCEPTED', r.id, 'skarholmen', 'jobbtorg-sydvast'],
      ['REFERRAL_SENT', toJarva.id, 'rinkeby-kista', 'jobbtorg-jarva'],
      ['REFERRAL_SENT', fromBromma.id, 'bromma', 'jobbtorg-vasterort'],
    ]);
    expect(jarva.items.map((e) => e.referralId)).toEqual([toJarva.id]);
    expect(jarva.items[0].referral).toEqual({
      id: toJarva.id,
      status: 'SENT',
      version: toJarva.version,
    });
    expect(brommaSub.items.map((e) => e.referralId)).toEqual([fromBromma.id]);
    expect(sydvast.items.map((e) => e.referralId)).toEqual([r.id, r.id]);
    expect(analyst.items).toEqual([]);
    for (const s of [sydvast, jarva, brommaSub, partner]) expect(s.ended).toBe(false);

    // The same rule holds for replay: resuming from before these events changes nothing.
    const [first] = partner.items;
    const all = await allEvents(t.url, tk.partner);
    const idx = all.findIndex((e) => e.node.id === first.id);
    const replayFrom = all[idx - 1].cursor;
    const jarvaReplay = subscribeEvents(client(tk.jarva), 'jarva replay', { after: replayFrom });
    const analystReplay = subscribeEvents(client(tk.analyst), 'analyst replay', {
      after: replayFrom,
    });
    await jarvaReplay.waitForCount(1);
    await analystReplay.waitForEnd();
    await sleep(300);
    expect(jarvaReplay.items.map((e) => e.referralId)).toEqual([toJarva.id]);
    expect(analystReplay.items).toEqual([]);
    expect(analystReplay.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  test('an anonymous subscription is refused with UNAUTHENTICATED', async () => {
    const sub = subscribeEvents(client(), 'anonymous');
    await sub.waitForEnd();
    expect(sub.items).toEqual([]);
    expect(sub.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    const returned = subscribeReturned(client(), 'anonymous returned');
    await returned.waitForEnd();
    expect(returned.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    expect(await openEventSubscriptions(t.url)).toBe(baseline);
  });

  test('a bad `after` cursor on a subscription is BAD_USER_INPUT on field after', async () => {
    const sub = subscribeEvents(client(tk.sydvast), 'bad cursor', { after: 'not-a-cursor' });
    await sub.waitForEnd();
    expect(sub.items).toEqual([]);
    expect(sub.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
    ]);
  });

  test('a subscription ends with UNAUTHENTICATED when its token expires, delivering nothing after', async () => {
    const short = await t.token({
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
      ttlSeconds: 2,
    });
    const sub = subscribeEvents(client(short), 'short-lived token');
    await opened(1);
    await sleep(2100); // exp is at most 2 s away (whole seconds)
    await skarholmen.create(personId);
    await sub.waitForEnd();
    expect(sub.items).toEqual([]);
    expect(sub.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    // The ended subscription is unregistered from the dispatcher (no dead subscriber left).
    await opened(0);
  });

  describe('the events query', () => {
    const EVENTS = `query ($after: String, $first: Int) {
      events(after: $after, first: $first) {
        edges { cursor node { id type } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    interface Page {
      events: {
        edges: { cursor: string; node: { id: string; type: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }

    beforeAll(async () => {
      // Enough events for several pages, some of them another job centre's.
      await appendDirectly(25);
      await rinkeby.create(rinkebyPersonId);
    });

    test('pages with first/after return every event once, in order', async () => {
      const everything = await allEvents(t.url, tk.partner);
      expect(everything.length).toBeGreaterThan(20);
      const pages: Page['events'][] = [];
      let after: string | null = null;
      for (let i = 0; i < 100; i++) {
        const res: Awaited<ReturnType<typeof gqlAt<Page>>> = await gqlAt<Page>(
          t.url,
          EVENTS,
          { after, first: 7 },
          tk.partner,
        );
        expect(res.errors).toBeUndefined();
        pages.push(res.data!.events);
        if (!res.data!.events.pageInfo.hasNextPage) break;
        after = res.data!.events.pageInfo.endCursor;
      }
      expect(pages).toHaveLength(Math.ceil(everything.length / 7));
      for (const p of pages.slice(0, -1)) {
        expect(p.edges).toHaveLength(7);
        expect(p.pageInfo.endCursor).toBe(p.edges[6].cursor);
      }
      const paged = pages.flatMap((p) => p.edges);
      expect(paged.map((e) => e.cursor)).toEqual(everything.map((e) => e.cursor));
      expect(new Set(paged.map((e) => e.node.id)).size).toBe(paged.length);

      // After the last cursor: an empty page that keeps the cursor.
      const end = await gqlAt<Page>(t.url, EVENTS, { after: paged.at(-1)!.cursor }, tk.partner);
      expect(end.data!.events).toEqual({
        edges: [],
        pageInfo: { hasNextPage: false, endCursor: paged.at(-1)!.cursor },
      });
    });

    test('a party sees its own events; an analyst is FORBIDDEN; anonymous is UNAUTHENTICATED', async () => {
      const everything = await allEvents(t.url, tk.partner);
      const jarva = await allEvents(t.url, tk.jarva);
      expect(jarva.length).toBeGreaterThan(0);
      expect(jarva.map((e) => e.node.id)).toEqual(
        everything.filter((e) => e.node.jobCentreId === 'jobbtorg-jarva').map((e) => e.node.id),
      );
      // Analysts see aggregates only: the event log is not theirs.
      await expect(allEvents(t.url, tk.analyst)).rejects.toThrow(/FORBIDDEN/);
      const anonymous = await gqlAt(t.url, EVENTS, {});
      expect(anonymous.errors).toEqual([
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
        }),
      ]);
    });

    test.each([
      ['not-a-cursor'],
      [Buffer.from('referral:2026-01-01T00:00:00Z|x').toString('base64url')],
      [''],
    ])('bad cursor %j → BAD_USER_INPUT on field after', async (after) => {
      const res = await gqlAt(t.url, EVENTS, { after }, tk.partner);
      expect(res.data ?? null).toBeNull();
      expect(res.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
      ]);
    });

    test.each([[0], [501]])('first: %d → BAD_USER_INPUT on field first', async (first) => {
      const res = await gqlAt(t.url, EVENTS, { first }, tk.partner);
      expect(res.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'first' } }),
      ]);
    });
  });
});

/** A graphql-transport-ws client on a raw `ws` socket that the test can stop reading. */
class RawSubscriber {
  readonly messages: { id?: string; type: string; payload?: unknown }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')) as RawSubscriber['messages'][number]);
    });
  }

  static async connect(httpUrl: string, token: string): Promise<RawSubscriber> {
    const socket = new WebSocket(wsUrl(httpUrl), 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const raw = new RawSubscriber(socket);
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
    );
    await waitUntil(
      () => raw.messages.some((m) => m.type === 'connection_ack'),
      () => `no connection_ack: ${JSON.stringify(raw.messages)}`,
    );
    return raw;
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  of(id: string, type: string) {
    return this.messages.filter((m) => m.id === id && m.type === type);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.resume();
      this.socket.terminate();
    });
  }
}

describe('a slow subscriber (SUBSCRIBER_BUFFER_LIMIT=3)', () => {
  let t: TestHub;
  let tk: Tokens;
  let driver: ReferralDriver;
  let personId: string;
  const clients: Client[] = [];
  let raw: RawSubscriber | undefined;

  beforeAll(async () => {
    t = await startTestHub({
      EVENT_POLL_INTERVAL_MS: '200',
      SUBSCRIBER_BUFFER_LIMIT: '3',
      // The slow subscriber's query repeats a field 400 times to make each message large.
      QUERY_MAX_ALIASES: '1000',
      QUERY_MAX_TOKENS: '20000',
      QUERY_MAX_COST: '1000000',
    });
    tk = await tokensFor(t);
    [{ id: personId }] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
    driver = new ReferralDriver(t.url, tk.skarholmen, tk.sydvast);
  });

  afterEach(async () => {
    await raw?.close();
    for (const c of clients.splice(0)) await c.dispose();
    await waitForOpenSubscriptions(t.url, 0);
  });

  afterAll(async () => {
    await t?.stop();
  });

  async function dispatcherPosition(): Promise<number> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const match = /^hub_event_dispatcher_position (\d+)/m.exec(text);
    if (!match) throw new Error('/metrics has no hub_event_dispatcher_position gauge');
    return Number(match[1]);
  }

  test('is ended with SUBSCRIBER_TOO_SLOW and resumeAfter; resubscribing from it misses nothing', async () => {
    // Each message carries the 2000-character note 400 times (~800 kB), so the socket's
    // kernel buffers fill after a few events and the server's send waits for the reader.
    const note = Array.from(
      { length: 2000 },
      (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7) % 26],
    ).join('');
    const bloat = Array.from({ length: 400 }, (_, i) => `n${i}: note`).join(' ');
    raw = await RawSubscriber.connect(t.url, tk.sydvast);
    raw.subscribe('1', `subscription { referralEvents { id cursor type referral { ${bloat} } } }`);
    await waitUntil(
      async () => raw!.messages.length > 1 || (await openEventSubscriptions(t.url)) === 1,
      () => 'the subscription was not registered',
    );
    expect(raw.messages).toEqual([{ type: 'connection_ack' }]); // no error: it was accepted

    // While the client reads, events flow.
    await driver.create(personId, note);
    await waitUntil(
      () => raw!.of('1', 'next').length === 1,
      () => `probe not received: ${raw!.messages.length} messages`,
    );

    raw.socket.pause();
    const total = 60;
    for (let i = 1; i < total; i++) await driver.create(personId, note);
    const log = await allEvents(t.url, tk.sydvast);
    expect(log).toHaveLength(total);
    // The dispatcher has offered every event (positions are 1..total on this fresh database).
    await waitUntil(
      async () => (await dispatcherPosition()) === total,
      () => 'dispatcher did not reach the head of the log',
    );
    raw.socket.resume();

    await waitUntil(
      () => raw!.of('1', 'error').length > 0 || raw!.of('1', 'complete').length > 0,
      () => `no error: ${raw!.of('1', 'next').length} events received`,
      10_000,
    );
    const received = raw.of('1', 'next').map((m) => {
      const payload = m.payload as { data: { referralEvents: { id: string; cursor: string } } };
      return payload.data.referralEvents;
    });
    const [error] = raw.of('1', 'error');
    expect(error).toBeDefined();
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.length).toBeLessThan(total);
    // What arrived is a prefix of the log: no gap before the error.
    expect(received.map((e) => e.cursor)).toEqual(
      log.slice(0, received.length).map((e) => e.cursor),
    );
    expect(error.payload).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('too slow'),
        extensions: { code: 'SUBSCRIBER_TOO_SLOW', resumeAfter: received.at(-1)!.cursor },
      }),
    ]);
    expect((error.payload as FormattedError[])[0].extensions).not.toHaveProperty('stacktrace');
    // The server let go of it; the socket stays open for other operations.
    await waitForOpenSubscriptions(t.url, 0);
    expect(raw.socket.readyState).toBe(WebSocket.OPEN);

    // Resubscribing with after = the last processed cursor yields the rest, in order.
    const resumeAfter = (error.payload as FormattedError[])[0].extensions!.resumeAfter as string;
    const c = wsClient(t.url, tk.sydvast);
    clients.push(c);
    const rest = subscribeEvents(c, 'resubscribed', { after: resumeAfter });
    await rest.waitForCount(total - received.length, 10_000);
    await sleep(300);
    expect([...received, ...rest.items].map((e) => e.cursor)).toEqual(log.map((e) => e.cursor));
    expect(rest.ended).toBe(false);
  });

  test('a subscriber that keeps up is not ended', async () => {
    const c = wsClient(t.url, tk.sydvast);
    clients.push(c);
    const sub = subscribeEvents(c, 'keeps up');
    await waitForOpenSubscriptions(t.url, 1);
    for (let i = 0; i < 10; i++) {
      await driver.create(personId);
      await sub.waitForCount(i + 1);
    }
    expect(sub.ended).toBe(false);
  });

  test('events a subscriber may not see do not fill its buffer', async () => {
    const c = wsClient(t.url, tk.jarva);
    clients.push(c);
    const jarva = subscribeEvents(c, 'coach jarva');
    await waitForOpenSubscriptions(t.url, 1);
    // A burst of skarholmen's events in one transaction: more than the buffer limit, all
    // offered to every subscriber at once — none of them for jobbtorg-jarva.
    await t.hub.dataSource.transaction((m) =>
      appendEvents(
        m,
        Array.from({ length: 6 }, () => ({
          type: 'REFERRAL_SENT' as const,
          referralId: randomUUID(),
          personId: randomUUID(),
          districtId: 'skarholmen',
          jobCentreId: 'jobbtorg-sydvast',
          actor: null,
        })),
      ),
    );
    const [rinkebyPerson] = await insertPersons(t.hub.dataSource, [
      { homeDistrictId: 'rinkeby-kista', cases: [{ districtId: 'rinkeby-kista', active: true }] },
    ]);
    const sentinel = await new ReferralDriver(t.url, tk.rinkeby, tk.jarva).create(rinkebyPerson.id);
    await jarva.waitFor((s) => s.items.length > 0 || s.ended);
    expect(jarva.errors).toBeNull();
    expect(jarva.items.map((e) => e.referralId)).toEqual([sentinel.id]);
  });
});
