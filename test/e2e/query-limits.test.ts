/**
 * Query limits over HTTP and WebSocket alike (depth, aliases, tokens, cost with page sizes),
 * batching off, CSRF prevention, and production hardening (no introspection, no suggestions).
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestHub, type TestHub } from '../helpers/test-hub';

const LIMITS = {
  QUERY_MAX_DEPTH: '5',
  QUERY_MAX_ALIASES: '3',
  QUERY_MAX_TOKENS: '300',
  QUERY_MAX_COST: '600',
};

let t: TestHub;
let prod: TestHub;
let coach: string;
const clients: Client[] = [];

beforeAll(async () => {
  [t, prod] = await Promise.all([startTestHub(LIMITS), startTestHub({ NODE_ENV: 'production' })]);
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
}, 60000);

afterAll(async () => {
  for (const c of clients.splice(0)) await c.dispose();
  await Promise.all([t.stop(), prod.stop()]);
});

function overWs(
  hub: TestHub,
  query: string,
  token?: string,
): Promise<{ extensions?: Record<string, unknown>; message: string }[]> {
  const c = createClient({
    url: `${hub.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
  clients.push(c);
  return new Promise((resolve) => {
    c.subscribe(
      { query },
      {
        next: (r) => resolve((r.errors ?? []) as never),
        error: (e) => resolve(e as never),
        complete: () => resolve([]),
      },
    );
  });
}

const DEEP =
  '{ organisations { defaultJobCentre { districts { defaultJobCentre { districts { defaultJobCentre { id } } } } } } }';
const ALIASES =
  '{ a: viewer { authenticated } b: viewer { authenticated } c: viewer { authenticated } d: viewer { authenticated } }';
const MANY_TOKENS = `{ ${Array.from({ length: 120 }, (_, i) => `f${i}: codeListNames`).join(' ')} }`;
const page = (first: number) =>
  `{ persons(first: ${first}) { edges { node { id givenName familyName financialAid { status caseworker } jobCentre { status coach } } } } }`;

test.each([
  ['depth', DEEP],
  ['aliases', ALIASES],
  ['tokens', MANY_TOKENS],
])(
  'too much %s: QUERY_TOO_COMPLEX over HTTP and WebSocket, nothing executed',
  async (_what, query) => {
    const http = await t.gql(query, { token: coach });
    expect(http.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(http.body.data).toBeUndefined();
    const ws = await overWs(t, query, coach);
    expect(ws[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  },
);

test('cost counts page sizes: the same selection passes with first: 5 and fails with first: 100', async () => {
  const small = await t.gql(page(5), { token: coach });
  expect(small.body.errors).toBeUndefined();
  const large = await t.gql(page(100), { token: coach });
  expect(large.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
  expect(large.body.errors?.[0].message).toMatch(/cost \d+ exceeds the limit of 600/);
  expect((await overWs(t, page(100), coach))[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(await overWs(t, page(5), coach)).toEqual([]);
});

test('cost uses variables: first: $n is evaluated', async () => {
  const q =
    'query ($n: Int) { persons(first: $n) { edges { node { id givenName familyName financialAid { status caseworker } jobCentre { status coach } } } } }';
  expect((await t.gql(q, { token: coach, variables: { n: 5 } })).body.errors).toBeUndefined();
  expect(
    (await t.gql(q, { token: coach, variables: { n: 100 } })).body.errors?.[0].extensions?.code,
  ).toBe('QUERY_TOO_COMPLEX');
});

test('batched HTTP requests are refused', async () => {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { query: '{ viewer { authenticated } }' },
      { query: '{ viewer { authenticated } }' },
    ]),
  });
  expect(res.status).toBe(400);
});

test('CSRF prevention: a simple GET request without a preflight header is refused', async () => {
  const res = await fetch(
    `${t.url}/graphql?query=${encodeURIComponent('{ viewer { authenticated } }')}`,
  );
  expect(res.status).toBe(400);
  const ok = await fetch(
    `${t.url}/graphql?query=${encodeURIComponent('{ viewer { authenticated } }')}`,
    {
      headers: { 'apollo-require-preflight': 'true' },
    },
  );
  expect(ok.status).toBe(200);
});

test('in production: no introspection and no field suggestions, over HTTP and WebSocket', async () => {
  const intro = await prod.gql('{ __schema { types { name } } }');
  expect(intro.body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect((await overWs(prod, '{ __schema { types { name } } }'))[0]?.extensions?.code).toBe(
    'GRAPHQL_VALIDATION_FAILED',
  );
  const typo = await prod.gql('{ viewr { authenticated } }');
  expect(typo.body.errors?.[0].message).toBe('Cannot query field "viewr" on type "Query".');
  const typoWs = await overWs(prod, '{ viewr { authenticated } }');
  expect(typoWs[0]?.message).toBe('Cannot query field "viewr" on type "Query".');
  // Development keeps suggestions for developers.
  const dev = await t.gql('{ viewr { authenticated } }');
  expect(dev.body.errors?.[0].message).toMatch(/Did you mean "viewer"\?/);
});
