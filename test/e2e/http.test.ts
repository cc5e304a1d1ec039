/** The real server over HTTP: endpoints, public queries, tokens, errors (both databases). */
import { startTestHub, type TestHub } from '../helpers/test-hub';
import { SignJWT } from 'jose';
import { TEST_SECRET } from '../helpers/test-hub';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});

afterAll(async () => {
  await t.stop();
});

test('GET /healthz and /readyz answer 200 when running', async () => {
  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(200);
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    status: 'ok',
    detail: {
      database: 'ok',
      migrations: 'ok',
      connectors: {
        socialtjanst: { mode: 'embedded' },
        jobbtorg: { mode: 'embedded' },
        sfi: { mode: 'embedded' },
        arbetsformedlingen: { mode: 'embedded' },
      },
    },
  });
});

test('GET /metrics serves Prometheus text including hub counters', async () => {
  await t.gql('{ viewer { authenticated } }');
  const res = await fetch(`${t.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await res.text();
  expect(text).toMatch(
    /hub_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/,
  );
  expect(text).toMatch(/hub_graphql_operations_total\{type="query",outcome="ok"\} \d+/);
  expect(text).toContain('process_cpu_user_seconds_total');
  expect(text).toMatch(/hub_event_subscribers \d+/);
  expect(text).toMatch(/hub_event_dispatcher_position \d+/);
  expect(text).toMatch(/^hub_event_loop_busy_seconds_total [0-9.e+-]+$/m);
});

test('every response carries a request id; a safe caller id is kept', async () => {
  const own = await t.gql('{ viewer { authenticated } }', {
    headers: { 'x-request-id': 'abc-123' },
  });
  expect(own.headers.get('x-request-id')).toBe('abc-123');
  const unsafe = await t.gql('{ viewer { authenticated } }', {
    headers: { 'x-request-id': 'a b<script>' },
  });
  expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

test('GraphQL answers are never stored by a browser or proxy: POST, GET and errors alike', async () => {
  const post = await t.gql('{ viewer { authenticated } }');
  expect(post.headers.get('cache-control')).toBe('no-store');
  const get = await fetch(
    `${t.url}/graphql?query=${encodeURIComponent('{ viewer { authenticated } }')}`,
    { headers: { 'apollo-require-preflight': 'true' } },
  );
  expect(get.status).toBe(200);
  expect(get.headers.get('cache-control')).toBe('no-store');
  const bad = await t.gql('{ nope }');
  expect(bad.headers.get('cache-control')).toBe('no-store');
});

test('without a token: viewer, organisations and code lists answer', async () => {
  const res = await t.gql<{
    viewer: { authenticated: boolean; role: string | null };
    organisations: { id: string; defaultJobCentre: { id: string } | null }[];
    jc: { id: string; districts: { id: string }[] }[];
    codeList: { code: string; label: string }[];
  }>(`{
    viewer { authenticated role }
    organisations(kind: DISTRICT) { id defaultJobCentre { id } }
    jc: organisations(kind: JOB_CENTRE) { id districts { id } }
    codeList(name: "supportBarrier") { code label }
  }`);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  const data = res.body.data!;
  expect(data.viewer).toEqual({ authenticated: false, role: null });
  expect(data.organisations).toHaveLength(13);
  expect(data.organisations.find((o) => o.id === 'bromma')?.defaultJobCentre?.id).toBe(
    'jobbtorg-vasterort',
  );
  expect(data.jc).toHaveLength(5);
  expect(
    data.jc
      .find((j) => j.id === 'jobbtorg-jarva')
      ?.districts.map((d) => d.id)
      .sort(),
  ).toEqual(['rinkeby-kista', 'spanga-tensta']);
  expect(data.codeList.find((c) => c.code === '23')?.label).toBe('Sociala/medicinska skäl');
});

test('viewer reflects a valid token', async () => {
  const token = await t.token({
    role: 'JOB_CENTRE_COACH',
    org: 'jobbtorg-sydvast',
    sub: 'coach-1',
    scope: 'read',
  });
  const res = await t.gql<{ viewer: Record<string, unknown> }>(
    '{ viewer { authenticated sub role scopes organisation { id kind } expiresAt } }',
    { token },
  );
  expect(res.body.data!.viewer).toMatchObject({
    authenticated: true,
    sub: 'coach-1',
    role: 'JOB_CENTRE_COACH',
    scopes: ['read'],
    organisation: { id: 'jobbtorg-sydvast', kind: 'JOB_CENTRE' },
  });
  expect(Date.parse(res.body.data!.viewer.expiresAt as string)).toBeGreaterThan(Date.now());
});

test.each([
  ['garbage', 'Bearer not-a-jwt', 'Invalid token'],
  ['wrong scheme', 'Basic dXNlcjpwYXNz', 'Authorization must be "Bearer <token>"'],
])(
  'a %s Authorization header is UNAUTHENTICATED with status 401',
  async (_name, header, message) => {
    const res = await t.gql('{ viewer { authenticated } }', { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(res.body.data).toBeUndefined();
  },
);

test('an expired token is UNAUTHENTICATED', async () => {
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('cw')
    .setIssuedAt(now - 7200)
    .setExpirationTime(now - 3600)
    .sign(new TextEncoder().encode(TEST_SECRET));
  const res = await t.gql('{ viewer { authenticated } }', { token: expired });
  expect(res.status).toBe(401);
  expect(res.body.errors?.[0]).toEqual({
    message: 'Token expired',
    extensions: { code: 'UNAUTHENTICATED' },
  });
});

test('an unknown code list is BAD_USER_INPUT naming the argument', async () => {
  const res = await t.gql('{ codeList(name: "nope") { code } }');
  expect(res.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
});

test('invalid variables are rejected without echoing the value', async () => {
  const res = await t.gql('query ($k: OrganisationKind) { organisations(kind: $k) { id } }', {
    variables: { k: '199001011234' },
  });
  expect(res.status).toBe(400);
  expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(JSON.stringify(res.body)).not.toContain('199001011234');
});

test('responses never contain stack traces', async () => {
  const res = await t.gql('{ nope }');
  expect(res.body.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  expect(JSON.stringify(res.body)).not.toMatch(/stacktrace|at \w+ \(/);
});
