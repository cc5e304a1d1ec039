/**
 * OpenTelemetry traces from a real hub process (tracing must be registered before pg and
 * undici load, so not the in-process test hub), exporting OTLP over HTTP (http/json) to a
 * receiver in this test:
 *  - an HTTP caseload continuing the caller's `traceparent`: its operation span, the four
 *    connector calls (two agencies embedded, two over HTTP against the simulators), their SQL
 *    and the outgoing HTTP, all in the caller's trace; each simulator got a `traceparent`
 *    of that trace;
 *  - a query and a subscription over graphql-ws continuing `connectionParams.traceparent`;
 *  - personByPersonnummer (a variable over HTTP, a literal over WS) and createReferral by
 *    personnummer with a free-text note, then: no personnummer, name, person id or note used
 *    in any exported span's name, attributes or events;
 *  - tracing off (the default): the receiver gets nothing, and the first module the entry
 *    loads patches nothing and loads no SDK (checked in a plain Node process).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { makeToken } from '../../scripts/token';
import { SOURCE_NAMES, type SourceName } from '../../src/connectors/types';
import { generateDemoData } from '../../src/seed/generate';
import {
  hubEnvironment,
  startSimulators,
  stopSimulators,
  type Simulators,
} from '../../src/simulators';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET } from '../helpers/test-hub';

const PERSONS = 60;
const data = generateDemoData({ persons: PERSONS });
/** Over HTTP to the simulators; the other two stay embedded. */
const OVER_HTTP: SourceName[] = ['sfi', 'arbetsformedlingen'];
const ENV_PREFIX: Record<SourceName, string> = {
  socialtjanst: 'SOCIALTJANST_',
  jobbtorg: 'JOBBTORG_',
  sfi: 'SFI_',
  arbetsformedlingen: 'AF_',
};

// --- an OTLP/HTTP receiver (http/json) ----------------------------------------------------

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  /** Everything exported about the span, flattened to text, for the personal-data scan. */
  text: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
  events?: { name: string; attributes?: { key: string; value: OtlpValue }[] }[];
}
interface OtlpRequest {
  resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/** OTLP/JSON ids are hex; accept base64 too, as protobuf-JSON mappings write it. */
const hexId = (id: string | undefined): string =>
  !id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');

const plain = (v: OtlpValue): unknown =>
  v.arrayValue
    ? (v.arrayValue.values ?? []).map(plain)
    : (v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);

class Receiver {
  readonly spans: ReceivedSpan[] = [];
  requests = 0;
  /** Bodies of OTLP/protobuf requests (not decoded). */
  readonly protobuf: Buffer[] = [];
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests++;
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.headers['content-type'] === 'application/x-protobuf') this.protobuf.push(body);
      if (req.url === '/v1/traces' && String(req.headers['content-type']).includes('json')) {
        const parsed = JSON.parse(body.toString('utf8')) as OtlpRequest;
        for (const rs of parsed.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              const attributes = Object.fromEntries(
                (s.attributes ?? []).map((a) => [a.key, plain(a.value)]),
              );
              this.spans.push({
                traceId: hexId(s.traceId),
                spanId: hexId(s.spanId),
                parentSpanId: hexId(s.parentSpanId),
                name: s.name,
                kind: s.kind,
                attributes,
                text: JSON.stringify([s.name, s.attributes ?? [], s.events ?? []]),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Waits until the spans exported so far satisfy `done` (spans come in batches). */
  async waitFor(what: string, done: (spans: ReceivedSpan[]) => boolean): Promise<void> {
    for (let i = 0; i < 150; i++) {
      if (done(this.spans)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never received ${what}; got: ${this.spans.map((s) => s.name).join(', ')}`);
  }

  inTrace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }
}

// --- helpers ------------------------------------------------------------------------------

/** A caller's trace context: version 00, a new trace, sampled. */
function callerTrace(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const busiest = (ids: string[]): string => {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
};
const DISTRICT = busiest(data.persons.map((p) => p.homeDistrictId));

const CASELOAD = `query Caseload { persons(first: 50) { edges { node { id givenName familyName
  financialAid { active supportBarrier { label } } jobCentre { coach status }
  sfi { course { code } } employmentService { registered category { label } } } } } }`;

type CaseloadData = {
  persons: { edges: { node: { id: string; givenName: string; familyName: string } }[] };
};

async function gql<T>(
  hub: ServerProcess,
  body: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<{ data?: T; errors?: { extensions?: { code?: string } }[] }> {
  const res = await fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { data?: T; errors?: { extensions?: { code?: string } }[] };
}

const attr = (s: ReceivedSpan, key: string) => s.attributes[key];
/** pg's spans on a PostgreSQL server, the hub's own on PGlite: the same attributes. */
const isSql = (s: ReceivedSpan) =>
  attr(s, 'db.system.name') === 'postgresql' && typeof attr(s, 'db.query.text') === 'string';

let db: TestDatabase;
let sims: Simulators;
let receiver: Receiver;
let hub: ServerProcess;
let token: string;

beforeAll(async () => {
  receiver = new Receiver();
  const endpoint = await receiver.start();
  sims = await startSimulators(data);
  db = await createTestDatabase();
  const prefixes = OVER_HTTP.map((s) => ENV_PREFIX[s]);
  const agencies = Object.fromEntries(
    Object.entries(hubEnvironment(sims)).filter(([k]) => prefixes.some((p) => k.startsWith(p))),
  );
  hub = await startServerProcess({
    ...agencies,
    ...(db.url ? { DATABASE_URL: db.url } : { PGLITE_DATA_DIR: 'memory://' }),
    DEMO_DATA: 'on',
    DEMO_PERSONS: String(PERSONS),
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_SERVICE_NAME: 'hub-under-test',
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  token = await makeToken(TEST_SECRET, { role: 'DISTRICT_CASEWORKER', org: DISTRICT });
}, 120_000);

afterAll(async () => {
  if (hub) {
    hub.child.kill('SIGTERM');
    await hub.exited;
  }
  if (sims) await stopSimulators(sims);
  await receiver?.stop();
  await db?.drop();
  // The hub above lives through every test: leftovers are killed at the end, not after each.
  killLeftoverProcesses();
});

/** Persons, personnummer and names the tests used: none may be in any span. */
const used = new Set<string>();
function remember(id: string): void {
  const p = data.persons.find((x) => x.id === id);
  if (!p) throw new Error(`not a demo person: ${id}`);
  for (const v of [
    p.id,
    p.personnummer,
    p.personnummer.replace('-', ''),
    p.givenName,
    p.familyName,
  ]) {
    used.add(v);
  }
}
let caseloadIds: string[] = [];

test('an HTTP caseload is one trace continuing the caller: operation, four connectors, SQL, agency HTTP', async () => {
  expect(OVER_HTTP.length).toBeGreaterThan(0);
  const caller = callerTrace();
  const res = await gql<CaseloadData>(
    hub,
    { query: CASELOAD },
    {
      authorization: `Bearer ${token}`,
      traceparent: caller.traceparent,
    },
  );
  // Persons who gave no consent answer some fields with FORBIDDEN; nothing else may fail.
  const codes = [...new Set((res.errors ?? []).map((e) => e.extensions?.code))];
  expect(codes.filter((c) => c !== 'FORBIDDEN')).toEqual([]);
  caseloadIds = res.data!.persons.edges.map((e) => e.node.id);
  expect(caseloadIds.length).toBeGreaterThan(0);
  caseloadIds.forEach(remember);

  const trace = () => receiver.inTrace(caller.traceId);
  await receiver.waitFor('the caseload trace', () => {
    const spans = trace();
    return (
      spans.some((s) => s.name === 'query Caseload') &&
      SOURCE_NAMES.every((a) => spans.some((s) => s.name === `connector ${a}`)) &&
      spans.some((s) => s.kind === 3 /* CLIENT */ && 'url.full' in s.attributes) &&
      spans.some(isSql)
    );
  });
  const spans = trace();
  const op = spans.find((s) => s.name === 'query Caseload')!;
  expect(op.parentSpanId).toBe(caller.spanId);
  expect(op.kind).toBe(2); // SERVER
  expect(op.attributes).toMatchObject({
    'graphql.operation.type': 'query',
    'graphql.operation.name': 'Caseload',
    'hub.transport': 'http',
    'hub.graphql.outcome': codes.length ? 'error' : 'ok',
  });
  if (codes.length) expect(attr(op, 'hub.graphql.error_codes')).toEqual(codes);

  for (const agency of SOURCE_NAMES) {
    const calls = spans.filter((s) => s.name === `connector ${agency}`);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    const http = OVER_HTTP.includes(agency);
    expect(call.attributes).toMatchObject({
      'hub.connector.agency': agency,
      'hub.connector.mode': http ? 'http' : 'embedded',
      'hub.connector.outcome': 'ok',
    });
    expect(Number(attr(call, 'hub.connector.batch_size'))).toBeGreaterThan(0);
    if (http) {
      expect(attr(call, 'hub.connector.breaker.state')).toBe('closed');
      // Its outgoing request is a child span, and the agency got this trace's traceparent.
      const out = spans.filter((s) => s.parentSpanId === call.spanId && 'url.full' in s.attributes);
      expect(out.length).toBeGreaterThan(0);
      expect(String(attr(out[0], 'url.full'))).toContain(sims[agency].url);
      const sent = sims[agency].lastRequest?.headers.traceparent;
      expect(sent).toMatch(new RegExp(`^00-${caller.traceId}-[0-9a-f]{16}-01$`));
      expect(String(sent).split('-')[2]).toBe(out[0].spanId);
    } else {
      expect(call.attributes).not.toHaveProperty('hub.connector.breaker.state');
      // An embedded agency's SQL runs inside its connector span.
      expect(spans.some((s) => isSql(s) && s.parentSpanId === call.spanId)).toBe(true);
    }
  }
  // The SQL spans carry the statement with placeholders, never its values.
  const sql = spans.filter(isSql);
  expect(sql.map((s) => String(attr(s, 'db.query.text'))).join('\n')).toContain('$1');
  for (const s of sql) {
    expect(Object.keys(s.attributes).filter((k) => /param/i.test(k))).toEqual([]);
  }
});

test('personByPersonnummer, with the personnummer as a variable', async () => {
  const person = data.persons.find((p) => caseloadIds.includes(p.id))!;
  const caller = callerTrace();
  const res = await gql<{ personByPersonnummer: { id: string } | null }>(
    hub,
    {
      query:
        'query Lookup($pnr: String!) { personByPersonnummer(personnummer: $pnr) { id givenName familyName financialAid { active } } }',
      variables: { pnr: person.personnummer },
    },
    { authorization: `Bearer ${token}`, traceparent: caller.traceparent },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data!.personByPersonnummer?.id).toBe(person.id);
  remember(person.id);
  await receiver.waitFor('the lookup trace', () =>
    receiver.inTrace(caller.traceId).some((s) => s.name === 'query Lookup'),
  );
});

test('a query and a subscription over graphql-ws continue connectionParams.traceparent', async () => {
  const person = data.persons.find((p) => caseloadIds.includes(p.id))!;
  const caller = callerTrace();
  const client = createClient({
    url: `${hub.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}`, traceparent: caller.traceparent },
  });
  try {
    // The personnummer as a literal in the document: the document is never recorded either.
    const it = client.iterate<{ personByPersonnummer: { id: string } | null }>({
      query: `query WsLookup { personByPersonnummer(personnummer: "${person.personnummer}") { id givenName familyName financialAid { active } } }`,
    });
    const first = await it.next();
    await it.return?.();
    const result = first.value as { data?: { personByPersonnummer: { id: string } | null } };
    expect(result.data?.personByPersonnummer?.id).toBe(person.id);
    // A subscription: its span covers setting it up, so it is exported while it runs.
    const stop = client.subscribe(
      { query: 'subscription WsEvents { referralEvents { id } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    try {
      await receiver.waitFor('the subscription span', () =>
        receiver
          .inTrace(caller.traceId)
          .some((s) => s.name === 'subscription WsEvents' && s.parentSpanId === caller.spanId),
      );
    } finally {
      stop();
    }
  } finally {
    await client.dispose();
  }
  remember(person.id);
  await receiver.waitFor('the WebSocket trace', () =>
    receiver.inTrace(caller.traceId).some((s) => s.name === 'query WsLookup'),
  );
  const spans = receiver.inTrace(caller.traceId);
  const op = spans.find((s) => s.name === 'query WsLookup')!;
  expect(op.parentSpanId).toBe(caller.spanId);
  expect(op.attributes).toMatchObject({
    'graphql.operation.type': 'query',
    'graphql.operation.name': 'WsLookup',
    'hub.transport': 'ws',
    'hub.graphql.outcome': 'ok',
  });
  expect(
    spans.some((s) => s.name === 'connector socialtjanst' && s.parentSpanId === op.spanId),
  ).toBe(true);
  expect(spans.some(isSql)).toBe(true);
});

test('without connectionParams.traceparent, graphql-ws continues the upgrade request header', async () => {
  const caller = callerTrace();
  // What a gateway does: the header on the upgrade request, nothing in connection_init.
  class WithTraceHeader extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { traceparent: caller.traceparent } });
    }
  }
  const client = createClient({
    url: `${hub.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WithTraceHeader,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  try {
    const it = client.iterate({ query: 'query WsViewer { viewer { role } }' });
    await it.next();
    await it.return?.();
  } finally {
    await client.dispose();
  }
  await receiver.waitFor('the upgrade-header trace', () =>
    receiver
      .inTrace(caller.traceId)
      .some((s) => s.name === 'query WsViewer' && s.parentSpanId === caller.spanId),
  );
});

test('createReferral by personnummer with a free-text note', async () => {
  const note = `Fritext om hälsan, synthetic ${randomBytes(4).toString('hex')}`;
  const caller = callerTrace();
  let created: { id: string } | undefined;
  // A person the caseload showed who has no open referral yet (the demo data has some).
  for (const person of data.persons.filter((p) => caseloadIds.includes(p.id))) {
    const res = await gql<{ createReferral: { id: string } }>(
      hub,
      {
        query:
          'mutation Refer($i: CreateReferralInput!) { createReferral(input: $i) { id status } }',
        variables: {
          i: {
            personnummer: person.personnummer,
            targetGroup: 'ARBETSLOS',
            supportBarrier: '02',
            note,
            firstAppointmentAt: '2099-01-15T09:00:00.000Z',
          },
        },
      },
      { authorization: `Bearer ${token}`, traceparent: caller.traceparent },
    );
    remember(person.id);
    if (res.data?.createReferral) {
      created = res.data.createReferral;
      break;
    }
  }
  expect(created).toBeDefined();
  used.add(note);
  await receiver.waitFor('the referral trace', () =>
    receiver
      .inTrace(caller.traceId)
      .some((s) => s.name === 'mutation Refer' && attr(s, 'hub.graphql.outcome') === 'ok'),
  );
  expect(receiver.inTrace(caller.traceId).some(isSql)).toBe(true);
});

test('no personnummer, name, person id or note in any exported span', () => {
  // The scan must have something to find in: the persons were used, the spans exported.
  expect(used.size).toBeGreaterThan(5);
  expect(receiver.spans.length).toBeGreaterThan(10);
  const leaks: string[] = [];
  for (const span of receiver.spans) {
    for (const value of used) {
      if (span.text.includes(value)) leaks.push(`${span.name}: ${value}`);
    }
  }
  expect(leaks).toEqual([]);
});

test('a span that carried personal data would be found (the scan works)', () => {
  const person = data.persons.find((p) => used.has(p.id))!;
  const fake = {
    text: JSON.stringify(['x', [{ key: 'k', value: { stringValue: person.familyName } }]]),
  };
  expect([...used].some((v) => fake.text.includes(v))).toBe(true);
});

describe('tracing off (the default)', () => {
  test('a hub with an OTLP endpoint but no OTEL_TRACES_EXPORTER exports nothing', async () => {
    const quiet = new Receiver();
    const endpoint = await quiet.start();
    const off = await startServerProcess({
      PGLITE_DATA_DIR: 'memory://',
      DEMO_DATA: 'on',
      DEMO_PERSONS: '20',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    try {
      const res = await gql<CaseloadData>(
        off,
        { query: CASELOAD },
        {
          authorization: `Bearer ${token}`,
          traceparent: callerTrace().traceparent,
        },
      );
      expect(res.data?.persons).toBeDefined();
    } finally {
      off.child.kill('SIGTERM');
      await off.exited; // a running SDK would flush on SIGTERM
      await quiet.stop();
    }
    expect(quiet.requests).toBe(0);
  }, 90_000);

  const probe = `
    require('./src/observability/tracing/register');
    const pg = require('pg');
    const loaded = Object.keys(require.cache);
    process.stdout.write(JSON.stringify({
      sdk: loaded.some((f) => f.includes('@opentelemetry/sdk-trace')),
      instrumentationPg: loaded.some((f) => f.includes('@opentelemetry/instrumentation-pg')),
      pgPatched: '__wrapped' in pg.Client.prototype.query,
      active: require('./src/observability/tracing/state').tracingActive(),
    }));
    // One span, flushed on shutdown: with tracing on it goes to the endpoint.
    require('@opentelemetry/api').trace.getTracer('probe').startSpan('probe-span').end();
    require('./src/observability/tracing/state').shutdownTracing();`;
  const run = async (env: Record<string, string>) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register', '-e', probe],
      { cwd: join(__dirname, '..', '..'), env: { PATH: process.env.PATH, ...env } },
    );
    return JSON.parse(stdout) as Record<string, boolean>;
  };

  test('the entry module loads no SDK and patches nothing when off, and does when on', async () => {
    const none = { sdk: false, instrumentationPg: false, pgPatched: false, active: false };
    expect(await run({})).toEqual(none);
    expect(await run({ OTEL_TRACES_EXPORTER: 'none' })).toEqual(none);
    expect(await run({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toEqual(none);
    // The same probe sees the SDK and the patch when on: the check can fail. And with the
    // default protocol (http/protobuf), its span reaches the endpoint as protobuf.
    const collector = new Receiver();
    const endpoint = await collector.start();
    try {
      expect(
        await run({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
      ).toEqual({ sdk: true, instrumentationPg: true, pgPatched: true, active: true });
    } finally {
      await collector.stop();
    }
    expect(collector.protobuf).toHaveLength(1);
    expect(collector.protobuf[0].toString('latin1')).toContain('probe-span');
    expect(collector.protobuf[0].toString('latin1')).toContain('samverkan-hub');
  }, 60_000);
});
