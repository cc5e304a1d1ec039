/**
 * Request bodies the routes cannot take — not JSON, truncated, of another content type,
 * charset or content-encoding, over the limit, or cut off by the client — on /graphql and
 * /dev/token, in development and in production. Each is answered as a GraphQL error in
 * JSON with a stable code and status, never with Express's HTML error page (which carries
 * the stack outside production), and nothing of the body or the server's files is echoed;
 * the log has the request id and the reason, never the body.
 */
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { createLogger } from '../../src/observability/logger';
import { Hub } from '../../src/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { testConfig } from '../helpers/test-hub';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with exactly these headers and bytes (fetch would add or fix some). */
function send(
  base: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(options.path, base),
      { method: options.method ?? 'POST', headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
/** A personnummer-like marker: no answer and no log line may contain it. */
const MARKER = '199001011234';
const NOT_JSON = `not json ${MARKER}`;
const TRUNCATED = `{"query":"{ viewer { role } }","variables":{"pnr":"${MARKER}"`;
const VALID = JSON.stringify({ query: '{ viewer { role } }', variables: { pnr: MARKER } });
const OVER_1MB = JSON.stringify({ query: `# ${MARKER} ${'x'.repeat(1024 * 1024)}` });
const OVER_2KB = JSON.stringify({ role: 'ADMIN', org: MARKER, sub: 'x'.repeat(3000) });

/** The answer is a GraphQL error with this code, and gives nothing away. */
function expectSafeError(res: Answer, code: string, sent: string): void {
  expect(JSON.parse(res.text)).toEqual({
    errors: [{ message: expect.any(String) as string, extensions: { code } }],
  });
  // No stack, no file path, no part of the body sent.
  for (const leak of ['at ', '/src/', '/node_modules/', '.ts', '.js:', MARKER]) {
    expect(res.text).not.toContain(leak);
  }
  expect(res.text).not.toContain(sent.slice(0, 12));
  expect(res.headers['content-type']).not.toMatch(/html/);
}

interface Started {
  hub: Hub;
  db: TestDatabase;
  url: string;
  logs: string[];
}

async function startHub(env: Record<string, string>): Promise<Started> {
  const db = await createTestDatabase();
  const config = testConfig(db, { ...env, LOG_LEVEL: 'info' });
  const logs: string[] = [];
  const hub = new Hub(config, {
    logger: createLogger('info', { write: (line: string) => void logs.push(line) }),
  });
  await hub.start();
  return { hub, db, url: hub.url, logs };
}

/** The error handler's line for this request (waits for it: an abort is noticed later). */
async function logLine(logs: string[], requestId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const line = logs.find(
      (l) => l.includes(`"requestId":"${requestId}"`) && l.includes('"msg":"request refused"'),
    );
    if (line) return JSON.parse(line) as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line for ${requestId}`);
}

describe.each([
  ['development', {}],
  ['production', { NODE_ENV: 'production' }],
])('in %s', (mode, env: Record<string, string>) => {
  let s: Started;
  const savedNodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    // As in a real start, Express sees the same NODE_ENV as the hub's config (Express's
    // own error page drops the stack only when its NODE_ENV is production).
    if (mode === 'production') process.env.NODE_ENV = 'production';
    s = await startHub(env);
  }, 60000);
  afterAll(async () => {
    process.env.NODE_ENV = savedNodeEnv;
    await s.hub.stop();
    await s.db.drop();
  });

  describe('POST /graphql', () => {
    test.each([
      ['not JSON', 400, JSON_TYPE, NOT_JSON],
      ['truncated JSON', 400, JSON_TYPE, TRUNCATED],
      ['a JSON string instead of an object', 400, JSON_TYPE, JSON.stringify(MARKER)],
      ['over the 1 MB limit', 413, JSON_TYPE, OVER_1MB],
      ['text/plain', 415, { 'content-type': 'text/plain' }, VALID],
      ['form-encoded', 415, { 'content-type': 'application/x-www-form-urlencoded' }, VALID],
      ['without a content type', 415, {}, VALID],
      ['a content type that does not parse', 415, { 'content-type': '%%%' }, VALID],
      ['in latin1', 415, { 'content-type': 'application/json; charset=latin1' }, VALID],
      ['in an unknown content-encoding', 415, { ...JSON_TYPE, 'content-encoding': 'x-foo' }, VALID],
      ['claiming gzip but not gzip', 400, { ...JSON_TYPE, 'content-encoding': 'gzip' }, NOT_JSON],
    ])('a body %s is %i BAD_REQUEST in JSON', async (_name, status, headers, body) => {
      const res = await send(s.url, { path: '/graphql', headers, body });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expectSafeError(res, 'BAD_REQUEST', body);
    });

    test('415 names what would have been taken (RFC 9110): Accept or Accept-Encoding', async () => {
      const type = await send(s.url, {
        path: '/graphql',
        headers: { 'content-type': 'text/plain' },
        body: VALID,
      });
      expect(type.headers.accept).toBe('application/json');
      const coding = await send(s.url, {
        path: '/graphql',
        headers: { ...JSON_TYPE, 'content-encoding': 'x-foo' },
        body: VALID,
      });
      expect(coding.headers['accept-encoding']).toMatch(/^gzip, deflate, br/);
    });

    test('a client that accepts application/graphql-response+json gets it, as from Apollo', async () => {
      const accept = 'application/graphql-response+json, application/json;q=0.9';
      const bad = await send(s.url, {
        path: '/graphql',
        headers: { ...JSON_TYPE, accept },
        body: NOT_JSON,
      });
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
      expectSafeError(bad, 'BAD_REQUEST', NOT_JSON);
      // Apollo's own answer to the same Accept, for a body it could read.
      const apollo = await send(s.url, {
        path: '/graphql',
        headers: { ...JSON_TYPE, accept },
        body: JSON.stringify({ query: '{ nope }' }),
      });
      expect(apollo.headers['content-type']).toBe(bad.headers['content-type']);
      // */* and no Accept header at all: application/json, as Apollo answers.
      for (const headers of [{ ...JSON_TYPE, accept: '*/*' }, JSON_TYPE]) {
        const res = await send(s.url, { path: '/graphql', headers, body: NOT_JSON });
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      }
    });

    test('a well-formed body still works, gzip-compressed too', async () => {
      const query = JSON.stringify({ query: '{ viewer { authenticated } }' });
      for (const [headers, body] of [
        [JSON_TYPE, query],
        [{ ...JSON_TYPE, 'content-encoding': 'gzip' }, zlib.gzipSync(query)],
        [{ 'content-type': 'application/json; charset=utf-8' }, query],
      ] as const) {
        const res = await send(s.url, { path: '/graphql', headers, body });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.text)).toEqual({ data: { viewer: { authenticated: false } } });
      }
    });

    test('OPTIONS and HEAD are answered by Apollo in JSON, the same in every mode', async () => {
      const options = await send(s.url, { method: 'OPTIONS', path: '/graphql' });
      expect(options.status).toBe(400);
      expect(options.headers['content-type']).toBe('application/json; charset=utf-8');
      expect((JSON.parse(options.text) as { errors: unknown[] }).errors).toHaveLength(1);
      const head = await send(s.url, { method: 'HEAD', path: '/graphql', headers: JSON_TYPE });
      expect(head.status).toBe(405);
      expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(head.text).toBe('');
    });

    test('the log names the request id and the reason, never the body', async () => {
      const requestId = `body-errors-${mode}`;
      const res = await send(s.url, {
        path: '/graphql',
        headers: { ...JSON_TYPE, 'x-request-id': requestId },
        body: NOT_JSON,
      });
      expect(res.headers['x-request-id']).toBe(requestId);
      const line = await logLine(s.logs, requestId);
      expect(line).toMatchObject({
        requestId,
        status: 400,
        code: 'BAD_REQUEST',
        reason: 'entity.parse.failed',
      });
      expect(s.logs.join('\n')).not.toContain(MARKER);
    });

    test('a client that hangs up mid-body is logged, and the hub goes on serving', async () => {
      const requestId = `aborted-${mode}`;
      const { hostname, port } = new URL(s.url);
      const socket = net.connect(Number(port), hostname);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
          `Content-Length: 1000\r\nX-Request-Id: ${requestId}\r\n\r\n{"query":"${MARKER}`,
      );
      await new Promise((r) => setTimeout(r, 100));
      socket.destroy();
      const line = await logLine(s.logs, requestId);
      expect(line).toMatchObject({ requestId, status: 400, reason: 'request.aborted' });
      expect(s.logs.join('\n')).not.toContain(MARKER);
      const after = await send(s.url, { path: '/graphql', headers: JSON_TYPE, body: VALID });
      expect(after.status).toBe(200);
    });
  });

  describe('POST /dev/token', () => {
    const cases: [string, number, Record<string, string>, string][] = [
      ['not JSON', 400, JSON_TYPE, NOT_JSON],
      ['truncated JSON', 400, JSON_TYPE, `{"role":"ADMIN","org":"${MARKER}"`],
      ['over the 2 kB limit', 413, JSON_TYPE, OVER_2KB],
      ['text/plain', 415, { 'content-type': 'text/plain' }, `role=ADMIN&org=${MARKER}`],
      ['without a content type', 415, {}, JSON.stringify({ role: 'ADMIN', org: MARKER })],
    ];
    if (mode === 'development') {
      test.each(cases)('a body %s is %i BAD_REQUEST in JSON', async (_n, status, headers, body) => {
        const res = await send(s.url, { path: '/dev/token', headers, body });
        expect(res.status).toBe(status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expectSafeError(res, 'BAD_REQUEST', body);
      });
    } else {
      // No token endpoint in production: whatever the body, a 404 in JSON that reads none of it.
      test.each(cases)('a body %s is a 404 in JSON', async (_n, _status, headers, body) => {
        const res = await send(s.url, { path: '/dev/token', headers, body });
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(res.text).not.toContain(MARKER);
      });
    }
  });
});
