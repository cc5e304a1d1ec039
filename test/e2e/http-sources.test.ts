/**
 * The hub with all four sources over HTTP (…_MODE=http) against the agency simulators,
 * serving the same demo data set as a second hub reading the embedded stand-ins:
 *  - healthy, both hubs answer a caseload identically, with one call per source per page;
 *  - the issue's acceptance scenario, scaled down: AF slower than its timeout and failing
 *    30% of calls → the answer comes within the timeout, the other three sources complete,
 *    AF stale-but-marked with the time it last answered;
 *  - AF down for a while → the breaker opens and the hub stops calling it (one probe per
 *    half-open delay), answers stay fast and stale; AF back → one probe closes it, fresh;
 *  - a source without a last known status failing (socialtjanst) or hanging (jobbtorg) →
 *    within its timeout, only its field is null, with SOURCE_UNAVAILABLE.
 */
import { SOURCE_NAMES, type SourceName } from '../../src/connectors/types';
import { generateDemoData } from '../../src/seed/generate';
import {
  hubEnvironment,
  startSimulators,
  stopSimulators,
  type Simulators,
} from '../../src/simulators';
import { selectionOf } from '../helpers/schema-selection';
import { startTestHub, type GraphQLResponse, type TestHub } from '../helpers/test-hub';

const PERSONS = 200;
const AF_TIMEOUT_MS = 300;
const JOBBTORG_TIMEOUT_MS = 400;
const HALF_OPEN_MS = 600;
const THRESHOLD = 3;

const data = generateDemoData({ persons: PERSONS });
let sims: Simulators;
let viaHttp: TestHub;
let embedded: TestHub;

const FIELD: Record<SourceName, string> = {
  socialtjanst: 'financialAid',
  jobbtorg: 'jobCentre',
  sfi: 'sfi',
  arbetsformedlingen: 'employmentService',
};
const TYPE: Record<SourceName, string> = {
  socialtjanst: 'FinancialAidCase',
  jobbtorg: 'JobCentreEnrolment',
  sfi: 'SfiEnrolment',
  arbetsformedlingen: 'EmploymentServiceStatus',
};

/** Every field each source feeds (generated from the schema), for a page of 50. */
const CASELOAD = `{ persons(first: 50) { edges { node { id ${SOURCE_NAMES.map(
  (s) => `${FIELD[s]} { ${selectionOf(TYPE[s], 2)} }`,
).join(' ')} } } } }`;

type Node = Record<string, unknown> & {
  id: string;
  employmentService: { stale: boolean; fetchedAt: string } | null;
};
type Caseload = { persons: { edges: { node: Node }[] } };

/** The district and job centre with the most demo persons: the busiest caseloads. */
function busiest(ids: string[]): string {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}
const DISTRICT = busiest(data.persons.map((p) => p.homeDistrictId));

const faults = (source: SourceName, f: Record<string, number>) =>
  fetch(`${sims[source].url}/admin/faults`, { method: 'POST', body: JSON.stringify(f) });

const calls = (): Record<SourceName, number> =>
  Object.fromEntries(SOURCE_NAMES.map((s) => [s, sims[s].calls])) as Record<SourceName, number>;

async function caseload(hub: TestHub): Promise<GraphQLResponse<Caseload>> {
  const token = await hub.token({ role: 'DISTRICT_CASEWORKER', org: DISTRICT });
  return hub.gql<Caseload>(CASELOAD, { token });
}

const nodes = (res: GraphQLResponse<Caseload>) => res.body.data!.persons.edges.map((e) => e.node);
const errorSummary = (res: GraphQLResponse<Caseload>) =>
  (res.body.errors ?? []).map((e) => [e.extensions?.code, e.path?.join('.')]);
/** fetchedAt/stale are when and how AF answered: equal in everything else. */
const withoutFetch = (n: Node) => ({
  ...n,
  employmentService: n.employmentService && { ...n.employmentService, fetchedAt: 0, stale: 0 },
});
async function breaker(): Promise<string> {
  const body = (await (await fetch(`${viaHttp.url}/readyz`)).json()) as {
    detail: { connectors: Record<SourceName, { breaker?: string }> };
  };
  return body.detail.connectors.arbetsformedlingen.breaker ?? 'none';
}

let baseline: GraphQLResponse<Caseload>;
let firstFetch: Map<string, string>;

beforeAll(async () => {
  sims = await startSimulators(data);
  const demo = { DEMO_DATA: 'on', DEMO_PERSONS: String(PERSONS), QUERY_MAX_COST: '100000' };
  [embedded, viaHttp] = await Promise.all([
    startTestHub(demo),
    startTestHub({
      ...demo,
      ...hubEnvironment(sims),
      AF_TIMEOUT_MS: String(AF_TIMEOUT_MS),
      JOBBTORG_TIMEOUT_MS: String(JOBBTORG_TIMEOUT_MS),
      AF_RETRIES: '1',
      AF_BREAKER_THRESHOLD: String(THRESHOLD),
      AF_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      // Always ask AF (no fresh-cache hits); fall back to the last known status for an hour.
      AF_CACHE_TTL_S: '0',
      AF_MAX_STALE_S: '3600',
    }),
  ]);
  baseline = await caseload(embedded);
}, 120000);

afterAll(async () => {
  await Promise.all([embedded?.stop(), viaHttp?.stop()]);
  await stopSimulators(sims);
});

afterEach(async () => {
  for (const s of SOURCE_NAMES) {
    await faults(s, { latencyMs: 0, errorRate: 0, rate429: 0, hangRate: 0, resetRate: 0 });
  }
});

test('healthy agencies: the same answer as the embedded stand-ins, one call per source', async () => {
  const before = calls();
  const res = await caseload(viaHttp);
  const after = calls();
  expect(errorSummary(res)).toEqual(errorSummary(baseline));
  expect(nodes(res).map(withoutFetch)).toEqual(nodes(baseline).map(withoutFetch));
  // Every source has something on this page, and each was asked once for the whole page.
  expect(nodes(res).length).toBeGreaterThan(10);
  for (const s of SOURCE_NAMES) {
    expect(nodes(res).filter((n) => n[FIELD[s]] !== null).length).toBeGreaterThan(0);
    expect(after[s] - before[s]).toBe(1);
    expect(sims[s].lastRequest?.personIds.length).toBeGreaterThan(0);
    expect(sims[s].lastRequest?.headers['x-requested-by']).toMatch(new RegExp(`@${DISTRICT}$`));
  }
  expect(nodes(res).every((n) => n.employmentService?.stale !== true)).toBe(true);
  firstFetch = new Map(
    nodes(res).flatMap((n) => (n.employmentService ? [[n.id, n.employmentService.fetchedAt]] : [])),
  );
  expect(firstFetch.size).toBeGreaterThan(0);
});

test('AF slower than its timeout and failing 30%: within the timeout, three sources complete, AF stale-but-marked', async () => {
  await faults('arbetsformedlingen', { latencyMs: AF_TIMEOUT_MS * 3, errorRate: 0.3 });
  for (let round = 0; round < 2; round++) {
    const started = Date.now();
    const res = await caseload(viaHttp);
    const took = Date.now() - started;
    expect(took).toBeLessThan(AF_TIMEOUT_MS + 1500); // the budget plus a generous margin
    expect(took).toBeGreaterThanOrEqual(AF_TIMEOUT_MS - 20); // it did wait for AF, that long
    expect(errorSummary(res)).toEqual(errorSummary(baseline));
    const expected = new Map(nodes(baseline).map((n) => [n.id, n]));
    for (const n of nodes(res)) {
      const want = expected.get(n.id)!;
      for (const s of ['socialtjanst', 'jobbtorg', 'sfi'] as const) {
        expect(n[FIELD[s]]).toEqual(want[FIELD[s]]);
      }
      if (firstFetch.has(n.id)) {
        expect(n.employmentService).toMatchObject({ stale: true, fetchedAt: firstFetch.get(n.id) });
      } else {
        expect(n.employmentService).toBeNull();
      }
    }
  }
});

test('AF down: the breaker opens, the hub stops calling AF, answers stay fast and stale; AF back: one probe closes it', async () => {
  await faults('arbetsformedlingen', { errorRate: 1 });
  const before = sims.arbetsformedlingen.calls;
  const started = Date.now();
  const seen = new Set<string>();
  let queries = 0;
  let slowest = 0;
  while (Date.now() - started < HALF_OPEN_MS * 5) {
    const t0 = Date.now();
    const res = await caseload(viaHttp);
    slowest = Math.max(slowest, Date.now() - t0);
    queries++;
    expect(res.body.data!.persons.edges.some((e) => e.node.employmentService?.stale)).toBe(true);
    seen.add(await breaker());
  }
  const elapsed = Date.now() - started;
  const afCalls = sims.arbetsformedlingen.calls - before;
  expect(seen).toContain('open');
  expect(queries).toBeGreaterThan(10);
  // Up to the threshold before it opens, then one probe per half-open delay (plus slack).
  expect(afCalls).toBeLessThanOrEqual(THRESHOLD + Math.ceil(elapsed / HALF_OPEN_MS) + 2);
  expect(afCalls).toBeLessThan(queries);
  expect(slowest).toBeLessThan(AF_TIMEOUT_MS + 1500);

  await faults('arbetsformedlingen', { errorRate: 0 });
  await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 100));
  const res = await caseload(viaHttp);
  const fresh = nodes(res).filter((n) => n.employmentService);
  expect(fresh.length).toBe(firstFetch.size);
  for (const n of fresh) {
    expect(n.employmentService!.stale).toBe(false);
    expect(Date.parse(n.employmentService!.fetchedAt)).toBeGreaterThan(
      Date.parse(firstFetch.get(n.id)!),
    );
  }
  expect(await breaker()).toBe('closed');
});

test('the district system down: financial aid null with SOURCE_UNAVAILABLE, the rest complete', async () => {
  await faults('socialtjanst', { errorRate: 1 });
  const res = await caseload(viaHttp);
  const errors = (res.body.errors ?? []).filter((e) => e.extensions?.code === 'SOURCE_UNAVAILABLE');
  expect(errors.map((e) => e.extensions?.source)).toEqual(['socialtjanst']);
  const expected = new Map(nodes(baseline).map((n) => [n.id, n]));
  for (const n of nodes(res)) {
    expect(n.financialAid).toBeNull();
    expect(n.jobCentre).toEqual(expected.get(n.id)!.jobCentre);
    expect(n.sfi).toEqual(expected.get(n.id)!.sfi);
  }
});

test('the job centres’ system hangs: the answer within its timeout, only jobCentre unavailable', async () => {
  await faults('jobbtorg', { hangRate: 1 });
  const started = Date.now();
  const res = await caseload(viaHttp);
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(JOBBTORG_TIMEOUT_MS - 20);
  expect(took).toBeLessThan(JOBBTORG_TIMEOUT_MS + 1500); // the budget plus a generous margin
  const unavailable = (res.body.errors ?? []).filter(
    (e) => e.extensions?.code === 'SOURCE_UNAVAILABLE',
  );
  expect(unavailable.map((e) => e.extensions?.source)).toEqual(['jobbtorg']);
  const expected = new Map(nodes(baseline).map((n) => [n.id, n]));
  for (const n of nodes(res)) {
    expect(n.jobCentre).toBeNull();
    expect(n.financialAid).toEqual(expected.get(n.id)!.financialAid);
    expect(n.sfi).toEqual(expected.get(n.id)!.sfi);
    expect(n.employmentService?.stale ?? false).toBe(false);
  }
});

test('/readyz lists all four over HTTP; /metrics counts each agency’s calls', async () => {
  const body = (await (await fetch(`${viaHttp.url}/readyz`)).json()) as {
    detail: { connectors: Record<string, unknown> };
  };
  expect(body.detail.connectors).toEqual(
    Object.fromEntries(SOURCE_NAMES.map((s) => [s, { mode: 'http', breaker: 'closed' }])),
  );
  const metrics = await (await fetch(`${viaHttp.url}/metrics`)).text();
  for (const s of SOURCE_NAMES) {
    expect(metrics).toMatch(
      new RegExp(`hub_connector_calls_total\\{source="${s}",outcome="ok"\\} [1-9]`),
    );
  }
  expect(metrics).toMatch(
    /hub_connector_calls_total\{source="socialtjanst",outcome="error"\} [1-9]/,
  );
});
