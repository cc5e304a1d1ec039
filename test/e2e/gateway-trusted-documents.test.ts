/**
 * TRUSTED_DOCUMENTS=require behind the federation gateway: a real hub and the appointment
 * subgraph behind Hive Gateway, every one on 127.0.0.1 port 0. The gateway enforces
 * `require` with the hub's registry (looked up on the hub with the gateway secret); the hub
 * lets the gateway's own plan fetches through and still refuses plain documents from anyone
 * else. Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { createHash } from 'node:crypto';
import type { Client, SubscribePayload } from 'graphql-ws';
import { makeToken } from '../../scripts/token';
import { startAppointmentsSubgraph, type AppointmentsSubgraph } from '../../src/appointments';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import { parseDocumentId } from '../../src/services/documents/document-id';
import { DocumentStore } from '../../src/services/documents/document-store';
import { EVENT_FIELDS, waitUntil, wsClient } from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, TEST_SECRET, type TestHub } from '../helpers/test-hub';

const SECRET = 'gateway-secret-for-the-trusted-documents-tests-0123';

const CASELOAD = `query Caseload { referrals(first: 20) { totalCount edges { node { id status appointments { id kind } } } } }`;
const CREATE = `mutation Create($input: CreateReferralInput!) { createReferral(input: $input) { id status } }`;
const EVENTS = `subscription Events { referralEvents { ${EVENT_FIELDS} } }`;
const VIEWER = `query Viewer { viewer { role } }`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const idOf = (text: string) => `sha256:${sha256(text)}`;

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

const codes = (a: Answer['body']) => (a.errors ?? []).map((e) => e.extensions?.code);

async function post(
  url: string,
  body: unknown,
  bearer?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/** One subscribe message with any payload; resolves with the first result or error. */
function subscribeOnce(client: Client, payload: Record<string, unknown>): Promise<Answer['body']> {
  return new Promise((resolve, reject) => {
    const dispose = client.subscribe(payload as unknown as SubscribePayload, {
      next: (result) => {
        dispose();
        resolve(result as Answer['body']);
      },
      error: (err) => {
        if (Array.isArray(err)) resolve({ errors: err as never });
        else
          reject(
            err instanceof Error
              ? err
              : new Error(
                  `closed ${(err as { code?: number }).code} ${(err as { reason?: string }).reason}`,
                ),
          );
      },
      complete: () => undefined,
    });
  });
}

describe('TRUSTED_DOCUMENTS=require behind the federation gateway', () => {
  let t: TestHub;
  let appointments: AppointmentsSubgraph;
  let gateway: Gateway;
  let caseworker: string;
  let coach: string;
  let partner: string;
  let personId: string;
  const clients: Client[] = [];
  const track = (c: Client) => (clients.push(c), c);
  /** The gateway's base URL, as wsClient takes it (it adds /graphql). */
  const gw = () => gateway.url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    const env = {
      FEDERATION_GATEWAY_SECRET: SECRET,
      TRUSTED_DOCUMENTS: 'require',
      TRUSTED_DOCUMENTS_EXEMPT_ROLES: 'PARTNER_SYSTEM',
      EVENT_POLL_INTERVAL_MS: '200',
    };
    t = await startTestHub(env);
    const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_SECRET, ...env });
    appointments = await startAppointmentsSubgraph({
      port: 0,
      auth: config.auth,
      gatewaySecret: SECRET,
    });
    gateway = await startGateway({
      hubUrl: `${t.url}/graphql`,
      appointmentsUrl: appointments.url,
      gatewaySecret: SECRET,
      port: 0,
      logLevel: 'silent',
      trustedDocuments: { config: config.trustedDocuments, verify: createJwtVerifier(config.auth) },
    });
    // Registered as `npm run documents -- register` does (the CLI has its own tests).
    await new DocumentStore(t.hub.dataSource).register(
      'web',
      '1.0.0',
      [CASELOAD, CREATE, EVENTS, VIEWER].map((text) => ({
        id: parseDocumentId(idOf(text))!,
        text,
        operations: [],
      })),
    );
    caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    partner = await t.token({ role: 'PARTNER_SYSTEM', org: 'statistiktjansten' });
    [{ id: personId }] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
  });

  afterAll(async () => {
    for (const c of clients.splice(0)) await c.dispose();
    await gateway?.stop();
    await appointments?.stop();
    await t?.stop();
  });

  const createVariables = () => ({
    input: {
      personId,
      targetGroup: 'ARBETSLOS',
      supportBarrier: '02',
      firstAppointmentAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    },
  });

  test('registered ids run through the gateway, across both subgraphs, in either id form', async () => {
    const created = await post(
      gateway.url,
      { documentId: idOf(CREATE), variables: createVariables() },
      caseworker,
    );
    expect(created.body.errors).toBeUndefined();
    const referralId = (created.body.data!.createReferral as { id: string }).id;

    const byDocumentId = await post(gateway.url, { documentId: idOf(CASELOAD) }, coach);
    expect(byDocumentId.status).toBe(200);
    expect(byDocumentId.body.errors).toBeUndefined();
    const caseload = byDocumentId.body.data!.referrals as {
      edges: { node: { id: string; appointments: unknown[] } }[];
    };
    // The appointment subgraph's field came back too: the plan crossed both subgraphs.
    const node = caseload.edges.find((e) => e.node.id === referralId)?.node;
    expect(Array.isArray(node?.appointments)).toBe(true);

    const apolloForm = await post(
      gateway.url,
      { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(CASELOAD) } } },
      coach,
    );
    expect(apolloForm.body).toEqual(byDocumentId.body);
  });

  test('plain documents are PERSISTED_DOCUMENT_REQUIRED at the gateway, over HTTP and graphql-ws', async () => {
    for (const bearer of [coach, undefined, 'not-a-valid-token']) {
      const plain = await post(gateway.url, { query: CASELOAD }, bearer);
      expect([plain.status, codes(plain.body)]).toEqual([400, ['PERSISTED_DOCUMENT_REQUIRED']]);
      expect(plain.body.data ?? undefined).toBeUndefined();
      // The status travels as the response's, not as an extension the client sees.
      expect(plain.body.errors![0].extensions).toEqual({ code: 'PERSISTED_DOCUMENT_REQUIRED' });
    }
    const ws = await subscribeOnce(track(wsClient(gw(), coach)), { query: EVENTS });
    expect(codes(ws)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  test('an unknown id and a tampered hash are refused at the gateway', async () => {
    const unknown = await post(gateway.url, { documentId: `sha256:${'b'.repeat(64)}` }, coach);
    expect([unknown.status, codes(unknown.body)]).toEqual([404, ['PERSISTED_DOCUMENT_NOT_FOUND']]);
    const tampered = await post(
      gateway.url,
      { documentId: idOf(VIEWER), query: '{ viewer { role sub } }' },
      coach,
    );
    expect([tampered.status, codes(tampered.body)]).toEqual([400, ['BAD_REQUEST']]);
    const ws = await subscribeOnce(track(wsClient(gw(), coach)), {
      query: '',
      documentId: `sha256:${'b'.repeat(64)}`,
    });
    expect(codes(ws)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  test('a request with neither a document nor an id is refused, not run', async () => {
    for (const body of [{}, { variables: {} }, { query: 42 }]) {
      const answer = await post(gateway.url, body, partner);
      // Yoga's own answer to a request without a query (its status follows the media type).
      expect(codes(answer.body)).toEqual(['BAD_REQUEST']);
      expect(answer.body.data ?? undefined).toBeUndefined();
    }
  });

  test('a subscription by id through the gateway receives the referral event', async () => {
    const received: unknown[] = [];
    const failures: unknown[] = [];
    track(wsClient(gw(), coach)).subscribe(
      { query: '', documentId: idOf(EVENTS) } as unknown as SubscribePayload,
      {
        next: (r) => received.push(r),
        error: (e) => failures.push(e),
        complete: () => undefined,
      },
    );
    // Registered upstream (the hub counts its open subscriptions) before the write.
    await waitUntil(
      async () =>
        /^hub_event_subscribers [1-9]/m.test(await (await fetch(`${t.url}/metrics`)).text()),
      () => `no subscription reached the hub; failures ${JSON.stringify(failures)}`,
    );
    const created = await post(
      gateway.url,
      { documentId: idOf(CREATE), variables: createVariables() },
      caseworker,
    );
    const referralId = (created.body.data!.createReferral as { id: string }).id;
    await waitUntil(
      () =>
        received.some(
          (r) =>
            (r as { data?: { referralEvents?: { referral?: { id: string } } } }).data
              ?.referralEvents?.referral?.id === referralId,
        ),
      () => `no event for ${referralId}: ${JSON.stringify({ received, failures })}`,
      10_000,
    );
    expect(failures).toEqual([]);
  });

  test('the exempt role (from its verified token) runs plain documents through the gateway', async () => {
    const plain = await post(gateway.url, { query: VIEWER.replace('Viewer', 'Mine') }, partner);
    expect(plain).toEqual({ status: 200, body: { data: { viewer: { role: 'PARTNER_SYSTEM' } } } });
    // A token with the exempt role but a signature the hub's key did not make is no exemption.
    const forged = await makeToken(`${TEST_SECRET}-another-key`, {
      role: 'PARTNER_SYSTEM',
      org: 'statistiktjansten',
    });
    const refused = await post(gateway.url, { query: VIEWER.replace('Viewer', 'Mine') }, forged);
    expect(codes(refused.body)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const ws = await subscribeOnce(track(wsClient(gw(), partner)), {
      query: '{ viewer { role } }',
    });
    expect(ws).toEqual({ data: { viewer: { role: 'PARTNER_SYSTEM' } } });
  });

  test('the hub still refuses plain documents from anyone but the gateway', async () => {
    const direct = await post(`${t.url}/graphql`, { query: VIEWER }, coach);
    expect([direct.status, codes(direct.body)]).toEqual([400, ['PERSISTED_DOCUMENT_REQUIRED']]);
    const wrongSecret = await post(`${t.url}/graphql`, { query: VIEWER }, coach, {
      'x-gateway-secret': `${SECRET}-not`,
    });
    expect(codes(wrongSecret.body)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    const asGateway = await post(`${t.url}/graphql`, { query: VIEWER }, coach, {
      'x-gateway-secret': SECRET,
    });
    expect(asGateway.body).toEqual({ data: { viewer: { role: 'JOB_CENTRE_COACH' } } });
    const ws = await subscribeOnce(track(wsClient(t.url, coach)), { query: VIEWER });
    expect(codes(ws)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
  });

  test('the hub hands registered documents to the gateway only', async () => {
    const lookup = (id: string, secret?: string) =>
      fetch(`${t.url}/federation/documents/${encodeURIComponent(id)}`, {
        headers: secret ? { 'x-gateway-secret': secret } : {},
      });
    const anyone = await lookup(idOf(VIEWER));
    expect(anyone.status).toBe(403);
    expect(codes((await anyone.json()) as Answer['body'])).toEqual(['FORBIDDEN']);
    const wrong = await lookup(idOf(VIEWER), 'not-the-secret');
    expect(wrong.status).toBe(403);
    const found = await lookup(idOf(VIEWER), SECRET);
    expect([found.status, await found.json()]).toEqual([200, { id: idOf(VIEWER), text: VIEWER }]);
    // Bare hex is the same id.
    expect((await lookup(sha256(VIEWER), SECRET)).status).toBe(200);
    const missing = await lookup(`sha256:${'c'.repeat(64)}`, SECRET);
    expect([missing.status, codes((await missing.json()) as Answer['body'])]).toEqual([
      404,
      ['PERSISTED_DOCUMENT_NOT_FOUND'],
    ]);
    const malformed = await lookup('sha256:xyz', SECRET);
    expect([malformed.status, codes((await malformed.json()) as Answer['body'])]).toEqual([
      400,
      ['BAD_REQUEST'],
    ]);
  });
});
