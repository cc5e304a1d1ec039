/**
 * The agency simulators (npm run simulate) against the HTTP connectors: for every person
 * of a seeded demo data set, each source read over HTTP from its simulator equals the same
 * source read from the embedded stand-in tables — so the contracts, the simulators' choice
 * of the current case/enrolment and ordering, and the connectors' mapping all agree — and
 * what the contracts ask of a request (headers, token, batch size) and the faults set at
 * runtime reach the connector as an agency's would.
 */
import type { DataSource } from 'typeorm';
import { createEmbeddedConnectors } from '../../src/connectors';
import { HttpArbetsformedlingen } from '../../src/connectors/arbetsformedlingen/http';
import type { AgencyEndpoint } from '../../src/connectors/http/http-batch-client';
import { createSourcePolicy } from '../../src/connectors/http/resilience';
import { HttpJobbtorg } from '../../src/connectors/jobbtorg/http';
import { HttpSfi } from '../../src/connectors/sfi/http';
import { HttpSocialtjanst } from '../../src/connectors/socialtjanst/http';
import {
  SOURCE_NAMES,
  type Connectors,
  type SourceCallContext,
  type SourceName,
} from '../../src/connectors/types';
import { generateDemoData } from '../../src/seed/generate';
import { seedDatabase } from '../../src/seed/write';
import { startSimulators, stopSimulators, type Simulators } from '../../src/simulators';
import { openReferenceDatabase } from '../helpers/database';

const PERSONS = 300;
const SEED = 11;
const TOKEN = 'simulator-test-token';

let close: () => Promise<void>;
let ds: DataSource;
let sims: Simulators;
const data = generateDemoData({ persons: PERSONS, seed: SEED });

const call: SourceCallContext = {
  purpose: 'case-handling',
  caseReference: 'ref-1',
  correlationId: 'corr-1',
  requestedBy: { sub: 'coach-1', organisationId: 'jobbtorg-sydvast' },
};

const policy = () =>
  createSourcePolicy({
    timeoutMs: 3000,
    retries: 0,
    backoffMs: 10,
    maxRetryAfterMs: 1000,
    breakerThreshold: 1000,
    breakerHalfOpenMs: 1000,
    maxConcurrent: 4,
    maxQueue: 40,
  });

function httpConnectors(token: string | undefined = TOKEN): Connectors {
  const at = (s: SourceName): AgencyEndpoint => ({ baseUrl: sims[s].url, token });
  return {
    socialtjanst: new HttpSocialtjanst(at('socialtjanst'), policy()),
    jobbtorg: new HttpJobbtorg(at('jobbtorg'), policy()),
    sfi: new HttpSfi(at('sfi'), policy()),
    arbetsformedlingen: new HttpArbetsformedlingen(at('arbetsformedlingen'), policy()),
  };
}

const faults = (source: SourceName, f: Record<string, number>) =>
  fetch(`${sims[source].url}/admin/faults`, { method: 'POST', body: JSON.stringify(f) });

/** fetchedAt is when each side answered; everything else must be equal. */
function comparable(map: Map<string, unknown>): Map<string, unknown> {
  return new Map(
    [...map].map(([k, v]) => [
      k,
      v && typeof v === 'object' && 'fetchedAt' in v ? { ...v, fetchedAt: 'when' } : v,
    ]),
  );
}

beforeAll(async () => {
  ({ ds, close } = await openReferenceDatabase());
  await seedDatabase(ds, { persons: PERSONS, seed: SEED });
  sims = await startSimulators(data, {
    tokens: Object.fromEntries(SOURCE_NAMES.map((s) => [s, TOKEN])),
  });
}, 60000);

afterAll(async () => {
  await stopSimulators(sims);
  await close();
});

afterEach(async () => {
  for (const s of SOURCE_NAMES) {
    await faults(s, { latencyMs: 0, errorRate: 0, rate429: 0, hangRate: 0, resetRate: 0 });
  }
});

describe.each(SOURCE_NAMES)('%s over HTTP from its simulator', (source) => {
  test('equals the embedded stand-in for every person, one call per batch of 100', async () => {
    const embedded = createEmbeddedConnectors(ds)[source];
    const http = httpConnectors()[source];
    // A person no agency knows rides along: absent on both sides, not an empty record.
    const ids = [...data.persons.map((p) => p.id), '00000000-0000-4000-8000-000000000000'];
    const before = sims[source].calls;
    let known = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      const [a, b] = await Promise.all([
        embedded.loadByPersonIds(batch, call),
        http.loadByPersonIds(batch, call),
      ]);
      expect(comparable(b)).toEqual(comparable(a));
      known += b.size;
    }
    expect(sims[source].calls - before).toBe(Math.ceil(ids.length / 100));
    // The demo data gives every source a good share of the persons.
    expect(known).toBeGreaterThan(PERSONS / 5);
    expect(known).toBeLessThanOrEqual(PERSONS);
  });

  test('every call carries purpose, case reference, correlation id, requester and token', async () => {
    await httpConnectors()[source].loadByPersonIds([data.persons[0].id], call);
    expect(sims[source].lastRequest?.headers).toMatchObject({
      'x-purpose': 'case-handling',
      'x-case-reference': 'ref-1',
      'x-correlation-id': 'corr-1',
      'x-requested-by': 'coach-1@jobbtorg-sydvast',
      authorization: `Bearer ${TOKEN}`,
    });
    expect(sims[source].lastRequest?.personIds).toEqual([data.persons[0].id]);
  });

  test('a wrong token is refused with 401 and not retried', async () => {
    const before = sims[source].calls;
    await expect(
      httpConnectors('wrong')[source].loadByPersonIds([data.persons[0].id], call),
    ).rejects.toThrow(/HTTP 401/);
    expect(sims[source].calls - before).toBe(1);
  });
});

test('faults set at runtime reach the connector: latency, 500, 429 with Retry-After, resets', async () => {
  const af = () => httpConnectors().arbetsformedlingen;
  const ids = [data.jobSeekers[0].personId];
  await faults('arbetsformedlingen', { latencyMs: 200 });
  const started = Date.now();
  await af().loadByPersonIds(ids, call);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);

  await faults('arbetsformedlingen', { latencyMs: 0, errorRate: 1 });
  await expect(af().loadByPersonIds(ids, call)).rejects.toThrow(/HTTP 500/);

  await faults('arbetsformedlingen', { errorRate: 0, rate429: 1, retryAfterS: 3 });
  await expect(af().loadByPersonIds(ids, call)).rejects.toThrow(/HTTP 429/);

  await faults('arbetsformedlingen', { rate429: 0, resetRate: 1 });
  await expect(af().loadByPersonIds(ids, call)).rejects.toThrow();

  // Faults are per agency: the others answer meanwhile.
  const sfiIds = data.sfiEnrolments.slice(0, 3).map((e) => e.personId);
  expect((await httpConnectors().sfi.loadByPersonIds(sfiIds, call)).size).toBeGreaterThan(0);

  const current = (await (await fetch(`${sims.arbetsformedlingen.url}/admin/faults`)).json()) as {
    resetRate: number;
  };
  expect(current.resetRate).toBe(1);
});

test('/admin/faults refuses what is not a fault and changes nothing', async () => {
  for (const body of ['{"errorRate":2}', '{"latencyMs":-1}', '{"colour":1}', '[1]', 'nope']) {
    const res = await fetch(`${sims.sfi.url}/admin/faults`, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems.length).toBeGreaterThan(0);
  }
  const current = (await (await fetch(`${sims.sfi.url}/admin/faults`)).json()) as Record<
    string,
    number
  >;
  expect(current).toMatchObject({ errorRate: 0, latencyMs: 0 });
});

test('a request without the contract’s headers, or over 100 persons, is a 400', async () => {
  const url = `${sims.jobbtorg.url}/v1/enrolments/batch`;
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${TOKEN}`,
    'x-purpose': 'case-handling',
    'x-correlation-id': 'c',
    'x-requested-by': 'a@b',
  };
  const post = (h: Record<string, string>, personIds: unknown) =>
    fetch(url, { method: 'POST', headers: h, body: JSON.stringify({ personIds }) });
  expect((await post(headers, [data.persons[0].id])).status).toBe(200);
  const { 'x-purpose': _purpose, ...withoutPurpose } = headers;
  expect((await post(withoutPurpose, [data.persons[0].id])).status).toBe(400);
  const many = Array.from({ length: 101 }, (_, i) => data.persons[i % PERSONS].id);
  expect((await post(headers, many)).status).toBe(400);
  expect((await post(headers, 'x')).status).toBe(400);
});
