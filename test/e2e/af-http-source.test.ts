/**
 * The hub with Arbetsförmedlingen over HTTP (AF_MODE=http) against a fake agency on
 * loopback: a working agency fills `employmentService`; a hanging one costs at most the
 * configured timeout, and only that field is null with SOURCE_UNAVAILABLE.
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
  employmentService { registered categoryCode: category { code } extentPercent stale }
} } } }`;

type Caseload = {
  persons: {
    edges: {
      node: {
        financialAid: unknown;
        jobCentre: unknown;
        sfi: unknown;
        employmentService: { registered: boolean; categoryCode: { code: string } | null } | null;
      };
    }[];
  };
};

test('AF answers over HTTP: one call for the page, the status in every person', async () => {
  mode = 'ok';
  calls = 0;
  const coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  const res = await t.gql<Caseload>(CASELOAD, { token: coach });
  expect(res.body.errors).toBeUndefined();
  const nodes = res.body.data!.persons.edges.map((e) => e.node);
  expect(nodes).toHaveLength(5);
  for (const n of nodes) expect(n.employmentService?.categoryCode).toEqual({ code: '68' });
  expect(calls).toBe(1);
});

test('AF hangs: the answer comes within the timeout, AF null with one SOURCE_UNAVAILABLE', async () => {
  mode = 'hang';
  const coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  const started = Date.now();
  const res = await t.gql<Caseload>(CASELOAD, { token: coach });
  const took = Date.now() - started;
  expect(took).toBeLessThan(500 + 1000); // the configured budget plus a generous margin
  const nodes = res.body.data!.persons.edges.map((e) => e.node);
  for (const n of nodes) {
    expect(n.employmentService).toBeNull();
    expect(n.financialAid).not.toBeNull();
    expect(n.jobCentre).not.toBeNull();
    expect(n.sfi).not.toBeNull();
  }
  expect(res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.source])).toEqual([
    ['SOURCE_UNAVAILABLE', 'arbetsformedlingen'],
  ]);
});
