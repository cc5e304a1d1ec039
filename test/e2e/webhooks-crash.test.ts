/**
 * Webhooks across a SIGKILL: the hub process is killed while a webhook is in flight; after
 * a restart every event arrives at least once, in order, with nothing missing (the cursor
 * moved only on a 2xx, and the dead instance's lease expires). PostgreSQL server only: the
 * test writes events beside the running process.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { makeToken } from '../../scripts/token';
import { createDataSource } from '../../src/db/data-source';
import { appendEvents } from '../../src/events/outbox';
import { createTestDatabase, onPostgresServer } from '../helpers/database';
import { waitUntil } from '../helpers/event-subscribers';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET } from '../helpers/test-hub';
import { WebhookReceiver } from '../helpers/webhook-receiver';

afterEach(killLeftoverProcesses);

const onServer = onPostgresServer ? test : test.skip;

const ENV = {
  WEBHOOK_RETRY_SCHEDULE_MS: '0,30,30',
  WEBHOOK_POLL_INTERVAL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_LEASE_MS: '4000',
  EVENT_POLL_INTERVAL_MS: '200',
};

function append(ds: DataSource, n: number): Promise<unknown> {
  return ds.transaction((m) =>
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

onServer(
  'SIGKILL mid-delivery: after restart every event arrives, in order, nothing missing',
  async () => {
    const db = await createTestDatabase();
    let ds: DataSource | undefined;
    let proc: ServerProcess | undefined;
    const r = await WebhookReceiver.start();
    try {
      proc = await startServerProcess({ DATABASE_URL: db.url!, ...ENV });
      ds = createDataSource(db.config);
      await ds.initialize();
      const token = await makeToken(TEST_SECRET, { role: 'PARTNER_SYSTEM', org: 'skarholmen' });
      const res = await fetch(`${proc.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`,
          variables: { input: { url: r.url } },
        }),
      });
      const body = (await res.json()) as { data: { createWebhookEndpoint: { secret: string } } };
      const secret = body.data.createWebhookEndpoint.secret;

      // The fourth request never gets an answer: the process dies with it in flight.
      r.respond = (n) => (n === 3 ? 'hang' : { status: 200 });
      await append(ds, 8);
      await r.waitForCount(4, 20_000);
      proc.child.kill('SIGKILL');
      await proc.exited;

      r.respond = () => ({ status: 200 });
      proc = await startServerProcess({ DATABASE_URL: db.url!, ...ENV });
      await append(ds, 3);
      const positions = (
        await ds.query<{ position: string }[]>(`SELECT position FROM event ORDER BY position`)
      ).map((p) => Number(p.position));
      expect(positions).toHaveLength(11);
      await waitUntil(
        () => positions.every((p) => r.positions.includes(p)),
        () => `got ${JSON.stringify(r.positions)} of ${JSON.stringify(positions)}`,
        30_000,
      );
      // At least once and in order: drop immediate repeats, and the rest is the log.
      const distinct = r.positions.filter((p, i) => i === 0 || p !== r.positions[i - 1]);
      expect(distinct).toEqual(positions);
      for (const got of r.received) expect(WebhookReceiver.verify(secret, got)).toBeTruthy();
      proc.child.kill('SIGTERM');
      await proc.exited;
    } finally {
      await r.close();
      await ds?.destroy();
      await db.drop();
    }
  },
  120_000,
);
