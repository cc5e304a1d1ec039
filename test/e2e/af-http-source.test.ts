/**
 * The hub with Arbetsförmedlingen over HTTP (AF_MODE=http) against a fake agency on
 * loopback: a working agency fills `employmentService`; a hanging one costs at most the
 * configured timeout — persons whose status the hub knows get it marked `stale: true` with
 * the time AF last answered, the others null with one SOURCE_UNAVAILABLE.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let server: http.Server;
let mode: 'ok' | 'hang' = 'ok';
let calls = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      if (mode === 'hang') return;
      const { personIds } = JSON.parse(body) as { personIds: string[] };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          jobSeekers: personIds.map((personId) => ({
            personId,
            officeId: 'af-skarholmen',
            registered: true,
            registeredSince: '2026-01-02',
            deregisteredAt: null,
            category: { code: '68', text: 'Fake AF' },
            extentPercent: 50,
            lastActivityReport: null,
            activitySupport: true,
            programmes: [],
          })),
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t = await startTestHub({
    AF_MODE: 'http',
    AF_BASE_URL: `http://127.0.0.1:${port}`,
    AF_TIMEOUT_MS: '500',
    AF_RETRIES: '1',
    // Always ask AF (no fresh-cache hits), fall back to the last known status for an hour.
    AF_CACHE_TTL_S: '0',
    AF_MAX_STALE_S: '3600',
  });
  await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 5 }, () => fullSkarholmenPerson()),
  );
}, 60000);

afterAll(async () => {
  await t.stop();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const CASELOAD = `{ persons(first: 10) { edges { node { id
  financialAid { active } jobCentre { status } sfi { status }
  employmentService { registered categoryCode: category { code } extentPercent stale fetchedAt }
} } } }`;

type Caseload = {
  persons: {
    edges: {
      node: {
        id: string;
        financialAid: unknown;
        jobCentre: unknown;
        sfi: unknown;
        employmentService: {
          registered: boolean;
          categoryCode: { code: string } | null;
          stale: boolean;
          fetchedAt: string;
        } | null;
      };
    }[];
  };
};

let firstFetch: Map<string, string>;

test('AF answers over HTTP: one call for the page, the status in every person', async () => {
  mode = 'ok';
  calls = 0;
  const coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  const res = await t.gql<Caseload>(CASELOAD, { token: coach });
  expect(res.body.errors).toBeUndefined();
  const nodes = res.body.data!.persons.edges.map((e) => e.node);
  expect(nodes).toHaveLength(5);
  for (const n of nodes) {
    expect(n.employmentService).toMatchObject({ categoryCode: { code: '68' }, stale: false });
  }
  expect(calls).toBe(1);
  firstFetch = new Map(nodes.map((n) => [n.id, n.employmentService!.fetchedAt]));
});

test('AF hangs: within the timeout, known statuses come back stale-but-marked, unknown ones SOURCE_UNAVAILABLE', async () => {
  // A person the hub has never asked AF about joins the caseload.
  const [newcomer] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
  mode = 'hang';
  const coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  const started = Date.now();
  const res = await t.gql<Caseload>(CASELOAD, { token: coach });
  const took = Date.now() - started;
  expect(took).toBeLessThan(500 + 1000); // the configured budget plus a generous margin
  const nodes = res.body.data!.persons.edges.map((e) => e.node);
  expect(nodes).toHaveLength(6);
  for (const n of nodes) {
    expect(n.financialAid).not.toBeNull();
    expect(n.jobCentre).not.toBeNull();
    expect(n.sfi).not.toBeNull();
    if (n.id === newcomer.id) {
      expect(n.employmentService).toBeNull();
    } else {
      expect(n.employmentService).toMatchObject({ stale: true, categoryCode: { code: '68' } });
      expect(n.employmentService!.fetchedAt).toBe(firstFetch.get(n.id));
    }
  }
  expect(
    res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source, e.path?.join('.')]),
  ).toEqual([
    [
      'SOURCE_UNAVAILABLE',
      'arbetsformedlingen',
      `persons.edges.${nodes.findIndex((n) => n.id === newcomer.id)}.node.employmentService`,
    ],
  ]);
});

test('/readyz shows each source and the breaker (ready even with AF failing); /metrics counts the calls', async () => {
  const ready = await fetch(`${t.url}/readyz`);
  expect(ready.status).toBe(200);
  const body = (await ready.json()) as { detail: { connectors: Record<string, unknown> } };
  expect(body.detail.connectors).toEqual({
    socialtjanst: { mode: 'embedded' },
    jobbtorg: { mode: 'embedded' },
    sfi: { mode: 'embedded' },
    arbetsformedlingen: { mode: 'http', breaker: 'closed' },
  });
  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  expect(metrics).toMatch(
    /hub_connector_calls_total\{source="arbetsformedlingen",outcome="ok"\} 1/,
  );
  expect(metrics).toMatch(
    /hub_connector_calls_total\{source="arbetsformedlingen",outcome="error"\} 1/,
  );
  expect(metrics).toMatch(
    /hub_connector_breaker_state\{source="arbetsformedlingen",state="closed"\} 1/,
  );
});
