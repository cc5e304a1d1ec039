/**
 * Webhooks with more than one hub, and over time: two instances on one PostgreSQL database
 * never have two requests to one endpoint in flight and deliver in order; an endpoint that
 * keeps failing longer than WEBHOOK_DISABLE_AFTER_MS is disabled, with a metric.
 */
import { randomUUID } from 'node:crypto';
import { appendEvents } from '../../src/events/outbox';
import { createLogger } from '../../src/observability/logger';
import { Hub } from '../../src/server';
import { createTestDatabase, onPostgresServer } from '../helpers/database';
import { sleep, waitUntil } from '../helpers/event-subscribers';
import { startTestHub, testConfig, TEST_SECRET } from '../helpers/test-hub';
import { WebhookReceiver } from '../helpers/webhook-receiver';
import { makeToken } from '../../scripts/token';

const ENV = {
  EVENT_POLL_INTERVAL_MS: '100',
  WEBHOOK_RETRY_SCHEDULE_MS: '0,20,20',
  WEBHOOK_POLL_INTERVAL_MS: '20',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_LEASE_MS: '4000',
};

async function createEndpoint(hubUrl: string, url: string): Promise<string> {
  const token = await makeToken(TEST_SECRET, { role: 'PARTNER_SYSTEM', org: 'skarholmen' });
  const res = await fetch(`${hubUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`,
      variables: { input: { url } },
    }),
  });
  const body = (await res.json()) as {
    data: { createWebhookEndpoint: { endpoint: { id: string } } };
  };
  return body.data.createWebhookEndpoint.endpoint.id;
}

function append(hub: Hub, n: number): Promise<unknown> {
  return hub.dataSource.transaction((m) =>
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

test('an endpoint failing longer than WEBHOOK_DISABLE_AFTER_MS is disabled, with a metric', async () => {
  const t = await startTestHub({ ...ENV, WEBHOOK_DISABLE_AFTER_MS: '400' });
  const r = await WebhookReceiver.start();
  try {
    r.respond = () => ({ status: 500 });
    const id = await createEndpoint(t.url, r.url);
    await append(t.hub, 1);
    await waitUntil(
      async () =>
        (
          await t.hub.dataSource.query<{ state: string }[]>(
            `SELECT state FROM webhook_endpoint WHERE id = $1`,
            [id],
          )
        )[0].state === 'DISABLED',
      () => `still enabled after ${r.received.length} attempts`,
      15_000,
    );
    const [row] = await t.hub.dataSource.query<{ disabled_reason: string }[]>(
      `SELECT disabled_reason FROM webhook_endpoint WHERE id = $1`,
      [id],
    );
    expect(row.disabled_reason).toBe('FAILING');
    const attempts = r.received.length;
    expect(attempts).toBeGreaterThan(1);
    await sleep(300);
    expect(r.received.length).toBe(attempts);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_webhook_endpoints_disabled_total\{reason="FAILING"\} 1/);
    expect(metrics).toMatch(/hub_webhook_deliveries_total\{outcome="failure"\} \d+/);
    expect(metrics).toMatch(/hub_webhook_endpoints\{state="DISABLED"\} 1/);
  } finally {
    await r.close();
    await t.stop();
  }
}, 90_000);

(onPostgresServer ? test : test.skip)(
  'two instances on one database: one request in flight per endpoint, every event in order',
  async () => {
    const db = await createTestDatabase();
    const config = testConfig(db, ENV);
    const hubs = [
      new Hub(config, { logger: createLogger('silent') }),
      new Hub(config, { logger: createLogger('silent') }),
    ];
    const r = await WebhookReceiver.start();
    // Each answer takes a while, so overlapping requests from two instances would show.
    r.respond = () => ({ status: 200, delayMs: 20 });
    try {
      for (const h of hubs) await h.start();
      await createEndpoint(hubs[0].url, r.url);
      for (let i = 0; i < 10; i++) await append(hubs[i % 2], 3);
      const positions = (
        await hubs[0].dataSource.query<{ position: string }[]>(
          `SELECT position FROM event ORDER BY position`,
        )
      ).map((p) => Number(p.position));
      await r.waitForCount(positions.length, 30_000);
      await sleep(300);
      expect(r.positions).toEqual(positions);
      expect(r.maxInFlight).toBe(1);
    } finally {
      await r.close();
      for (const h of hubs) await h.stop();
      await db.drop();
    }
  },
  60_000,
);
