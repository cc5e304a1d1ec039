/**
 * Outbound webhooks end to end (issue 17): a real hub, real receivers (node http servers on
 * loopback) that verify signatures with `standardwebhooks`, events written through the
 * outbox or the workflow mutations. Retry delays are milliseconds here (WEBHOOK_RETRY_SCHEDULE_MS);
 * waits are bounded and generous, nothing asserts a speed. Runs on PGlite, and on
 * PostgreSQL when DATABASE_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { appendEvents } from '../../src/events/outbox';
import { decodeEventCursor } from '../../src/events/event-types';
import { createLogger } from '../../src/observability/logger';
import { WEBHOOK_EVENT_DOCUMENT } from '../../src/resolvers/webhooks/webhook-payload';
import { Hub } from '../../src/server';
import { createTestDatabase } from '../helpers/database';
import {
  RecordedSubscription,
  ReferralDriver,
  sleep,
  waitForOpenSubscriptions,
  waitUntil,
  wsClient,
} from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, testConfig, TEST_SECRET, type TestHub } from '../helpers/test-hub';
import { WebhookReceiver, type ReceivedWebhook } from '../helpers/webhook-receiver';
import { makeToken } from '../../scripts/token';

const WEBHOOK_ENV = {
  EVENT_POLL_INTERVAL_MS: '100',
  WEBHOOK_RETRY_SCHEDULE_MS: '0,30,30,30',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_LEASE_MS: '4000',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
};

const ENDPOINT_FIELDS = `id url description state disabledReason attempts nextAttemptAt failingSince
  lastError cursor position version previousSecretExpiresAt
  filter { types districtId jobCentreId referralId }
  deliveries { eventId cursor position eventType status attempts lastStatusCode lastError nextAttemptAt deliveredAt }
  changes { action actorSub actorRole actorOrg }`;

interface EndpointView {
  id: string;
  state: string;
  disabledReason: string | null;
  attempts: number;
  lastError: string | null;
  cursor: string | null;
  position: string;
  version: number;
  deliveries: {
    eventId: string;
    position: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    lastError: string | null;
  }[];
  changes: { action: string; actorSub: string; actorRole: string; actorOrg: string }[];
}

let t: TestHub;
const tokens: Record<string, string> = {};
const receivers: WebhookReceiver[] = [];
const clients: Client[] = [];

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

async function gql<T>(token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await t.gql<T>(query, { token, variables });
  return res.body;
}

async function create(
  token: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<{ endpoint: EndpointView; secret: string }> {
  const body = await gql<{ createWebhookEndpoint: { endpoint: EndpointView; secret: string } }>(
    token,
    `mutation ($input: CreateWebhookEndpointInput!) {
      createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`,
    { input: { url, ...extra } },
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.createWebhookEndpoint;
}

async function endpoint(token: string, id: string): Promise<EndpointView> {
  const body = await gql<{ webhookEndpoint: EndpointView }>(
    token,
    `query ($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT_FIELDS} } }`,
    { id },
  );
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.webhookEndpoint;
}

async function mutate(
  token: string,
  field: string,
  args: string,
  variables: Record<string, unknown>,
) {
  return gql<Record<string, EndpointView>>(
    token,
    `mutation (${args}) { ${field}(input: { ${Object.keys(variables)
      .map((k) => `${k}: $${k}`)
      .join(', ')} }) { ${ENDPOINT_FIELDS} } }`,
    variables,
  );
}

/**
 * Events about referrals that do not exist (the log has no foreign keys), written directly.
 * Their positions are given by the sequencer after commit: appendEvents' result has them.
 */
async function append(
  n: number,
  districtId = 'skarholmen',
  jobCentreId = 'jobbtorg-sydvast',
): Promise<{ id: string; position: string }[]> {
  const stored = await t.hub.dataSource.transaction((m) =>
    appendEvents(
      m,
      Array.from({ length: n }, () => ({
        type: 'REFERRAL_SENT' as const,
        referralId: randomUUID(),
        personId: randomUUID(),
        districtId,
        jobCentreId,
        actor: null,
      })),
    ),
  );
  return stored.map((e) => ({ id: e.id, position: e.position }));
}

function consecutive(ps: number[]): boolean {
  return ps.every((p, i) => i === 0 || p === ps[i - 1] + 1);
}

beforeAll(async () => {
  t = await startTestHub(WEBHOOK_ENV);
  const tk = (role: string, org: string) => t.token({ role, org });
  tokens.partner = await tk('PARTNER_SYSTEM', 'skarholmen');
  tokens.partnerForeign = await tk('PARTNER_SYSTEM', 'bromma');
  tokens.caseworker = await tk('DISTRICT_CASEWORKER', 'skarholmen');
  tokens.coach = await tk('JOB_CENTRE_COACH', 'jobbtorg-sydvast');
  tokens.coachJarva = await tk('JOB_CENTRE_COACH', 'jobbtorg-jarva');
  tokens.analyst = await tk('ANALYST', 'arbetsmarknadsforvaltningen');
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  // Endpoints of earlier tests stop, so they do not take events of later ones.
  await t.hub.dataSource.query(`UPDATE webhook_endpoint SET state = 'DISABLED'`);
  for (const r of receivers.splice(0)) await r.close();
});

afterAll(async () => {
  await t?.stop();
});

test('events arrive in order with positions, signed per Standard Webhooks (standardwebhooks verifies)', async () => {
  const r = await receiver();
  const { endpoint: ep, secret } = await create(tokens.partner, r.url, {
    description: 'case system',
  });
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  expect(ep.state).toBe('ENABLED');
  const events = await append(5);
  await r.waitForCount(5);
  expect(r.ids).toEqual(events.map((e) => e.id));
  expect(r.positions).toEqual(events.map((e) => Number(e.position)));
  expect(consecutive(r.positions)).toBe(true);
  for (const got of r.received) {
    const verified = WebhookReceiver.verify(secret, got) as ReceivedWebhook['body'];
    expect(verified.position).toBe(got.body.position);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(Number(got.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 600);
    expect(got.body.data.id).toBe(got.headers['webhook-id']);
    expect(decodeEventCursor(got.body.cursor)).toBe(got.body.position);
    expect(got.body.endpointId).toBe(ep.id);
  }
  // Tampering fails verification, and so does another secret.
  const tampered = {
    ...r.received[0],
    raw: r.received[0].raw.replace('REFERRAL_SENT', 'REFERRAL_CLOSED'),
  };
  expect(() => WebhookReceiver.verify(secret, tampered)).toThrow(WebhookVerificationError);
  const other = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  expect(() => WebhookReceiver.verify(other, r.received[0])).toThrow(WebhookVerificationError);

  await waitUntil(
    async () => (await endpoint(tokens.partner, ep.id)).position === events[4].position,
    () => 'cursor at the last event',
  );
  const after = await endpoint(tokens.partner, ep.id);
  expect(after.deliveries.map((d) => [d.eventId, d.status, d.attempts, d.lastStatusCode])).toEqual(
    events.reverse().map((e) => [e.id, 'SUCCEEDED', 1, 200]),
  );
});

test('500 three times, then 200: the event four times with the same webhook-id, and the next only afterwards', async () => {
  const r = await receiver();
  r.respond = (n) =>
    n < 3 ? { status: 500, body: 'secret stack trace of the receiver' } : { status: 200 };
  const { endpoint: ep } = await create(tokens.partner, r.url);
  const [e1, e2] = await append(2);
  await r.waitForCount(5);
  await waitUntil(
    async () => (await endpoint(tokens.partner, ep.id)).position === e2.position,
    () => 'cursor at the second event',
  );
  expect(r.ids).toEqual([e1.id, e1.id, e1.id, e1.id, e2.id]);
  const view = await endpoint(tokens.partner, ep.id);
  const d1 = view.deliveries.find((d) => d.eventId === e1.id);
  expect(d1).toMatchObject({ status: 'SUCCEEDED', attempts: 4, lastStatusCode: 200 });
  // Nothing of the receiver's body ever reaches the API.
  expect(JSON.stringify(view)).not.toContain('stack trace');
});

test('while an event fails, the endpoint shows attempts, last error and the next attempt', async () => {
  const r = await receiver();
  r.respond = () => ({ status: 500, body: 'do not echo me' });
  await t.hub.dataSource.query(`SELECT 1`);
  const { endpoint: ep } = await create(tokens.partner, r.url);
  const [e1] = await append(1);
  await r.waitForCount(3);
  const view = await endpoint(tokens.partner, ep.id);
  expect(view.state).toBe('ENABLED');
  expect(view.attempts).toBeGreaterThanOrEqual(2);
  expect(view.lastError).toBe('HTTP 500');
  expect(view.deliveries[0]).toMatchObject({
    eventId: e1.id,
    status: 'PENDING',
    lastStatusCode: 500,
  });
  expect(JSON.stringify(view)).not.toContain('echo');
});

test('429 with Retry-After is honoured', async () => {
  const r = await receiver();
  r.respond = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
  await create(tokens.partner, r.url);
  await append(1);
  await r.waitForCount(2);
  // The schedule says 30 ms; Retry-After says 1 s.
  expect(r.received[1].at - r.received[0].at).toBeGreaterThanOrEqual(900);
  expect(r.received[1].headers['webhook-id']).toBe(r.received[0].headers['webhook-id']);
});

test('410 disables the endpoint; enabling it sends the same event again, then the rest in order', async () => {
  const r = await receiver();
  r.respond = () => ({ status: 410 });
  const { endpoint: ep } = await create(tokens.partner, r.url);
  const [e1, e2] = await append(2);
  await waitUntil(
    async () => (await endpoint(tokens.partner, ep.id)).state === 'DISABLED',
    () => 'disabled after 410',
  );
  const view = await endpoint(tokens.partner, ep.id);
  expect(view.disabledReason).toBe('GONE');
  expect(view.changes[0]).toMatchObject({ action: 'DISABLED', actorSub: 'system' });
  await sleep(300);
  expect(r.ids).toEqual([e1.id]);

  r.respond = () => ({ status: 200 });
  const enabled = await mutate(tokens.partner, 'enableWebhookEndpoint', '$id: ID!', { id: ep.id });
  expect(enabled.data?.enableWebhookEndpoint.state).toBe('ENABLED');
  await r.waitForCount(3);
  expect(r.ids).toEqual([e1.id, e1.id, e2.id]);
});

test('a receiver down for a while gets everything in order after it returns', async () => {
  const r = await receiver();
  let down = true;
  r.respond = () => (down ? { status: 503 } : { status: 200 });
  await create(tokens.partner, r.url);
  const events = await append(4);
  await r.waitForCount(3);
  const more = await append(3);
  down = false;
  const all = [...events, ...more];
  await waitUntil(
    () => new Set(r.ids).size === all.length,
    () => `got ${JSON.stringify(r.positions)}`,
    15_000,
  );
  const firstOk = r.received.findIndex((_, i) => i > 0 && r.ids[i] !== r.ids[0]);
  const successes = [r.ids[0], ...r.ids.slice(firstOk)];
  expect(successes).toEqual(all.map((e) => e.id));
});

test('rotation: both signatures during the grace period, then only the new one', async () => {
  const r = await receiver();
  const { endpoint: ep, secret: oldSecret } = await create(tokens.partner, r.url);
  const rotated = await gql<{ rotateWebhookSecret: { secret: string; endpoint: EndpointView } }>(
    tokens.partner,
    `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret endpoint { id version previousSecretExpiresAt } } }`,
    { input: { id: ep.id, graceSeconds: 3600 } },
  );
  const newSecret = rotated.data?.rotateWebhookSecret.secret as string;
  expect(newSecret).toMatch(/^whsec_/);
  expect(newSecret).not.toBe(oldSecret);
  await append(1);
  await r.waitForCount(1);
  const [during] = r.received;
  expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
  expect(WebhookReceiver.verify(newSecret, during)).toBeTruthy();
  expect(WebhookReceiver.verify(oldSecret, during)).toBeTruthy();

  const again = await gql<{ rotateWebhookSecret: { secret: string } }>(
    tokens.partner,
    `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }`,
    { input: { id: ep.id, gracePeriodSeconds: 0 } },
  );
  const newest = again.data?.rotateWebhookSecret.secret as string;
  await append(1);
  await r.waitForCount(2);
  const after = r.received[1];
  expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
  expect(WebhookReceiver.verify(newest, after)).toBeTruthy();
  expect(() => WebhookReceiver.verify(newSecret, after)).toThrow(WebhookVerificationError);
});

test('replay from a cursor resends every later event in order; disable stops delivery', async () => {
  const r = await receiver();
  const { endpoint: ep } = await create(tokens.partner, r.url);
  const events = await append(4);
  await r.waitForCount(4);
  const first = r.received[0].body.cursor;
  const replayed = await mutate(
    tokens.partner,
    'replayWebhookEndpoint',
    '$id: ID!, $after: String',
    {
      id: ep.id,
      after: first,
    },
  );
  expect(replayed.errors).toBeUndefined();
  await r.waitForCount(7);
  expect(r.ids).toEqual([...events, ...events.slice(1)].map((e) => e.id));

  const bad = await mutate(tokens.partner, 'replayWebhookEndpoint', '$id: ID!, $after: String', {
    id: ep.id,
    after: 'not-a-cursor',
  });
  expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  const disabled = await mutate(tokens.partner, 'disableWebhookEndpoint', '$id: ID!', {
    id: ep.id,
  });
  expect(disabled.data?.disableWebhookEndpoint).toMatchObject({
    state: 'DISABLED',
    disabledReason: 'MANUAL',
  });
  await append(2);
  await sleep(400);
  expect(r.received).toHaveLength(7);
  const view = await endpoint(tokens.partner, ep.id);
  expect(view.changes.map((c) => c.action)).toEqual(['DISABLED', 'REPLAYED', 'CREATED']);
  expect(view.changes[2]).toMatchObject({ actorRole: 'PARTNER_SYSTEM', actorOrg: 'skarholmen' });
});

test('another organisation (or another role) cannot see, change or replay an endpoint: NOT_FOUND', async () => {
  const r = await receiver();
  const { endpoint: ep } = await create(tokens.partner, r.url);
  for (const who of ['partnerForeign', 'caseworker']) {
    const token = tokens[who];
    const one = await gql(token, `query ($id: ID!) { webhookEndpoint(id: $id) { id } }`, {
      id: ep.id,
    });
    expect(one.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const list = await gql<{ webhookEndpoints: { edges: { node: { id: string } }[] } }>(
      token,
      `{ webhookEndpoints { edges { node { id } } } }`,
    );
    expect(list.data?.webhookEndpoints.edges.map((e) => e.node.id)).not.toContain(ep.id);
    for (const [field, args, vars] of [
      ['disableWebhookEndpoint', '$id: ID!', { id: ep.id }],
      ['enableWebhookEndpoint', '$id: ID!', { id: ep.id }],
      ['replayWebhookEndpoint', '$id: ID!, $after: String', { id: ep.id, after: null }],
    ] as const) {
      const res = await mutate(token, field, args, vars);
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const rot = await gql(
      token,
      `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }`,
      { input: { id: ep.id } },
    );
    expect(rot.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  }
  // Unchanged, and the owner still sees it.
  const view = await endpoint(tokens.partner, ep.id);
  expect(view).toMatchObject({ state: 'ENABLED', version: 1 });
  expect(view.changes.map((c) => c.action)).toEqual(['CREATED']);
  // Roles that may not manage endpoints at all.
  const analyst = await gql(tokens.analyst, `{ webhookEndpoints { edges { node { id } } } }`);
  expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  const anon = await t.gql(`{ webhookEndpoints { edges { node { id } } } }`);
  expect(anon.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
});

test('URLs the hub will not call are refused at creation (plain http outside loopback)', async () => {
  for (const url of [
    'http://example.com/hook',
    'ftp://127.0.0.1/x',
    'not a url',
    'http://user:pw@127.0.0.1/x',
  ]) {
    const res = await gql(
      tokens.partner,
      `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
      { input: { url } },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  }
});

test('a redirect is not followed: it counts as a failure', async () => {
  const target = await receiver();
  const r = await receiver();
  r.respond = (n) =>
    n === 0 ? { status: 307, headers: { location: target.url } } : { status: 200 };
  const { endpoint: ep } = await create(tokens.partner, r.url);
  await append(1);
  await r.waitForCount(2);
  expect(target.received).toHaveLength(0);
  // The receiver answered; the hub records the outcome right after.
  await waitUntil(
    async () => (await endpoint(tokens.partner, ep.id)).deliveries[0]?.status === 'SUCCEEDED',
    () => 'delivery recorded',
  );
  const view = await endpoint(tokens.partner, ep.id);
  expect(view.deliveries[0]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
});

test('a job centre’s endpoint never receives events of referrals it is not party to', async () => {
  const r = await receiver();
  await create(tokens.coachJarva, r.url);
  const mine1 = await append(1, 'rinkeby-kista', 'jobbtorg-jarva');
  await append(3, 'skarholmen', 'jobbtorg-sydvast');
  const mine2 = await append(1, 'spanga-tensta', 'jobbtorg-jarva');
  await r.waitForCount(2);
  await sleep(300);
  expect(r.ids).toEqual([...mine1, ...mine2].map((e) => e.id));
  for (const got of r.received) expect(got.body.data.jobCentreId).toBe('jobbtorg-jarva');
});

test('the body is what a subscriber of the same organisation and role receives, with its access-log rows', async () => {
  const [person] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
  const r = await receiver();
  await create(tokens.coach, r.url);
  const client = wsClient(t.url, tokens.coach);
  clients.push(client);
  const sub = new RecordedSubscription<Record<string, unknown>>(
    client,
    'coach',
    WEBHOOK_EVENT_DOCUMENT,
    {},
    'referralEvents',
  );
  await waitForOpenSubscriptions(t.url, 1);
  const driver = new ReferralDriver(t.url, tokens.caseworker, tokens.coach);
  const ref = await driver.create(person.id);
  // Both have rendered the first event before the referral changes again.
  await sub.waitForCount(1);
  await r.waitForCount(1);
  await driver.accept(ref);
  await sub.waitForCount(2);
  await r.waitForCount(2);
  expect(r.received.map((x) => x.body.data)).toEqual(sub.items);
  expect(r.received[0].body.data).toMatchObject({
    type: 'REFERRAL_SENT',
    referral: { id: ref.id },
  });
  const rows = await t.hub.dataSource.query<{ actor_role: string; field_groups: string[] }[]>(
    `SELECT actor_role, field_groups FROM access_log
     WHERE operation = 'WebhookEvent' AND actor_org = 'jobbtorg-sydvast' AND person_id = $1`,
    [person.id],
  );
  expect(rows.length).toBeGreaterThanOrEqual(2);
  expect(rows[0]).toMatchObject({ actor_role: 'JOB_CENTRE_COACH' });
});

test('an endpoint leased by another (dead) instance waits until the lease expires', async () => {
  const r = await receiver();
  const { endpoint: ep } = await create(tokens.partner, r.url);
  await t.hub.dataSource.query(
    `UPDATE webhook_endpoint SET lease_owner = 'dead-instance', lease_expires_at = now() + interval '1500 milliseconds' WHERE id = $1`,
    [ep.id],
  );
  const started = Date.now();
  const [e1] = await append(1);
  await r.waitForCount(1);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(r.ids).toEqual([e1.id]);
});

describe('restart', () => {
  test('a hub stopped mid-delivery continues from the cursor after restart: in order, nothing missing', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'hub-webhooks-'));
    const database =
      db.config.kind === 'pglite' ? { kind: 'pglite' as const, dataDir: dir } : db.config;
    const config = { ...testConfig(db, WEBHOOK_ENV), database };
    const start = async () => {
      const hub = new Hub(config, { logger: createLogger('silent') });
      await hub.start();
      return hub;
    };
    const r = await receiver();
    let hub = await start();
    try {
      const token = await makeToken(TEST_SECRET, { role: 'PARTNER_SYSTEM', org: 'skarholmen' });
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
          variables: { input: { url: r.url } },
        }),
      });
      const secret = ((await res.json()) as { data: { createWebhookEndpoint: { secret: string } } })
        .data.createWebhookEndpoint.secret;
      // The third event hangs: the hub stops while that request is in flight.
      r.respond = (n) => (n === 2 ? 'hang' : { status: 200 });
      const appendTo = (h: Hub, n: number) =>
        h.dataSource.transaction((m) =>
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
      await appendTo(hub, 5);
      await r.waitForCount(3);
      await hub.stop();
      r.respond = () => ({ status: 200 });
      hub = await start();
      await appendTo(hub, 2);
      const positions = (
        await hub.dataSource.query<{ position: string }[]>(
          `SELECT position FROM event ORDER BY position`,
        )
      ).map((p) => Number(p.position));
      await waitUntil(
        () => positions.every((p) => r.positions.includes(p)),
        () => `got ${JSON.stringify(r.positions)} of ${JSON.stringify(positions)}`,
        15_000,
      );
      // At least once, in order: the delivery cut off by the stop comes again, nothing skipped.
      const distinct = r.positions.filter((p, i) => i === 0 || p !== r.positions[i - 1]);
      expect(distinct).toEqual(positions);
      for (const got of r.received)
        expect(new Webhook(secret).verify(got.raw, got.headers)).toBeTruthy();
    } finally {
      await hub.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('every change to an endpoint is in the access log, by whom, for the data protection officer', async () => {
  const r = await receiver();
  const { endpoint: ep } = await create(tokens.partner, r.url);
  await append(1);
  await r.waitForCount(1);
  const id = { id: ep.id };
  expect((await mutate(tokens.partner, 'disableWebhookEndpoint', '$id: ID!', id)).errors).toBe(
    undefined,
  );
  expect((await mutate(tokens.partner, 'enableWebhookEndpoint', '$id: ID!', id)).errors).toBe(
    undefined,
  );
  const replay = await mutate(tokens.partner, 'replayWebhookEndpoint', '$id: ID!, $after: String', {
    id: ep.id,
    after: r.received[0].body.cursor,
  });
  expect(replay.errors).toBeUndefined();
  // Then the receiver goes away for good: the worker disables the endpoint itself.
  r.respond = () => ({ status: 410 });
  await append(1);
  await waitUntil(
    async () => (await endpoint(tokens.partner, ep.id)).state === 'DISABLED',
    () => 'disabled after 410',
  );

  const dpo = await t.token({
    role: 'DATA_PROTECTION_OFFICER',
    org: 'arbetsmarknadsforvaltningen',
  });
  type Entry = {
    actorSub: string;
    actorRole: string;
    actorOrg: string;
    personId: string | null;
    resource: string | null;
    action: string;
    operation: string;
    fieldGroups: string[];
  };
  const entries = async (actorSub: string) =>
    (
      await gql<{ accessLog: { edges: { node: Entry }[] } }>(
        dpo,
        `query ($actorSub: String) { accessLog(actorSub: $actorSub, first: 500) { edges { node {
           actorSub actorRole actorOrg personId resource action operation fieldGroups } } } }`,
        { actorSub },
      )
    )
      .data!.accessLog.edges.map((e) => e.node)
      .filter((n) => n.resource === `webhookEndpoint:${ep.id}`);
  const partnerSub = (await endpoint(tokens.partner, ep.id)).changes.at(-1)!.actorSub;
  const byPartner = await entries(partnerSub);
  // Newest first, one WRITE per change, naming the endpoint and no person.
  expect(byPartner.map((e) => e.operation)).toEqual([
    'replayWebhookEndpoint',
    'enableWebhookEndpoint',
    'disableWebhookEndpoint',
    'createWebhookEndpoint',
  ]);
  for (const e of byPartner)
    expect(e).toMatchObject({
      actorRole: 'PARTNER_SYSTEM',
      actorOrg: 'skarholmen',
      personId: null,
      action: 'WRITE',
      fieldGroups: ['webhookEndpoint'],
    });
  const bySystem = await entries('system');
  expect(bySystem).toEqual([
    expect.objectContaining({
      actorRole: 'SYSTEM',
      operation: 'webhookDelivery',
      personId: null,
      action: 'WRITE',
    }),
  ]);
  // A person's own log (the filter a person's review uses) never shows endpoint changes.
  const rows = await t.hub.dataSource.query<{ n: string }[]>(
    `SELECT count(*) AS n FROM access_log WHERE resource IS NOT NULL AND person_id IS NOT NULL`,
  );
  expect(Number(rows[0].n)).toBe(0);
});

test('endpoints and their deliveries page with first and after; bad cursors are BAD_USER_INPUT', async () => {
  const r = await receiver();
  // An organisation no other test made endpoints for.
  const own = await t.token({ role: 'PARTNER_SYSTEM', org: 'jobbtorg-jarva' });
  const created = [
    (await create(own, r.url)).endpoint.id,
    (await create(own, r.url)).endpoint.id,
    (await create(own, r.url)).endpoint.id,
  ];
  type Page = {
    webhookEndpoints: {
      totalCount: number;
      edges: { cursor: string; node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
  const page = (after?: string) =>
    gql<Page>(
      own,
      `query ($after: String) { webhookEndpoints(first: 2, after: $after) {
         totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
  const one = (await page()).data!.webhookEndpoints;
  expect(one.totalCount).toBe(3);
  expect(one.edges.map((e) => e.node.id)).toEqual(created.slice(0, 2));
  expect(one.pageInfo.hasNextPage).toBe(true);
  const two = (await page(one.pageInfo.endCursor!)).data!.webhookEndpoints;
  expect(two.edges.map((e) => e.node.id)).toEqual(created.slice(2));
  expect(two.pageInfo).toEqual({ hasNextPage: false, endCursor: two.edges[0].cursor });
  expect((await page('bm9wZQ')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  // Deliveries, newest event first, then the older ones after a delivery's cursor.
  await t.hub.dataSource.query(
    `UPDATE webhook_endpoint SET state = 'DISABLED' WHERE id = ANY($1::uuid[])`,
    [created.slice(1)],
  );
  await append(3, 'skarholmen', 'jobbtorg-jarva');
  await r.waitForCount(3);
  // A delivery is recorded once the partner has answered: the receiver counts the third
  // POST a moment before its row exists.
  const recorded = async () =>
    Number(
      (
        await t.hub.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM webhook_delivery WHERE endpoint_id = $1 AND status = 'SUCCEEDED'`,
          [created[0]],
        )
      )[0].n,
    );
  await waitUntil(
    async () => (await recorded()) === 3,
    () => 'three deliveries recorded',
  );
  const deliveries = async (after?: string) =>
    gql<{ webhookEndpoint: { deliveries: { cursor: string; position: string }[] } }>(
      own,
      `query ($id: ID!, $after: String) { webhookEndpoint(id: $id) { deliveries(first: 2, after: $after) { cursor position } } }`,
      { id: created[0], after },
    );
  const newest = (await deliveries()).data!.webhookEndpoint.deliveries;
  expect(newest).toHaveLength(2);
  const older = (await deliveries(newest[1].cursor)).data!.webhookEndpoint.deliveries;
  expect(older).toHaveLength(1);
  expect(Number(older[0].position)).toBeLessThan(Number(newest[1].position));
  expect((await deliveries('not-a-cursor')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

  // graceSeconds replaced gracePeriodSeconds: both, differing, is refused and changes nothing.
  const both = await gql(
    own,
    `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }`,
    { input: { id: created[0], graceSeconds: 60, gracePeriodSeconds: 120 } },
  );
  expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect((await endpoint(own, created[0])).version).toBe(1);
});
