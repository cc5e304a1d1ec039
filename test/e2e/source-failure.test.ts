/**
 * A failing source: its field is null with one SOURCE_UNAVAILABLE error naming it; every
 * other field still resolves. Each connector fails in turn (both databases).
 */
import { createEmbeddedConnectors } from '../../src/connectors';
import { SOURCE_NAMES, type Connectors, type SourceName } from '../../src/connectors/types';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let failing: SourceName | null = null;
const calls: Record<string, number> = {};

function withFailures(connectors: Connectors): Connectors {
  const wrap = <K extends SourceName>(name: K): Connectors[K] =>
    ({
      source: name,
      loadByPersonIds: (
        ids: readonly string[],
        call: Parameters<Connectors[K]['loadByPersonIds']>[1],
      ) => {
        calls[name] = (calls[name] ?? 0) + 1;
        if (failing === name)
          return Promise.reject(new Error(`${name} is down: connect ECONNREFUSED 10.0.0.1`));
        return connectors[name].loadByPersonIds(ids, call);
      },
    }) as unknown as Connectors[K];
  return {
    socialtjanst: wrap('socialtjanst'),
    jobbtorg: wrap('jobbtorg'),
    sfi: wrap('sfi'),
    arbetsformedlingen: wrap('arbetsformedlingen'),
  };
}

let coach: string;

beforeAll(async () => {
  t = await startTestHub({}, undefined, (ds) => withFailures(createEmbeddedConnectors(ds)));
  await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 8 }, () => fullSkarholmenPerson()),
  );
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

afterEach(() => {
  failing = null;
});

const FIELD: Record<SourceName, string> = {
  socialtjanst: 'financialAid',
  jobbtorg: 'jobCentre',
  sfi: 'sfi',
  arbetsformedlingen: 'employmentService',
};

const QUERY = `{ persons(first: 8) { edges { node { id
  financialAid { status supportBarrier { code } }
  jobCentre { status coach }
  sfi { status }
  employmentService { registered }
} } } }`;

type Node = Record<string, unknown>;

test.each(SOURCE_NAMES)(
  '%s fails: its field is null with one error, the others resolve',
  async (source) => {
    failing = source;
    const res = await t.gql<{ persons: { edges: { node: Node }[] } }>(QUERY, { token: coach });
    expect(res.status).toBe(200);
    const nodes = res.body.data!.persons.edges.map((e) => e.node);
    expect(nodes).toHaveLength(8);
    expect(res.body.errors).toHaveLength(1);
    const [error] = res.body.errors!;
    expect(error.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source });
    expect(error.message).toBe(`Source ${source} is unavailable`);
    expect(JSON.stringify(error)).not.toContain('ECONNREFUSED');
    for (const node of nodes) {
      expect(node[FIELD[source]]).toBeNull();
      for (const other of SOURCE_NAMES.filter((s) => s !== source)) {
        expect(node[FIELD[other]]).not.toBeNull();
      }
    }
  },
);

test('each source is called once per request, failing or not', async () => {
  for (const k of Object.keys(calls)) delete calls[k];
  failing = 'sfi';
  await t.gql(QUERY, { token: coach });
  expect(calls).toEqual({ socialtjanst: 1, jobbtorg: 1, sfi: 1, arbetsformedlingen: 1 });
});
