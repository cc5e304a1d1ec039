/**
 * What the gateway sends upstream, seen from a stub hub subgraph that records every HTTP
 * request's headers, every WebSocket upgrade's headers and every connection_init payload:
 * the gateway secret always (on HTTP a header; on graphql-ws a header on the upgrade and a
 * connection parameter), the client's own authorization and x-purpose, and nothing else the
 * client sent. Real servers on 127.0.0.1 port 0; no database.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { graphql, parse } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { startAppointmentsSubgraph, type AppointmentsSubgraph } from '../../src/appointments';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/gateway/gateway';
import {
  APPOINTMENTS,
  appointmentsSubgraphSdl,
  composeSupergraph,
  HUB,
} from '../../src/gateway/supergraph';
import { RecordedSubscription } from '../helpers/event-subscribers';

const JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
const SECRET = 'gateway-secret-for-the-upstream-tests-0123456789';

const STUB_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Referral @key(fields: "id") { id: ID! status: String! }
  type Person @key(fields: "id") { id: ID! givenName: String }
  type Organisation @key(fields: "id") { id: ID! name: String! }
  type Query { referrals: [Referral!]! }
  type Subscription { referralChanged: Referral! }
`;

interface StubHub {
  url: string;
  http: IncomingHttpHeaders[];
  upgrades: IncomingHttpHeaders[];
  connectionParams: (Record<string, unknown> | undefined)[];
  stop(): Promise<void>;
}

/** A hub stand-in that answers everything and remembers what reached it. */
async function startStubHub(): Promise<StubHub> {
  const schema = buildSubgraphSchema([
    {
      typeDefs: parse(STUB_SDL),
      resolvers: {
        Query: { referrals: () => [{ id: 'r1', status: 'SENT' }] },
        Subscription: {
          referralChanged: {
            async *subscribe() {
              yield { referralChanged: { id: 'r1', status: 'ACCEPTED' } };
              await new Promise((resolve) => setTimeout(resolve, 50));
              yield { referralChanged: { id: 'r1', status: 'CLOSED' } };
            },
          },
        },
        Referral: { __resolveReference: (r: { id: string }) => ({ id: r.id, status: 'SENT' }) },
        Person: { __resolveReference: (p: { id: string }) => ({ id: p.id, givenName: 'Stub' }) },
        Organisation: {
          __resolveReference: (o: { id: string }) => ({ id: o.id, name: `Org ${o.id}` }),
        },
      },
    },
  ]);
  const stub: Omit<StubHub, 'url' | 'stop'> = { http: [], upgrades: [], connectionParams: [] };
  const server: Server = createServer((req, res) => {
    stub.http.push(req.headers);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { query, variables } = JSON.parse(body) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      void graphql({ schema, source: query, variableValues: variables }).then((result) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
      });
    });
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  wss.on('connection', (_socket, req) => stub.upgrades.push(req.headers));
  const ws = useServer(
    {
      schema,
      onConnect: (ctx) => {
        stub.connectionParams.push(ctx.connectionParams);
        return true;
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...stub,
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('what the gateway sends upstream', () => {
  let hub: StubHub;
  let appointments: AppointmentsSubgraph;
  let gateway: Gateway;
  const clients: Client[] = [];

  beforeAll(async () => {
    hub = await startStubHub();
    appointments = await startAppointmentsSubgraph({
      port: 0,
      auth: loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: JWT_SECRET }).auth,
      gatewaySecret: SECRET,
    });
    gateway = await startGateway({
      // Composed here, at URLs other than the served ones: the gateway's own URLs win.
      supergraph: composeSupergraph([
        { name: HUB, url: 'http://127.0.0.1:9/graphql', sdl: STUB_SDL },
        { name: APPOINTMENTS, url: 'http://127.0.0.1:9/graphql', sdl: appointmentsSubgraphSdl() },
      ]),
      hubUrl: hub.url,
      appointmentsUrl: appointments.url,
      gatewaySecret: SECRET,
      port: 0,
      logLevel: 'silent',
    });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.dispose();
  });

  afterAll(async () => {
    await gateway?.stop();
    await appointments?.stop();
    await hub?.stop();
  });

  test('HTTP: the secret, the client’s authorization and x-purpose, nothing else it sent', async () => {
    hub.http.length = 0;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer the-users-token',
        'x-purpose': 'follow-up',
        // None of these may reach a subgraph: a forged credential, a claimed role, a cookie.
        'x-gateway-secret': 'forged-by-the-client',
        'x-role': 'ADMIN',
        cookie: 'session=abc',
      },
      body: JSON.stringify({ query: '{ referrals { id status } }' }),
    });
    expect(await res.json()).toEqual({ data: { referrals: [{ id: 'r1', status: 'SENT' }] } });
    expect(hub.http).toHaveLength(1);
    const sent = hub.http[0];
    expect(sent['x-gateway-secret']).toBe(SECRET);
    expect(sent.authorization).toBe('Bearer the-users-token');
    expect(sent['x-purpose']).toBe('follow-up');
    expect(sent['x-role']).toBeUndefined();
    expect(sent.cookie).toBeUndefined();
  });

  test('HTTP: without a client authorization none is invented', async () => {
    hub.http.length = 0;
    await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ referrals { id } }' }),
    });
    expect(hub.http[0]['x-gateway-secret']).toBe(SECRET);
    expect(hub.http[0].authorization).toBeUndefined();
  });

  test('graphql-ws: the secret on the upgrade and in connection_init, with the user’s token and purpose', async () => {
    hub.upgrades.length = 0;
    hub.connectionParams.length = 0;
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: {
        // The hub's own clients' names: Authorization in either case, purpose.
        Authorization: 'Bearer the-users-token',
        purpose: 'case-system-sync',
        'x-gateway-secret': 'forged-by-the-client',
        role: 'ADMIN',
      },
    });
    clients.push(client);
    const sub = new RecordedSubscription<{ id: string; status: string }>(
      client,
      'stub',
      'subscription { referralChanged { id status } }',
      {},
      'referralChanged',
    );
    await sub.waitForEnd(10_000);
    expect(sub.errors).toBeNull();
    expect(sub.items).toEqual([
      { id: 'r1', status: 'ACCEPTED' },
      { id: 'r1', status: 'CLOSED' },
    ]);
    expect(hub.upgrades).toHaveLength(1);
    expect(hub.upgrades[0]['x-gateway-secret']).toBe(SECRET);
    expect(hub.connectionParams).toEqual([
      {
        'x-gateway-secret': SECRET,
        authorization: 'Bearer the-users-token',
        purpose: 'case-system-sync',
      },
    ]);
  });

  test('graphql-ws: two users, two upstream connections, each with its own token', async () => {
    hub.connectionParams.length = 0;
    const subs = ['Bearer user-a', 'Bearer user-b'].map((authorization) => {
      const client = createClient({
        url: gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization },
      });
      clients.push(client);
      return new RecordedSubscription(
        client,
        authorization,
        'subscription { referralChanged { id } }',
        {},
        'referralChanged',
      );
    });
    for (const s of subs) await s.waitForEnd(10_000);
    expect(hub.connectionParams.map((p) => p?.authorization).sort()).toEqual([
      'Bearer user-a',
      'Bearer user-b',
    ]);
  });
});
