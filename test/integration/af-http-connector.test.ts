/**
 * Arbetsförmedlingen over HTTP against a scripted fake agency on loopback: one call per
 * batch with the purpose, case reference and correlation id; retries that honour
 * Retry-After; a timeout that bounds the whole call; contract violations not retried; and
 * a circuit breaker that stops calling a failing agency and closes again after a probe.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpArbetsformedlingen } from '../../src/connectors/arbetsformedlingen/http';
import { createSourcePolicy, type ResilienceOptions } from '../../src/connectors/http/resilience';
import type { SourceCallContext } from '../../src/connectors/types';

interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  personIds: string[];
}

type Reply = (res: http.ServerResponse, req: Received) => void;

/** A fake agency: answers each call with the next scripted reply (the last one repeats). */
class FakeAgency {
  readonly calls: Received[] = [];
  private script: Reply[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const received: Received = {
        at: Date.now(),
        headers: req.headers,
        personIds: (JSON.parse(body) as { personIds: string[] }).personIds,
      };
      this.calls.push(received);
      const reply = this.script.length > 1 ? this.script.shift()! : this.script[0];
      reply(res, received);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  then(...replies: Reply[]): void {
    this.script = replies;
    this.calls.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const ok: Reply = (res, req) => {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      jobSeekers: req.personIds.map((personId, i) => ({
        personId,
        officeId: 'af-skarholmen',
        registered: i % 2 === 0,
        registeredSince: '2025-11-01',
        deregisteredAt: null,
        category: { code: '11', text: 'Arbetslös' },
        extentPercent: 100,
        lastActivityReport: '2026-10-31',
        activitySupport: false,
        programmes: [],
      })),
    }),
  );
};
const status =
  (code: number, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(code, headers);
    res.end();
  };
const hang: Reply = () => undefined;

const call: SourceCallContext = {
  purpose: 'case-handling',
  caseReference: 'referral-17',
  correlationId: 'req-123',
  requestedBy: { sub: 'coach-1', organisationId: 'jobbtorg-sydvast' },
};

const ids = (n: number) =>
  Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

const agency = new FakeAgency();
let baseUrl: string;

function connector(overrides: Partial<ResilienceOptions> = {}) {
  const policy = createSourcePolicy({
    timeoutMs: 3000,
    retries: 2,
    backoffMs: 10,
    maxRetryAfterMs: 2000,
    breakerThreshold: 3,
    breakerHalfOpenMs: 300,
    maxConcurrent: 4,
    maxQueue: 40,
    ...overrides,
  });
  return { policy, af: new HttpArbetsformedlingen({ baseUrl, token: 'af-secret' }, policy) };
}

beforeAll(async () => {
  baseUrl = await agency.start();
});
afterAll(() => agency.stop());

test('a batch of 50 persons is one call, carrying purpose, case, correlation id and token', async () => {
  agency.then(ok);
  const { af } = connector();
  const result = await af.loadByPersonIds(ids(50), call);
  expect(agency.calls).toHaveLength(1);
  expect(agency.calls[0].personIds).toEqual(ids(50));
  expect(agency.calls[0].headers).toMatchObject({
    'x-purpose': 'case-handling',
    'x-case-reference': 'referral-17',
    'x-correlation-id': 'req-123',
    'x-requested-by': 'coach-1@jobbtorg-sydvast',
    authorization: 'Bearer af-secret',
  });
  expect(result.size).toBe(50);
  expect(result.get(ids(50)[0])).toMatchObject({
    registered: true,
    categoryCode: '11',
    stale: false,
  });
});

test('429 with Retry-After: the retry waits at least as long as told, then succeeds', async () => {
  agency.then(status(429, { 'retry-after': '1' }), ok);
  const { af } = connector();
  const result = await af.loadByPersonIds(ids(2), call);
  expect(result.size).toBe(2);
  expect(agency.calls).toHaveLength(2);
  expect(agency.calls[1].at - agency.calls[0].at).toBeGreaterThanOrEqual(950);
});

test('5xx is retried with backoff; 4xx and a malformed answer are not', async () => {
  agency.then(status(503), status(502), ok);
  expect((await connector().af.loadByPersonIds(ids(1), call)).size).toBe(1);
  expect(agency.calls).toHaveLength(3);

  agency.then(status(400));
  await expect(connector().af.loadByPersonIds(ids(1), call)).rejects.toThrow(/HTTP 400/);
  expect(agency.calls).toHaveLength(1);

  agency.then((res) => res.end('{"jobSeekers": [{"personId": 1}]}'));
  await expect(connector().af.loadByPersonIds(ids(1), call)).rejects.toThrow(/contract/);
  expect(agency.calls).toHaveLength(1);

  // Two statuses for one person: the contract allows one, so neither is believed.
  agency.then(ok);
  const twice = ids(1).concat(ids(1));
  await expect(connector().af.loadByPersonIds(twice, call)).rejects.toThrow(/two records/);
});

test('a hanging agency: the call fails within the timeout, retries included', async () => {
  agency.then(hang);
  const { af } = connector({ timeoutMs: 400, attemptTimeoutMs: 150 });
  const started = Date.now();
  await expect(af.loadByPersonIds(ids(1), call)).rejects.toThrow();
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(150);
  expect(took).toBeLessThan(400 + 1000); // the budget plus a generous margin for a busy machine
  expect(agency.calls.length).toBeGreaterThanOrEqual(1);
});

test('the breaker opens after consecutive failures, stops calling, and closes after a good probe', async () => {
  agency.then(status(500));
  const { af, policy } = connector({ retries: 0, breakerThreshold: 3, breakerHalfOpenMs: 300 });
  for (let i = 0; i < 3; i++) await expect(af.loadByPersonIds(ids(1), call)).rejects.toThrow();
  expect(policy.breakerState()).toBe('open');
  const reached = agency.calls.length;
  // Open: the call fails at once without reaching the agency.
  await expect(af.loadByPersonIds(ids(1), call)).rejects.toThrow();
  expect(agency.calls.length).toBe(reached);

  // Nor is an open breaker retried: no backoff is waited out before failing.
  const slowRetries = connector({
    retries: 2,
    backoffMs: 2000,
    breakerThreshold: 1,
    breakerHalfOpenMs: 60_000,
  });
  await expect(slowRetries.af.loadByPersonIds(ids(1), call)).rejects.toThrow();
  expect(slowRetries.policy.breakerState()).toBe('open');
  const started = Date.now();
  await expect(slowRetries.af.loadByPersonIds(ids(1), call)).rejects.toThrow(/circuit/i);
  expect(Date.now() - started).toBeLessThan(250);

  // After the half-open delay one probe goes through; a good answer closes the breaker.
  agency.then(ok);
  await new Promise((r) => setTimeout(r, 350));
  expect((await af.loadByPersonIds(ids(1), call)).size).toBe(1);
  expect(policy.breakerState()).toBe('closed');
  expect(agency.calls).toHaveLength(1);
});
