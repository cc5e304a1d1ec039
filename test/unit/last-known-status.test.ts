import { LastKnownStatus } from '../../src/connectors/last-known-status';
import type {
  EmploymentServiceStatusRecord,
  SourceCallContext,
  SourceConnector,
  SourceResult,
} from '../../src/connectors/types';

const call: SourceCallContext = {
  purpose: 'case-handling',
  correlationId: 'r1',
  requestedBy: { sub: 's', organisationId: 'o' },
};

function status(fetchedAt: Date): EmploymentServiceStatusRecord {
  return {
    officeId: 'af-kista',
    registered: true,
    registeredSince: '2026-01-01',
    deregisteredAt: null,
    categoryCode: '11',
    extentPercent: 100,
    lastActivityReport: null,
    activitySupport: false,
    programmes: [],
    fetchedAt,
    stale: false,
  };
}

/** A scripted AF: knows person "a" (not "b"), or fails when told to; counts what it is asked. */
class FakeAf implements SourceConnector<EmploymentServiceStatusRecord> {
  readonly source = 'arbetsformedlingen' as const;
  down = false;
  asked: string[][] = [];
  constructor(private readonly clock: () => number) {}
  loadByPersonIds(ids: readonly string[]): Promise<SourceResult<EmploymentServiceStatusRecord>> {
    this.asked.push([...ids]);
    if (this.down) return Promise.reject(new Error('AF down'));
    const out = new Map<string, EmploymentServiceStatusRecord>();
    for (const id of ids) if (id === 'a') out.set(id, status(new Date(this.clock())));
    return Promise.resolve(out);
  }
}

let now = 1_000_000;
const clock = () => now;

function setup() {
  const af = new FakeAf(clock);
  const cached = new LastKnownStatus(af, {
    ttlMs: 60_000,
    maxStaleMs: 3_600_000,
    maxEntries: 100,
    now: clock,
  });
  return { af, cached };
}

test('within the TTL the cache answers without asking AF; after it, AF is asked again', async () => {
  const { af, cached } = setup();
  await cached.loadByPersonIds(['a', 'b'], call);
  now += 30_000;
  const again = await cached.loadByPersonIds(['a', 'b'], call);
  expect(af.asked).toEqual([['a', 'b']]);
  expect((again.get('a') as EmploymentServiceStatusRecord).stale).toBe(false);
  expect(again.has('b')).toBe(false); // AF does not know b: remembered as such
  now += 31_000;
  await cached.loadByPersonIds(['a'], call);
  expect(af.asked).toEqual([['a', 'b'], ['a']]);
});

test('AF down: the last known status, marked stale with its fetchedAt, up to the maximum age', async () => {
  const { af, cached } = setup();
  const fetched = now;
  await cached.loadByPersonIds(['a', 'b'], call);
  af.down = true;
  now += 10 * 60_000;
  const stale = await cached.loadByPersonIds(['a', 'b', 'c'], call);
  expect(stale.get('a')).toMatchObject({ stale: true, fetchedAt: new Date(fetched) });
  expect(stale.has('b')).toBe(false); // known to be unknown to AF: still no record
  expect(stale.get('c')).toBeInstanceOf(Error); // never fetched: unavailable, not empty
  now = fetched + 3_600_000 + 1;
  const tooOld = await cached.loadByPersonIds(['a'], call);
  expect(tooOld.get('a')).toBeInstanceOf(Error);
  // AF back: fresh again, no longer stale.
  af.down = false;
  expect(
    ((await cached.loadByPersonIds(['a'], call)).get('a') as EmploymentServiceStatusRecord).stale,
  ).toBe(false);
});
