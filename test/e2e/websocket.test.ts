/** GraphQL over WebSocket (graphql-ws) against the real server (both databases). */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
const clients: Client[] = [];

beforeAll(async () => {
  t = await startTestHub();
});

afterEach(async () => {
  for (const c of clients.splice(0)) await c.dispose();
});

afterAll(async () => {
  await t.stop();
});

function wsUrl(): string {
  return `${t.url.replace('http', 'ws')}/graphql`;
}

function client(authorization?: string, onClosed?: (code: number, reason: string) => void): Client {
  const c = createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined, // the tests observe closes through `on.closed`
    connectionParams: authorization ? { authorization } : {},
    on: {
      closed: (e) => onClosed?.((e as { code: number }).code, (e as { reason: string }).reason),
    },
  });
  clients.push(c);
  return c;
}

async function run<T>(c: Client, query: string): Promise<{ data?: T; errors?: unknown[] }> {
  const it = c.iterate<T>({ query });
  const first = await it.next();
  await it.return?.();
  return first.value as { data?: T; errors?: unknown[] };
}

test('a valid token in connection_init authenticates operations', async () => {
  const token = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  const result = await run<{ viewer: { role: string; organisation: { id: string } } }>(
    client(`Bearer ${token}`),
    '{ viewer { role organisation { id } } }',
  );
  expect(result.data?.viewer).toEqual({
    role: 'DISTRICT_CASEWORKER',
    organisation: { id: 'skarholmen' },
  });
});

test('without a token the connection is anonymous and public fields answer', async () => {
  const result = await run<{ viewer: { authenticated: boolean }; organisations: unknown[] }>(
    client(),
    '{ viewer { authenticated } organisations(kind: JOB_CENTRE) { id } }',
  );
  expect(result.data?.viewer.authenticated).toBe(false);
  expect(result.data?.organisations).toHaveLength(5);
});

test('a bad token closes the connection with 4403', async () => {
  const closed = new Promise<number>((resolve) =>
    client('Bearer not-a-jwt', (code) => resolve(code)),
  );
  expect(await closed).toBe(4403);
});

test('errors over WebSocket carry the same codes as over HTTP', async () => {
  const result = await run(client(), '{ codeList(name: "nope") { code } }');
  expect(result.errors).toEqual([
    expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'name' } }),
  ]);
});

test('a socket that never sends connection_init is closed with 4408', async () => {
  const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
  const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
  expect(code).toBe(4408);
});

test('request errors get the same codes as over HTTP: invalid variables and syntax', async () => {
  const c = client();
  const bad = await new Promise<unknown[]>((resolve) => {
    c.subscribe(
      {
        query: 'query ($k: OrganisationKind) { organisations(kind: $k) { id } }',
        variables: { k: '199001011234' },
      },
      {
        next: (r) => resolve(r.errors as unknown[]),
        error: (e) => resolve(e as unknown[]),
        complete: () => undefined,
      },
    );
  });
  expect(JSON.stringify(bad)).not.toContain('199001011234');
  expect(bad).toEqual([
    expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'k' } }),
  ]);
  const syntax = await new Promise<unknown[]>((resolve) => {
    c.subscribe(
      { query: '{ viewer {' },
      {
        next: (r) => resolve(r.errors as unknown[]),
        error: (e) => resolve(e as unknown[]),
        complete: () => undefined,
      },
    );
  });
  expect(syntax).toEqual([
    expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
  ]);
});
