/**
 * Signing secrets sealed at rest: a hub with WEBHOOK_SECRET_KEYS keeps no endpoint's secret
 * in the clear in its database, and its webhooks still verify with the secret the partner
 * was given (and, during a rotation's grace period, with the old one too). Real HTTP
 * receiver on loopback; embedded database, or PostgreSQL when DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { ReferralDriver, waitUntil } from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';
import { WebhookReceiver } from '../helpers/webhook-receiver';

let t: TestHub;
let receiver: WebhookReceiver;

beforeAll(async () => {
  t = await startTestHub({
    EVENT_POLL_INTERVAL_MS: '100',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    WEBHOOK_SECRET_KEYS: `${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  receiver = await WebhookReceiver.start();
});

afterAll(async () => {
  await receiver?.close();
  await t?.stop();
});

interface Created {
  createWebhookEndpoint: { secret: string; endpoint: { id: string } };
}

test('secrets are sealed in the database, and webhooks verify with the secrets the partner holds', async () => {
  const partner = await t.token({ role: 'PARTNER_SYSTEM', org: 'skarholmen' });
  const created = await t.gql<Created>(
    `mutation ($input: CreateWebhookEndpointInput!) {
       createWebhookEndpoint(input: $input) { secret endpoint { id } } }`,
    { token: partner, variables: { input: { url: receiver.url } } },
  );
  expect(created.body.errors).toBeUndefined();
  const { secret, endpoint } = created.body.data!.createWebhookEndpoint;
  const stored = async () =>
    (
      await t.hub.dataSource.query<{ secret: string; previous: string | null }[]>(
        `SELECT secret, previous_secret AS previous FROM webhook_endpoint WHERE id = $1`,
        [endpoint.id],
      )
    )[0];
  const before = await stored();
  expect(before.secret).toMatch(/^v1\./);
  expect(before.secret).not.toContain(secret.slice('whsec_'.length));

  const caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  const coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  const [person] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
  const driver = new ReferralDriver(t.url, caseworker, coach);
  const referral = await driver.create(person.id);
  await waitUntil(
    () => receiver.received.length >= 1,
    () => 'no webhook',
    10_000,
  );
  expect(WebhookReceiver.verify(secret, receiver.received[0])).toBeTruthy();

  const rotated = await t.gql<{ rotateWebhookSecret: { secret: string } }>(
    `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret } }`,
    { token: partner, variables: { input: { id: endpoint.id, graceSeconds: 3600 } } },
  );
  expect(rotated.body.errors).toBeUndefined();
  const newest = rotated.body.data!.rotateWebhookSecret.secret;
  const after = await stored();
  // The old sealed value moved to `previous`; the new one is sealed too.
  expect(after.previous).toBe(before.secret);
  expect(after.secret).toMatch(/^v1\./);
  expect(after.secret).not.toContain(newest.slice('whsec_'.length));

  await driver.accept(referral);
  await waitUntil(
    () => receiver.received.length >= 2,
    () => 'no second webhook',
    10_000,
  );
  const second = receiver.received[1];
  expect(WebhookReceiver.verify(newest, second)).toBeTruthy();
  expect(WebhookReceiver.verify(secret, second)).toBeTruthy();
});
