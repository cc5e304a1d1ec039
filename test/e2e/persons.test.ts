/**
 * The person graph over HTTP: who sees whom, all four sources in one query, protected
 * identity, pagination, filters, input errors, and no N+1 (both databases).
 */
import {
  insertPersons,
  fullSkarholmenPerson,
  type InsertedPerson,
} from '../helpers/person-fixture';
import { SqlCounter } from '../helpers/sql-counter';
import { startTestHub, type GraphQLResponse, type TestHub } from '../helpers/test-hub';

let t: TestHub;
const sql = new SqlCounter();
let caseworkerSk: string;
let caseworkerBromma: string;
let coachSydvast: string;
let analyst: string;
let p: Record<
  'full' | 'brommaOnly' | 'moved' | 'protectedP' | 'hagersten' | 'closedCase',
  InsertedPerson
>;
let bulk: InsertedPerson[];

beforeAll(async () => {
  t = await startTestHub(
    // No background statements (event poll, job-guarantee check) while statements are counted.
    { EVENT_POLL_INTERVAL_MS: '60000', JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' },
    { logger: sql },
  );
  const ds = t.hub.dataSource;
  const [full, brommaOnly, moved, protectedP, hagersten, closedCase] = await insertPersons(ds, [
    fullSkarholmenPerson({ givenName: 'Amina', familyName: 'Full' }),
    {
      homeDistrictId: 'bromma',
      cases: [{ districtId: 'bromma', active: true }],
      enrolment: { jobCentreId: 'jobbtorg-vasterort' },
    },
    {
      homeDistrictId: 'skarholmen',
      cases: [
        { districtId: 'bromma', active: false },
        { districtId: 'skarholmen', active: true, targetGroup: 'UNG' },
      ],
    },
    fullSkarholmenPerson({ protectedIdentity: true, givenName: 'Hemlig', familyName: 'Skyddad' }),
    {
      homeDistrictId: 'hagersten-alvsjo',
      cases: [{ districtId: 'hagersten-alvsjo', active: true }],
      enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    },
    { homeDistrictId: 'skarholmen', cases: [{ districtId: 'skarholmen', active: false }] },
  ]);
  p = { full, brommaOnly, moved, protectedP, hagersten, closedCase };
  bulk = await insertPersons(
    ds,
    Array.from({ length: 60 }, () => fullSkarholmenPerson()),
  );
  caseworkerSk = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  caseworkerBromma = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  coachSydvast = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
  analyst = await t.token({ role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

type Ids = { persons: { totalCount: number; edges: { node: { id: string } }[] } };

async function visibleIds(
  token: string,
  filter: Record<string, unknown> = {},
): Promise<{ ids: string[]; total: number }> {
  const res = await t.gql<Ids>(
    'query ($f: PersonFilter) { persons(filter: $f, first: 100) { totalCount edges { node { id } } } }',
    { token, variables: { f: filter } },
  );
  expect(res.body.errors).toBeUndefined();
  return {
    ids: res.body.data!.persons.edges.map((e) => e.node.id),
    total: res.body.data!.persons.totalCount,
  };
}

test('a Skärholmen caseworker sees exactly the residents with an active case there', async () => {
  const { ids, total } = await visibleIds(caseworkerSk);
  const expected = [p.full, p.moved, p.protectedP, ...bulk].map((x) => x.id).sort();
  expect([...ids].sort()).toEqual(expected);
  expect(total).toBe(expected.length);
  expect(ids).not.toContain(p.brommaOnly.id);
  expect(ids).not.toContain(p.closedCase.id);
});

test('a person who only has a case in Bromma is invisible in Skärholmen, visible in Bromma', async () => {
  const q =
    'query ($id: ID!, $pnr: String!) { person(id: $id) { id } personByPersonnummer(personnummer: $pnr) { id } }';
  const vars = { id: p.brommaOnly.id, pnr: p.brommaOnly.personnummer };
  const sk = await t.gql<{ person: unknown; personByPersonnummer: unknown }>(q, {
    token: caseworkerSk,
    variables: vars,
  });
  expect(sk.body).toEqual({ data: { person: null, personByPersonnummer: null } });
  const br = await t.gql<{ person: { id: string } }>(q, {
    token: caseworkerBromma,
    variables: vars,
  });
  expect(br.body.data).toEqual({
    person: { id: p.brommaOnly.id },
    personByPersonnummer: { id: p.brommaOnly.id },
  });
});

const CASELOAD = `query ($first: Int, $after: String, $f: PersonFilter) {
  persons(filter: $f, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id personnummer givenName familyName birthYear protectedIdentity homeDistrict { id }
      financialAid { caseId status active caseworker periodStart supportBarrier { code label } targetGroup { code } district { id } }
      jobCentre { coach status firstVisitAt jobCentre { id } currentPlan { kind status validTo } interventions { interventionType { code label } provider hoursPerWeek } interruptions { fromDate } closure { closedAt } }
      sfi { provider { id } studyPath { code } course { code label } status grade { code } }
      employmentService { registered registeredSince category { code label } programme { code label } activitySupport fetchedAt stale office { id } }
    } }
  }
}`;

interface CaseloadNode {
  id: string;
  personnummer: string | null;
  givenName: string | null;
  protectedIdentity: boolean;
  homeDistrict: { id: string } | null;
  financialAid: {
    supportBarrier: { code: string; label: string };
    district: { id: string } | null;
  } | null;
  jobCentre: {
    jobCentre: { id: string };
    currentPlan: { kind: string } | null;
    interventions: { interventionType: { code: string } }[];
  } | null;
  sfi: { provider: { id: string }; course: { code: string } }[] | null;
  employmentService: {
    registered: boolean;
    category: { code: string };
    programme: { code: string } | null;
    stale: boolean;
  } | null;
}
type Caseload = {
  persons: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    edges: { cursor: string; node: CaseloadNode }[];
  };
};

test("a coach's caseload: the job centre's persons with all four sources in one query", async () => {
  const res = await t.gql<Caseload>(CASELOAD, { token: coachSydvast, variables: { first: 100 } });
  const nodes = res.body.data!.persons.edges.map((e) => e.node);
  const expected = [p.full, p.protectedP, p.hagersten, ...bulk].map((x) => x.id).sort();
  expect(nodes.map((n) => n.id).sort()).toEqual(expected);
  // Denied exactly: the protected person's identity, and SFI and AF data of the one person
  // who gave no consent (Hägersten). Everyone else's four sources resolve.
  const at = (id: string) => `persons.edges.${nodes.findIndex((n) => n.id === id)}.node`;
  expect(
    res.body.errors?.map((e) => [e.extensions?.code, e.extensions?.fieldGroup, e.path?.join('.')]),
  ).toEqual(
    expect.arrayContaining([
      ...['personnummer', 'givenName', 'familyName', 'homeDistrict', 'financialAid.district'].map(
        (f) => ['FORBIDDEN', 'identity', `${at(p.protectedP.id)}.${f}`],
      ),
      ['FORBIDDEN', 'sfi', `${at(p.hagersten.id)}.sfi`],
      ['FORBIDDEN', 'employmentService', `${at(p.hagersten.id)}.employmentService`],
    ]),
  );
  expect(res.body.errors).toHaveLength(7);

  const full = nodes.find((n) => n.id === p.full.id)!;
  expect(full.givenName).toBe('Amina');
  expect(full.financialAid?.supportBarrier).toEqual({
    code: '02',
    label: 'Arbetslös utan ersättning',
  });
  expect(full.financialAid?.district).toEqual({ id: 'skarholmen' });
  expect(full.jobCentre?.jobCentre).toEqual({ id: 'jobbtorg-sydvast' });
  expect(full.jobCentre?.currentPlan?.kind).toBe('INITIAL');
  expect(full.jobCentre?.interventions.map((i) => i.interventionType.code)).toEqual([
    'KARTLAGGNING',
    'KARTLAGGNING',
  ]);
  expect(full.sfi).toEqual([
    expect.objectContaining({
      provider: { id: 'sfi-kista' },
      course: expect.objectContaining({ code: 'B' }),
    }),
  ]);
  expect(full.employmentService).toMatchObject({
    registered: true,
    category: { code: '11' },
    programme: { code: 'JOBB_OCH_UTVECKLINGSGARANTIN' },
    stale: false,
  });

  const hagersten = nodes.find((n) => n.id === p.hagersten.id)!;
  expect(hagersten.financialAid?.supportBarrier.code).toBe('02');
  expect(hagersten.jobCentre?.jobCentre).toEqual({ id: 'jobbtorg-sydvast' });
  expect(hagersten.sfi).toBeNull();
  expect(hagersten.employmentService).toBeNull();
});

test('protected identity: name, personnummer and district withheld outside the owning district', async () => {
  const q = `query ($id: ID!) { person(id: $id) { protectedIdentity personnummer givenName familyName homeDistrict { id } financialAid { district { id } } } }`;
  const coach = await t.gql<{ person: Record<string, unknown> }>(q, {
    token: coachSydvast,
    variables: { id: p.protectedP.id },
  });
  expect(coach.body.data!.person).toEqual({
    protectedIdentity: true,
    personnummer: null,
    givenName: null,
    familyName: null,
    homeDistrict: null,
    financialAid: { district: null },
  });
  const owner = await t.gql<{ person: Record<string, unknown> }>(q, {
    token: caseworkerSk,
    variables: { id: p.protectedP.id },
  });
  expect(owner.body.data!.person).toEqual({
    protectedIdentity: true,
    personnummer: p.protectedP.personnummer,
    givenName: 'Hemlig',
    familyName: 'Skyddad',
    homeDistrict: { id: 'skarholmen' },
    financialAid: { district: { id: 'skarholmen' } },
  });
});

test('assistance decisions and amounts: the deciding district sees them, a coach gets null and FORBIDDEN', async () => {
  const q =
    'query ($id: ID!) { person(id: $id) { financialAid { decisions { outcome amount } } } }';
  const own = await t.gql<{ person: { financialAid: { decisions: { amount: number }[] } } }>(q, {
    token: caseworkerSk,
    variables: { id: p.full.id },
  });
  expect(own.body.errors).toBeUndefined();
  expect(own.body.data!.person.financialAid.decisions.map((d) => d.amount)).toEqual([
    5400.5, 5400.5,
  ]);
  const coach = await t.gql<{
    person: { financialAid: { decisions: { outcome: string; amount: number | null }[] } };
  }>(q, {
    token: coachSydvast,
    variables: { id: p.full.id },
  });
  // Data minimisation: a coach needs that there is a case, not what was decided.
  expect(coach.body.data!.person.financialAid.decisions).toBeNull();
  expect(coach.body.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
    ['FORBIDDEN', 'person.financialAid.decisions'],
  ]);
  // A district that sees the person but did not decide the case: no amounts either.
  const amounts = await t.gql<{
    person: { financialAid: { decisions: { amount: number | null }[] | null } };
  }>('query ($id: ID!) { person(id: $id) { financialAid { decisions { amount } } } }', {
    token: caseworkerBromma,
    variables: { id: p.full.id },
  });
  expect(amounts.body.data!.person).toBeNull();
});

test('Relay pagination walks every visible person once, in order', async () => {
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const res: GraphQLResponse<Caseload> = await t.gql<Caseload>(
      'query ($after: String) { persons(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }',
      { token: caseworkerSk, variables: { after } },
    );
    const conn = res.body.data!.persons;
    seen.push(...conn.edges.map((e) => e.node.id));
    pages++;
    if (!conn.pageInfo.hasNextPage) break;
    expect(conn.edges[conn.edges.length - 1].cursor).toBe(conn.pageInfo.endCursor);
    after = conn.pageInfo.endCursor;
  }
  expect(pages).toBe(Math.ceil(63 / 7));
  expect(seen).toHaveLength(63);
  expect(new Set(seen).size).toBe(63);
  expect([...seen].sort()).toEqual(seen);
});

test('filters: district, target group and active assistance case', async () => {
  expect((await visibleIds(coachSydvast, { districtId: 'hagersten-alvsjo' })).ids).toEqual([
    p.hagersten.id,
  ]);
  expect((await visibleIds(caseworkerSk, { targetGroup: 'UNG' })).ids).toEqual([p.moved.id]);
  const noCase = await visibleIds(coachSydvast, { hasActiveAssistanceCase: false });
  expect(noCase.total).toBe(0);
  const withCase = await visibleIds(coachSydvast, {
    hasActiveAssistanceCase: true,
    jobCentreId: 'jobbtorg-sydvast',
  });
  expect(withCase.total).toBe(63);
});

test("a filter the viewer's own scope implies changes nothing and adds no join; another organisation's narrows", async () => {
  // The page scans the viewer's own links; a filter every such link satisfies is left out
  // of the statement (its self-join made PostgreSQL sort the whole caseload for a page).
  const joinsLinks = (statements: string[]) =>
    statements.some((q) => q.includes('FROM person_link l'));
  const run = (token: string, filter: Record<string, unknown> = {}) =>
    sql.measure(() => visibleIds(token, filter));
  const districtOwn = (await run(caseworkerSk)).result;
  expect(districtOwn.total).toBe(63);
  for (const filter of [{ districtId: 'skarholmen' }, { hasActiveAssistanceCase: true }]) {
    const seen = await run(caseworkerSk, filter);
    expect(seen.result).toEqual(districtOwn);
    expect(joinsLinks(seen.statements)).toBe(false);
  }
  const caseload = (await run(coachSydvast)).result;
  expect(caseload.total).toBe(63);
  const ownCentre = await run(coachSydvast, { jobCentreId: 'jobbtorg-sydvast' });
  expect(ownCentre.result).toEqual(caseload);
  expect(joinsLinks(ownCentre.statements)).toBe(false);
  // Not implied: the join is there and narrows (nobody here has a case in both districts,
  // or is at both job centres; one of the coach's persons has a case in Hägersten).
  const other = await run(caseworkerSk, { districtId: 'bromma' });
  expect(other.result).toEqual({ ids: [], total: 0 });
  expect(joinsLinks(other.statements)).toBe(true);
  expect((await run(coachSydvast, { jobCentreId: 'jobbtorg-vasterort' })).result).toEqual({
    ids: [],
    total: 0,
  });
  expect((await run(coachSydvast, { districtId: 'hagersten-alvsjo' })).result.ids).toEqual([
    p.hagersten.id,
  ]);
  expect((await run(caseworkerSk, { hasActiveAssistanceCase: false })).result.total).toBe(0);
});

test.each([
  [{ filter: { districtId: 'jobbtorg-jarva' } }, 'filter.districtId'],
  [{ filter: { jobCentreId: 'bromma' } }, 'filter.jobCentreId'],
  [{ filter: { targetGroup: 'NOPE' } }, 'filter.targetGroup'],
  [{ first: 101 }, 'first'],
  [{ first: -1 }, 'first'],
  [{ after: 'not-a-cursor' }, 'after'],
])('bad persons() input %j is BAD_USER_INPUT naming %s', async (vars, field) => {
  const res = await t.gql(
    'query ($filter: PersonFilter, $first: Int, $after: String) { persons(filter: $filter, first: $first, after: $after) { totalCount } }',
    {
      token: caseworkerSk,
      variables: vars,
    },
  );
  expect(res.body.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
});

test.each([
  ['19850315-0000', 'personnummer has a wrong check digit'],
  ['8503150000', 'personnummer must be 12 digits, YYYYMMDDNNNC'],
  ['198513150000', 'personnummer has no valid birth date'],
])('personByPersonnummer(%s) is BAD_USER_INPUT without echoing the input', async (pnr, message) => {
  const res = await t.gql('query ($p: String!) { personByPersonnummer(personnummer: $p) { id } }', {
    token: caseworkerSk,
    variables: { p: pnr },
  });
  expect(res.body.errors?.[0]).toMatchObject({
    message,
    extensions: { code: 'BAD_USER_INPUT', field: 'personnummer' },
  });
  expect(JSON.stringify(res.body)).not.toContain(pnr);
});

test('without a token persons is UNAUTHENTICATED; an analyst may not read persons at all', async () => {
  const anon = await t.gql('{ persons { totalCount } }');
  expect(anon.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  const a = await t.gql<{ person: unknown }>('query ($id: ID!) { person(id: $id) { id } }', {
    token: analyst,
    variables: { id: p.full.id },
  });
  expect(a.body.data).toEqual({ person: null });
  expect(a.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  const list = await t.gql('{ persons { totalCount } }', { token: analyst });
  expect(list.body.data).toBeNull();
  expect(list.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
});

test('no N+1: a page of 50 with all four sources issues as many statements as a page of 5', async () => {
  const run = (first: number) =>
    sql.measure(() => t.gql<Caseload>(CASELOAD, { token: coachSydvast, variables: { first } }));
  const small = await run(5);
  const large = await run(50);
  expect(small.result.body.data!.persons.edges).toHaveLength(5);
  expect(large.result.body.data!.persons.edges).toHaveLength(50);
  expect(large.statements.length).toBe(small.statements.length);
  // page + count + one batched call per source + one consent lookup + one access-log insert
  expect(large.statements.length).toBeLessThanOrEqual(8);
  expect(large.statements.filter((q) => q.includes('FROM consent'))).toHaveLength(1);
  expect(large.statements.filter((q) => q.includes('INSERT INTO access_log'))).toHaveLength(1);
});
