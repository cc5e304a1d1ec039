/**
 * The sources read a case's decisions and an enrolment's interventions and interruptions
 * only when the operation selects them (src/services/persons/source-details.ts): a page
 * that shows none of them does not read them, a page that shows them (directly, aliased or
 * in a fragment) gets them in full, and every other field answers the same either way.
 */
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { SqlCounter } from '../helpers/sql-counter';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
const sql = new SqlCounter();
let caseworker: string;

beforeAll(async () => {
  t = await startTestHub(
    { EVENT_POLL_INTERVAL_MS: '60000', JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' },
    { logger: sql },
  );
  await insertPersons(t.hub.dataSource, [fullSkarholmenPerson(), fullSkarholmenPerson()]);
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

const PLAIN = `financialAid { active supportBarrier { code } }
  jobCentre { coach status currentPlan { kind } }`;

const READS = {
  decisions: 'socialtjanst.decision',
  interventions: 'jobbtorg.intervention',
  interruptions: 'jobbtorg.interruption',
};

interface Node {
  id: string;
  financialAid: { active: boolean; decisions?: { outcome: string; amount: number }[] };
  jobCentre: { coach: string; steps?: { interventionType: { code: string } }[] };
}

async function page(selection: string, fragments = '') {
  const { result, statements } = await sql.measure(() =>
    t.gql<{ persons: { edges: { node: Node }[] } }>(
      `{ persons(first: 10) { edges { node { id ${selection} } } } } ${fragments}`,
      { token: caseworker },
    ),
  );
  expect(result.body.errors).toBeUndefined();
  const reads = Object.entries(READS)
    .filter(([, table]) => statements.some((s) => s.includes(table)))
    .map(([detail]) => detail);
  return { nodes: result.body.data!.persons.edges.map((e) => e.node), reads };
}

test('a page that shows no decisions, interventions or interruptions does not read them', async () => {
  const { nodes, reads } = await page(PLAIN);
  expect(nodes).toHaveLength(2);
  expect(reads).toEqual([]);
});

test('selected in a fragment or under an alias, they are read and shown in full', async () => {
  const { nodes, reads } = await page(
    `${PLAIN} financialAid { ...Decisions } jobCentre { steps: interventions { interventionType { code } } }`,
    'fragment Decisions on FinancialAidCase { decisions { outcome amount } }',
  );
  expect(reads).toEqual(['decisions', 'interventions']);
  for (const n of nodes) {
    expect(n.financialAid.decisions).toHaveLength(2);
    expect(n.jobCentre.steps).toHaveLength(2);
  }
});

test('the other fields answer the same with or without the lists', async () => {
  const without = await page(PLAIN);
  const withAll = await page(
    `${PLAIN} financialAid { decisions { outcome } } jobCentre { interventions { provider } interruptions { reason { code } } }`,
  );
  expect(withAll.reads).toEqual(['decisions', 'interventions', 'interruptions']);
  const plain = (nodes: Node[]) =>
    nodes.map((n) => ({
      id: n.id,
      financialAid: { ...n.financialAid, decisions: undefined },
      jobCentre: { ...n.jobCentre, interventions: undefined, interruptions: undefined },
    }));
  expect(plain(withAll.nodes)).toEqual(plain(without.nodes));
});
