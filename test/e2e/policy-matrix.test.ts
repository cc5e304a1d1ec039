/**
 * The role matrix: every query, mutation and subscription of API.md, as each role from an
 * owning and a foreign organisation (and without a token), with exactly what comes back or
 * is refused. The expectations are written from docs/authorization.md, not computed from
 * the policy table, so a change to either shows up here. Person reads also check their
 * access-log rows: an allowed read leaves a READ row with its field groups, a refused one
 * none; a mutation leaves a WRITE row, a refused one none.
 */
import type { Client } from 'graphql-ws';
import {
  fullSkarholmenPerson,
  insertPersons,
  type InsertedPerson,
} from '../helpers/person-fixture';
import {
  ReferralApi,
  hoursFromNow,
  plusDays,
  referralInput,
  stockholmToday,
} from '../helpers/referral-api';
import {
  RecordedSubscription,
  waitForOpenSubscriptions,
  wsClient,
} from '../helpers/event-subscribers';
import { startTestHub, type GraphQLResponse, type TestHub } from '../helpers/test-hub';

type Viewer =
  | 'caseworker'
  | 'caseworkerForeign'
  | 'coach'
  | 'coachForeign'
  | 'sfi'
  | 'sfiForeign'
  | 'af'
  | 'afForeign'
  | 'partner'
  | 'partnerCityWide'
  | 'analyst'
  | 'dpo'
  | 'admin'
  | 'anonymous';

/** Role and organisation of each viewer: "own" is party to the fixture person and referral. */
const VIEWERS: Record<Exclude<Viewer, 'anonymous'>, { role: string; org: string }> = {
  caseworker: { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' },
  caseworkerForeign: { role: 'DISTRICT_CASEWORKER', org: 'bromma' },
  coach: { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' },
  coachForeign: { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' },
  sfi: { role: 'SFI_ADMINISTRATOR', org: 'sfi-kista' },
  sfiForeign: { role: 'SFI_ADMINISTRATOR', org: 'sfi-varberg' },
  af: { role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-skarholmen' },
  afForeign: { role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-kista' },
  partner: { role: 'PARTNER_SYSTEM', org: 'skarholmen' },
  partnerCityWide: { role: 'PARTNER_SYSTEM', org: 'statistiktjansten' },
  analyst: { role: 'ANALYST', org: 'arbetsmarknadsforvaltningen' },
  dpo: { role: 'DATA_PROTECTION_OFFICER', org: 'arbetsmarknadsforvaltningen' },
  admin: { role: 'ADMIN', org: 'stadsledningskontoret' },
};
const ALL: Viewer[] = [...(Object.keys(VIEWERS) as Viewer[]), 'anonymous'];

/** `data`: answered (for lists: the fixture item is in it); `absent`: answered without it. */
type Outcome = 'data' | 'absent' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';

/** Expected outcome per viewer; anyone not listed: FORBIDDEN; anonymous: UNAUTHENTICATED. */
function expect_(given: Partial<Record<Viewer, Outcome>>): Record<Viewer, Outcome> {
  return Object.fromEntries(
    ALL.map((v) => [v, given[v] ?? (v === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN')]),
  ) as Record<Viewer, Outcome>;
}
const everyone = expect_(Object.fromEntries(ALL.map((v) => [v, 'data'])));

let t: TestHub;
let api: ReferralApi;
let person: InsertedPerson;
let spare: InsertedPerson[];
const tokens = {} as Record<Viewer, string | undefined>;
let referralId: string;

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  api = new ReferralApi(t);
  [person, ...spare] = await insertPersons(t.hub.dataSource, [
    fullSkarholmenPerson({ givenName: 'Matris' }),
    ...Array.from({ length: 40 }, () => fullSkarholmenPerson()),
  ]);
  for (const [name, v] of Object.entries(VIEWERS))
    tokens[name as Viewer] = await t.token({ ...v, sub: `matrix-${name}` });
  tokens.anonymous = undefined;
  referralId = (
    await api.ok<{ id: string }>('createReferral', referralInput(person.id), tokens.caseworker!)
  ).id;
}, 60000);

afterAll(async () => {
  await t.stop();
});

/** The code of the only error, or 'data'/'absent' for an answer without errors. */
function outcomeOf(
  res: GraphQLResponse<Record<string, unknown>>,
  present: (data: Record<string, unknown>) => boolean,
): string {
  if (res.body.errors?.length) {
    return [...new Set(res.body.errors.map((e) => String(e.extensions?.code)))].join(',');
  }
  return present(res.body.data!) ? 'data' : 'absent';
}

async function logRows(viewer: Viewer, action: 'READ' | 'WRITE') {
  return t.hub.dataSource.query<{ field_groups: string[]; operation: string }[]>(
    `SELECT field_groups, operation FROM access_log WHERE actor_sub = $1 AND person_id = $2 AND action = $3 ORDER BY id`,
    [`matrix-${viewer}`, person.id, action],
  );
}

async function clearLog(): Promise<void> {
  await t.hub.dataSource.query(`DELETE FROM access_log WHERE actor_sub LIKE 'matrix-%'`);
}

// --- queries ------------------------------------------------------------------------------

interface QueryCase {
  name: string;
  query: string;
  variables?: () => Record<string, unknown>;
  present: (data: Record<string, unknown>) => boolean;
  expected: Record<Viewer, Outcome>;
  /** Field groups an allowed read of the fixture person logs (omit: not a person read). */
  logs?: string[];
}

const hasPersonNode = (list: unknown) =>
  ((list as { edges: { node: { id: string } }[] }).edges ?? []).some(
    (e) => e.node.id === person.id,
  );
const hasReferralNode = (list: unknown) =>
  ((list as { edges: { node: { id: string; referralId?: string } }[] }).edges ?? []).some(
    (e) => e.node.id === referralId || e.node.referralId === referralId,
  );

const personReaders: Partial<Record<Viewer, Outcome>> = {
  caseworker: 'data',
  caseworkerForeign: 'absent',
  coach: 'data',
  coachForeign: 'absent',
  sfi: 'data',
  sfiForeign: 'absent',
  af: 'data',
  afForeign: 'absent',
};
const referralReaders: Partial<Record<Viewer, Outcome>> = {
  caseworker: 'data',
  caseworkerForeign: 'absent',
  coach: 'data',
  coachForeign: 'absent',
  partner: 'data',
  partnerCityWide: 'data',
};

const QUERIES: QueryCase[] = [
  {
    name: 'viewer',
    query: '{ viewer { role } }',
    present: (d) => d.viewer !== null,
    expected: everyone,
  },
  {
    name: 'organisations',
    query: '{ organisations(kind: DISTRICT) { id } }',
    present: (d) => (d.organisations as unknown[]).length === 13,
    expected: everyone,
  },
  {
    name: 'codeList',
    query: '{ codeList(name: "supportBarrier") { code } }',
    present: (d) => (d.codeList as unknown[]).length > 0,
    expected: everyone,
  },
  {
    name: 'person',
    query: 'query ($id: ID!) { person(id: $id) { id givenName } }',
    variables: () => ({ id: person.id }),
    present: (d) => d.person !== null,
    expected: expect_(personReaders),
    logs: ['identity'],
  },
  {
    name: 'personByPersonnummer',
    query: 'query ($p: String!) { personByPersonnummer(personnummer: $p) { id personnummer } }',
    variables: () => ({ p: person.personnummer }),
    present: (d) => d.personByPersonnummer !== null,
    expected: expect_(personReaders),
    logs: ['identity'],
  },
  {
    name: 'persons',
    query: '{ persons(first: 100) { edges { node { id } } } }',
    present: (d) => hasPersonNode(d.persons),
    expected: expect_(personReaders),
    logs: ['identity'],
  },
  {
    name: 'referral',
    query: 'query ($id: ID!) { referral(id: $id) { id status } }',
    variables: () => ({ id: referralId }),
    present: (d) => d.referral !== null,
    expected: expect_(referralReaders),
  },
  {
    name: 'referrals',
    query: '{ referrals(first: 100) { edges { node { id } } } }',
    present: (d) => hasReferralNode(d.referrals),
    expected: expect_(referralReaders),
  },
  {
    name: 'events',
    query: '{ events(first: 500) { edges { node { id referralId } } } }',
    present: (d) => hasReferralNode(d.events),
    expected: expect_(referralReaders),
  },
  {
    name: 'followUp',
    query:
      'query ($from: LocalDate!, $to: LocalDate!) { followUp(from: $from, to: $to, groupBy: [DISTRICT]) { __typename } }',
    variables: () => ({ from: '2026-01-01', to: '2026-12-31' }),
    present: (d) => d.followUp !== null,
    expected: expect_({
      caseworker: 'data',
      caseworkerForeign: 'data',
      coach: 'data',
      coachForeign: 'data',
      partnerCityWide: 'data',
      analyst: 'data',
      admin: 'data',
    }),
  },
  {
    name: 'accessLog',
    query: '{ accessLog(first: 5) { edges { node { id } } } }',
    present: () => true,
    expected: expect_({ dpo: 'data' }),
  },
];

describe.each(QUERIES)('query $name', (c) => {
  it.each(ALL)('as %s', async (viewer) => {
    await clearLog();
    const res = await t.gql(c.query, { token: tokens[viewer], variables: c.variables?.() });
    expect(outcomeOf(res, c.present)).toBe(c.expected[viewer]);
    if (c.logs && viewer !== 'anonymous') {
      const reads = await logRows(viewer, 'READ');
      if (c.expected[viewer] === 'data') {
        expect(reads).toHaveLength(1);
        expect(reads[0].field_groups).toEqual(expect.arrayContaining(c.logs));
      } else {
        expect(reads).toEqual([]);
      }
    }
  });
});

// --- mutations ----------------------------------------------------------------------------

type Stage =
  | 'person'
  | 'sent'
  | 'accepted'
  | 'enrolled'
  | 'submitted'
  | 'interrupted'
  | 'returned'
  | 'consent';

let prepared = 0;

/** A fresh subject in the state the step needs, made by the rightful parties. */
async function prepare(stage: Stage): Promise<{ id: string; version: number; planId?: string }> {
  const cw = tokens.caseworker!;
  const co = tokens.coach!;
  if (stage === 'person') return { id: person.id, version: 0 };
  if (stage === 'consent') {
    const res = await t.gql<{ recordConsent: { id: string } }>(
      'mutation ($i: RecordConsentInput!) { recordConsent(input: $i) { id } }',
      {
        token: cw,
        variables: {
          i: {
            personId: person.id,
            parties: ['jobbtorg-sydvast'],
            scope: ['SFI'],
            validUntil: plusDays(stockholmToday(), 30),
          },
        },
      },
    );
    return { id: res.body.data!.recordConsent.id, version: 0 };
  }
  // A person may have several referrals: rotate through the spare residents.
  const subject = spare[prepared++ % spare.length];
  const r = await api.ok<{ id: string }>('createReferral', referralInput(subject.id), cw);
  if (stage === 'sent') return { id: r.id, version: 1 };
  await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, co);
  if (stage === 'accepted') return { id: r.id, version: 2 };
  await api.ok(
    'registerFirstVisit',
    { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
    co,
  );
  if (stage === 'enrolled') return { id: r.id, version: 3 };
  if (stage === 'submitted') {
    const plan = await api.ok<{ id: string }>(
      'submitJobPlan',
      {
        referralId: r.id,
        expectedVersion: 3,
        kind: 'INITIAL',
        goal: 'Arbete',
        activities: [activity()],
      },
      co,
    );
    return { id: r.id, version: 4, planId: plan.id };
  }
  if (stage === 'interrupted') {
    await api.ok(
      'interruptReferral',
      { id: r.id, expectedVersion: 3, reason: 'SJUKDOM', from: stockholmToday() },
      co,
    );
    return { id: r.id, version: 4 };
  }
  await api.ok('returnReferral', { id: r.id, expectedVersion: 3, reason: 'SJUKSKRIVEN' }, co);
  return { id: r.id, version: 4 };
}

function activity() {
  const today = stockholmToday();
  return {
    interventionType: 'KARTLAGGNING',
    provider: 'Jobbtorg Sydväst',
    startDate: today,
    endDate: plusDays(today, 27),
    hoursPerWeek: 20,
  };
}

interface MutationCase {
  name: string;
  inputType: string;
  stage: Stage;
  input: (s: { id: string; version: number; planId?: string }) => Record<string, unknown>;
  expected: Record<Viewer, Outcome>;
}

const districtStep = expect_({ caseworker: 'data', caseworkerForeign: 'NOT_FOUND' });
const jobCentreStep = expect_({ coach: 'data', coachForeign: 'NOT_FOUND' });

const MUTATIONS: MutationCase[] = [
  {
    name: 'createReferral',
    inputType: 'CreateReferralInput',
    stage: 'person',
    input: (s) => referralInput(s.id),
    expected: districtStep,
  },
  {
    name: 'acceptReferral',
    inputType: 'AcceptReferralInput',
    stage: 'sent',
    input: (s) => ({ id: s.id, expectedVersion: s.version }),
    expected: jobCentreStep,
  },
  {
    name: 'rejectReferral',
    inputType: 'RejectReferralInput',
    stage: 'sent',
    input: (s) => ({ id: s.id, expectedVersion: s.version, reason: 'Inte i målgruppen' }),
    expected: jobCentreStep,
  },
  {
    name: 'withdrawReferral',
    inputType: 'WithdrawReferralInput',
    stage: 'sent',
    input: (s) => ({ id: s.id, expectedVersion: s.version, reason: 'Flyttat' }),
    expected: districtStep,
  },
  {
    name: 'registerFirstVisit',
    inputType: 'RegisterFirstVisitInput',
    stage: 'accepted',
    input: (s) => ({ id: s.id, expectedVersion: s.version, visitedAt: hoursFromNow(-1 / 60) }),
    expected: jobCentreStep,
  },
  {
    name: 'submitJobPlan',
    inputType: 'SubmitJobPlanInput',
    stage: 'enrolled',
    input: (s) => ({
      referralId: s.id,
      expectedVersion: s.version,
      kind: 'INITIAL',
      goal: 'Arbete',
      activities: [activity()],
    }),
    expected: jobCentreStep,
  },
  {
    name: 'decideJobPlan',
    inputType: 'DecideJobPlanInput',
    stage: 'submitted',
    input: (s) => ({ planId: s.planId, expectedVersion: s.version, decision: 'APPROVED' }),
    expected: districtStep,
  },
  {
    name: 'reportDeviation',
    inputType: 'ReportDeviationInput',
    stage: 'enrolled',
    input: (s) => ({
      referralId: s.id,
      expectedVersion: s.version,
      kind: 'FRANVARO_OGILTIG',
      date: stockholmToday(),
    }),
    expected: jobCentreStep,
  },
  {
    name: 'interruptReferral',
    inputType: 'InterruptReferralInput',
    stage: 'enrolled',
    input: (s) => ({
      id: s.id,
      expectedVersion: s.version,
      reason: 'SJUKDOM',
      from: stockholmToday(),
    }),
    expected: jobCentreStep,
  },
  {
    name: 'resumeReferral',
    inputType: 'ResumeReferralInput',
    stage: 'interrupted',
    input: (s) => ({ id: s.id, expectedVersion: s.version, at: plusDays(stockholmToday(), 1) }),
    expected: jobCentreStep,
  },
  {
    name: 'returnReferral',
    inputType: 'ReturnReferralInput',
    stage: 'enrolled',
    input: (s) => ({ id: s.id, expectedVersion: s.version, reason: 'SJUKSKRIVEN' }),
    expected: jobCentreStep,
  },
  {
    name: 'acknowledgeReturn',
    inputType: 'AcknowledgeReturnInput',
    stage: 'returned',
    input: (s) => ({ id: s.id, expectedVersion: s.version }),
    expected: districtStep,
  },
  {
    name: 'closeReferral',
    inputType: 'CloseReferralInput',
    stage: 'enrolled',
    input: (s) => ({ id: s.id, expectedVersion: s.version, reason: 'STUDIER' }),
    expected: jobCentreStep,
  },
  {
    name: 'recordConsent',
    inputType: 'RecordConsentInput',
    stage: 'person',
    input: (s) => ({
      personId: s.id,
      parties: ['af-skarholmen'],
      scope: ['EMPLOYMENT_SERVICE'],
      validUntil: plusDays(stockholmToday(), 10),
    }),
    expected: districtStep,
  },
  {
    name: 'withdrawConsent',
    inputType: 'WithdrawConsentInput',
    stage: 'consent',
    input: (s) => ({ id: s.id }),
    expected: districtStep,
  },
];

describe.each(MUTATIONS)('mutation $name', (c) => {
  it.each(ALL)('as %s', async (viewer) => {
    const subject = await prepare(c.stage);
    await clearLog();
    const res = await t.gql(
      `mutation ($input: ${c.inputType}!) { ${c.name}(input: $input) { __typename } }`,
      { token: tokens[viewer], variables: { input: c.input(subject) } },
    );
    expect(outcomeOf(res, (d) => d[c.name] !== null)).toBe(c.expected[viewer]);
    // Only the rightful party changed anything: its change is logged, a refusal is not.
    const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM access_log WHERE actor_sub = $1 AND action = 'WRITE'`,
      [`matrix-${viewer}`],
    );
    expect(Number(n)).toBe(c.expected[viewer] === 'data' ? 1 : 0);
  });
});

// --- subscriptions ------------------------------------------------------------------------

describe('subscriptions', () => {
  const clients: Client[] = [];
  afterAll(async () => {
    for (const c of clients) await c.dispose();
  });

  /**
   * Opens one subscription per viewer, then produces an event on the fixture's own referral
   * path (Skärholmen → Sydväst) and a sentinel on a foreign one (Bromma → Järva), so a
   * viewer that must not see the first provably receives events at all.
   */
  async function run(
    field: 'referralEvents' | 'referralReturned',
    produce: (own: boolean) => Promise<string>,
    expected: Record<Viewer, 'own' | 'foreign' | 'both' | Outcome>,
  ) {
    const subs = new Map<Viewer, RecordedSubscription<{ referralId: string }>>();
    for (const viewer of ALL) {
      const client = wsClient(t.url, tokens[viewer]);
      clients.push(client);
      subs.set(
        viewer,
        new RecordedSubscription(
          client,
          viewer,
          `subscription { ${field} { referralId } }`,
          {},
          field,
        ),
      );
    }
    const allowed = ALL.filter((v) => ['own', 'foreign', 'both'].includes(expected[v]));
    await waitForOpenSubscriptions(t.url, allowed.length);
    for (const viewer of ALL.filter((v) => !allowed.includes(v))) {
      const s = subs.get(viewer)!;
      await s.waitForEnd();
      const code = s.errors?.[0]?.extensions?.code ?? (s.failure ? 'transport-failure' : 'none');
      expect([viewer, code]).toEqual([viewer, expected[viewer]]);
    }
    const own = await produce(true);
    const foreign = await produce(false);
    for (const viewer of allowed) {
      const want = { own: [own], foreign: [foreign], both: [own, foreign] }[
        expected[viewer] as 'own' | 'foreign' | 'both'
      ];
      const s = subs.get(viewer)!;
      await s.waitForCount(want.length);
    }
    // Everything produced has been delivered to someone who sees both: nothing else is coming.
    for (const viewer of allowed) {
      const want = { own: [own], foreign: [foreign], both: [own, foreign] }[
        expected[viewer] as 'own' | 'foreign' | 'both'
      ];
      expect([viewer, subs.get(viewer)!.items.map((e) => e.referralId)]).toEqual([viewer, want]);
    }
    for (const s of subs.values()) s.stop();
    await waitForOpenSubscriptions(t.url, 0);
  }

  const foreignCaseworker = () => t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  const foreignCoach = () => t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' });
  let brommaPersons: InsertedPerson[];
  beforeAll(async () => {
    brommaPersons = await insertPersons(
      t.hub.dataSource,
      Array.from({ length: 2 }, () => ({
        homeDistrictId: 'bromma',
        cases: [{ districtId: 'bromma', active: true }],
      })),
    );
  });

  const parties = {
    caseworker: 'own',
    caseworkerForeign: 'foreign',
    coach: 'own',
    coachForeign: 'foreign',
    partner: 'own',
    partnerCityWide: 'both',
  } as const;

  it('referralEvents: parties get their own events only, city-wide partners all, others FORBIDDEN', async () => {
    await run(
      'referralEvents',
      async (own) => {
        if (own)
          return (
            await api.ok<{ id: string }>(
              'createReferral',
              referralInput(spare[0].id),
              tokens.caseworker!,
            )
          ).id;
        return (
          await api.ok<{ id: string }>(
            'createReferral',
            referralInput(brommaPersons[0].id, { toJobCentreId: 'jobbtorg-jarva' }),
            await foreignCaseworker(),
          )
        ).id;
      },
      { ...expect_({}), ...parties },
    );
  });

  it('referralReturned: the same parties, återremittering events only', async () => {
    const walkToReturn = async (cw: string, co: string, personId: string, extra = {}) => {
      const r = await api.ok<{ id: string }>('createReferral', referralInput(personId, extra), cw);
      await api.ok('acceptReferral', { id: r.id, expectedVersion: 1 }, co);
      await api.ok(
        'registerFirstVisit',
        { id: r.id, expectedVersion: 2, visitedAt: hoursFromNow(-1 / 60) },
        co,
      );
      return r.id;
    };
    const ownId = await walkToReturn(tokens.caseworker!, tokens.coach!, spare[0].id);
    const foreignId = await walkToReturn(
      await foreignCaseworker(),
      await foreignCoach(),
      brommaPersons[1].id,
      {
        toJobCentreId: 'jobbtorg-jarva',
      },
    );
    await run(
      'referralReturned',
      async (own) => {
        const id = own ? ownId : foreignId;
        await api.ok(
          'returnReferral',
          { id, expectedVersion: 3, reason: 'SJUKSKRIVEN' },
          own ? tokens.coach! : await foreignCoach(),
        );
        return id;
      },
      { ...expect_({}), ...parties },
    );
  });
});
