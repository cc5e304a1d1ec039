/**
 * The Arbetsförmedlingen simulator (npm run simulate) speaks the contract the HTTP
 * connector reads: the demo data's job seekers come back through the real connector, and
 * faults set through /admin/faults show up as the connector sees them.
 */
import { HttpArbetsformedlingen } from '../../src/connectors/http/arbetsformedlingen-http';
import { createSourcePolicy } from '../../src/connectors/http/resilience';
import type { EmploymentServiceStatusRecord, SourceCallContext } from '../../src/connectors/types';
import { generateDemoData } from '../../src/seed/generate';
import { AfSimulator } from '../../src/simulators/af-simulator';

const data = generateDemoData({ persons: 200, seed: 5 });
const sim = new AfSimulator(data);
let url: string;

const call: SourceCallContext = {
  purpose: 'case-handling',
  correlationId: 'sim-1',
  requestedBy: { sub: 's', organisationId: 'jobbtorg-sydvast' },
};

const connector = () =>
  new HttpArbetsformedlingen(
    { baseUrl: url },
    createSourcePolicy({
      timeoutMs: 2000,
      retries: 0,
      backoffMs: 10,
      maxRetryAfterMs: 1000,
      breakerThreshold: 100,
      breakerHalfOpenMs: 1000,
      maxConcurrent: 4,
      maxQueue: 40,
    }),
  );

const faults = (f: Record<string, number>) =>
  fetch(`${url}/admin/faults`, { method: 'POST', body: JSON.stringify(f) });

beforeAll(async () => {
  url = await sim.listen(0);
});
afterAll(() => sim.close());
afterEach(() => faults({ latencyMs: 0, errorRate: 0, rate429: 0, hangRate: 0, resetRate: 0 }));

test('serves the demo data’s job seekers through the contract, and nothing for unknown ids', async () => {
  expect(data.jobSeekers.length).toBeGreaterThan(10);
  const seekers = data.jobSeekers.slice(0, 50);
  const unknown = '00000000-0000-4000-8000-000000000000';
  const got = await connector().loadByPersonIds([...seekers.map((s) => s.personId), unknown], call);
  expect(got.size).toBe(50);
  expect(got.has(unknown)).toBe(false);
  for (const s of seekers) {
    const r = got.get(s.personId) as EmploymentServiceStatusRecord;
    expect([r.officeId, r.registered, r.categoryCode, r.deregisteredAt]).toEqual([
      s.officeId,
      s.registered,
      s.categoryCode,
      s.deregisteredAt,
    ]);
    const programmes = data.programmeAssignments.filter((p) => p.personId === s.personId);
    expect(r.programmes).toHaveLength(programmes.length);
  }
});

test('faults set at runtime: latency, errors and resets reach the connector', async () => {
  const ids = [data.jobSeekers[0].personId];
  await faults({ latencyMs: 200 });
  const started = Date.now();
  await connector().loadByPersonIds(ids, call);
  expect(Date.now() - started).toBeGreaterThanOrEqual(190);

  await faults({ latencyMs: 0, errorRate: 1 });
  await expect(connector().loadByPersonIds(ids, call)).rejects.toThrow(/HTTP 500/);

  await faults({ errorRate: 0, rate429: 1, retryAfterS: 3 });
  await expect(connector().loadByPersonIds(ids, call)).rejects.toThrow(/HTTP 429/);

  await faults({ rate429: 0, resetRate: 1 });
  await expect(connector().loadByPersonIds(ids, call)).rejects.toThrow();

  const current = (await (await fetch(`${url}/admin/faults`)).json()) as { resetRate: number };
  expect(current.resetRate).toBe(1);
});
