/**
 * Consent (samtycke): recordConsent / withdrawConsent, validation that changes nothing,
 * consent-gated cross-authority fields, withdrawal and expiry taking effect at once — also
 * for an open subscription — and createReferral citing a consent (both databases).
 */
import { insertPersons, type InsertedPerson } from '../helpers/person-fixture';
import {
  ReferralApi,
  firstError,
  plusDays,
  referralInput,
  stockholmToday,
} from '../helpers/referral-api';
import {
  waitForOpenSubscriptions,
  wsClient,
  type FormattedError,
} from '../helpers/event-subscribers';
import { startTestHub, type TestHub } from '../helpers/test-hub';

let t: TestHub;
let api: ReferralApi;
let caseworker: string;
let caseworkerBromma: string;
let coach: string;
let coachJarva: string;
let sfiAdmin: string;
let persons: InsertedPerson[];

const CONSENT_FIELDS =
  'id personId status scope validFrom validUntil recordedAt withdrawnAt parties { id } recordedBy { id }';

interface ConsentView {
  id: string;
  personId: string;
  status: string;
  scope: string[];
  validFrom: string;
  validUntil: string;
  withdrawnAt: string | null;
  parties: { id: string }[];
  recordedBy: { id: string };
}

/** A Skärholmen person referred to Sydväst, studying SFI at Kista, known to AF — no consent. */
function spec() {
  return {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
  };
}

let nextPerson = 0;
const fresh = () => persons[nextPerson++];

async function record(input: Record<string, unknown>, token = caseworker) {
  return t.gql<{ recordConsent: ConsentView }>(
    `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { ${CONSENT_FIELDS} } }`,
    { token, variables: { input } },
  );
}

async function recordOk(input: Record<string, unknown>): Promise<ConsentView> {
  const res = await record(input);
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data!.recordConsent;
}

async function withdraw(id: string, token = caseworker) {
  return t.gql<{ withdrawConsent: ConsentView }>(
    `mutation ($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { ${CONSENT_FIELDS} } }`,
    { token, variables: { input: { id, reason: 'Personen återkallade' } } },
  );
}

const SOURCES = `query ($id: ID!) { person(id: $id) {
  sfi { status } employmentService { registered } jobCentre { status } referralStatuses { status }
} }`;

type Sources = {
  person: {
    sfi: unknown;
    employmentService: unknown;
    jobCentre: unknown;
    referralStatuses: unknown;
  } | null;
};

async function sources(personId: string, token: string) {
  const res = await t.gql<Sources>(SOURCES, { token, variables: { id: personId } });
  const denied = (res.body.errors ?? []).map((e) => [
    e.path?.slice(1).join('.'),
    e.extensions?.code,
    e.extensions?.requires,
  ]);
  return { person: res.body.data!.person, denied };
}

async function consentCount(): Promise<number> {
  const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
    'SELECT count(*) AS n FROM consent',
  );
  return Number(n);
}

beforeAll(async () => {
  t = await startTestHub({ JOB_GUARANTEE_CHECK_INTERVAL_S: '86400' });
  api = new ReferralApi(t);
  persons = await insertPersons(
    t.hub.dataSource,
    Array.from({ length: 16 }, () => spec()),
  );
  caseworker = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen', sub: 'cw-1' });
  caseworkerBromma = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  coach = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'coach-1' });
  coachJarva = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-jarva' });
  sfiAdmin = await t.token({ role: 'SFI_ADMINISTRATOR', org: 'sfi-kista' });
}, 60000);

afterAll(async () => {
  await t.stop();
});

test('recordConsent stores parties, scope and validity; the district lists it, parties see theirs', async () => {
  const p = fresh();
  const today = stockholmToday();
  const c = await recordOk({
    personId: p.id,
    parties: ['jobbtorg-sydvast', 'skarholmen', 'sfi-kista'],
    scope: ['SFI', 'REFERRAL_STATUS'],
    validUntil: plusDays(today, 90),
  });
  expect(c).toMatchObject({
    personId: p.id,
    status: 'ACTIVE',
    scope: ['REFERRAL_STATUS', 'SFI'],
    validFrom: today,
    validUntil: plusDays(today, 90),
    withdrawnAt: null,
    recordedBy: { id: 'skarholmen' },
  });
  expect(c.parties.map((o) => o.id)).toEqual(['jobbtorg-sydvast', 'sfi-kista', 'skarholmen']);

  const list = async (token: string) => {
    const res = await t.gql<{ person: { consents: { id: string }[] } | null }>(
      'query ($id: ID!) { person(id: $id) { consents { id } } }',
      { token, variables: { id: p.id } },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.person?.consents.map((x) => x.id) ?? null;
  };
  expect(await list(caseworker)).toEqual([c.id]);
  expect(await list(coach)).toEqual([c.id]);
  expect(await list(sfiAdmin)).toEqual([c.id]);
  // AF is not a party: its officer sees the person (a job seeker there) but not the consent.
  const af = await t.token({ role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-skarholmen' });
  expect(await list(af)).toEqual([]);

  const [row] = await t.hub.dataSource.query<{ action: string; field_groups: string[] }[]>(
    `SELECT action, field_groups FROM access_log WHERE person_id = $1 AND operation = 'recordConsent'`,
    [p.id],
  );
  expect(row).toEqual({ action: 'WRITE', field_groups: ['consents'] });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  const today = stockholmToday();
  const base = () => ({
    personId: persons[15].id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(today, 30),
  });
  it.each([
    ['no parties', { parties: [] }, 'parties'],
    ['an unknown organisation', { parties: ['jobbtorg-atlantis'] }, 'parties'],
    ['a city-wide organisation', { parties: ['arbetsmarknadsforvaltningen'] }, 'parties'],
    ['only the recording district', { parties: ['skarholmen'] }, 'parties'],
    ['no scope', { scope: [] }, 'scope'],
    ['validFrom in the past', { validFrom: plusDays(today, -1) }, 'validFrom'],
    [
      'validUntil before validFrom',
      { validFrom: plusDays(today, 10), validUntil: plusDays(today, 5) },
      'validUntil',
    ],
  ])('%s → BAD_USER_INPUT on %s', async (_label, change, field) => {
    const before = await consentCount();
    const err = firstError(await record({ ...base(), ...change }));
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.field).toBe(field);
    expect(await consentCount()).toBe(before);
  });

  it('a malformed date is refused by the schema (BAD_USER_INPUT, value not echoed)', async () => {
    const res = await record({ ...base(), validUntil: '2027-02-30' });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.body.errors)).not.toContain('2027-02-30');
  });

  it('another district cannot record for a person it has no case for (NOT_FOUND)', async () => {
    const before = await consentCount();
    const err = firstError(await record(base(), caseworkerBromma));
    expect(err.code).toBe('NOT_FOUND');
    expect(await consentCount()).toBe(before);
  });

  it('a coach may not record consents (FORBIDDEN)', async () => {
    const err = firstError(await record(base(), coach));
    expect(err.code).toBe('FORBIDDEN');
  });
});

test('cross-authority fields need a consent naming the viewer; withdrawal takes effect at once', async () => {
  const p = fresh();
  // No consent: the coach sees the job centre's own data, SFI and AF are FORBIDDEN.
  const before = await sources(p.id, coach);
  expect(before.person).toMatchObject({
    jobCentre: { status: 'ACTIVE' },
    sfi: null,
    employmentService: null,
  });
  expect(before.denied).toEqual(
    expect.arrayContaining([
      ['sfi', 'FORBIDDEN', 'consent:SFI'],
      ['employmentService', 'FORBIDDEN', 'consent:EMPLOYMENT_SERVICE'],
    ]),
  );
  expect(before.denied).toHaveLength(2);

  // A consent naming another job centre does not help Sydväst.
  await recordOk({
    personId: p.id,
    parties: ['jobbtorg-jarva'],
    scope: ['SFI', 'EMPLOYMENT_SERVICE'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  expect((await sources(p.id, coach)).denied).toHaveLength(2);

  // SFI only: SFI opens, AF stays closed.
  const c = await recordOk({
    personId: p.id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  const withSfi = await sources(p.id, coach);
  expect(withSfi.person?.sfi).toEqual([{ status: 'ONGOING' }]);
  expect(withSfi.denied).toEqual([
    ['employmentService', 'FORBIDDEN', 'consent:EMPLOYMENT_SERVICE'],
  ]);

  // Withdrawn: closed again on the very next request.
  const w = await withdraw(c.id);
  expect(w.body.errors).toBeUndefined();
  expect(w.body.data!.withdrawConsent).toMatchObject({ status: 'WITHDRAWN' });
  expect(w.body.data!.withdrawConsent.withdrawnAt).not.toBeNull();
  const after = await sources(p.id, coach);
  expect(after.person?.sfi).toBeNull();
  expect(after.denied).toHaveLength(2);

  // Twice is a wrong step; another district cannot see it.
  expect(firstError(await withdraw(c.id)).code).toBe('INVALID_TRANSITION');
  expect(firstError(await withdraw(c.id, caseworkerBromma)).code).toBe('NOT_FOUND');
  expect(firstError(await withdraw('00000000-0000-4000-8000-000000000000')).code).toBe('NOT_FOUND');
});

test('an expired or not yet valid consent allows nothing', async () => {
  const p = fresh();
  const today = stockholmToday();
  await t.hub.dataSource.query(
    `INSERT INTO consent (id, person_id, parties, scope, valid_from, valid_until, recorded_by_org, recorded_by_sub)
     VALUES (gen_random_uuid(), $1, ARRAY['jobbtorg-sydvast'], ARRAY['SFI'], $2, $3, 'skarholmen', 't'),
            (gen_random_uuid(), $1, ARRAY['jobbtorg-sydvast'], ARRAY['SFI'], $4, $5, 'skarholmen', 't')`,
    [p.id, plusDays(today, -60), plusDays(today, -1), plusDays(today, 1), plusDays(today, 60)],
  );
  const res = await sources(p.id, coach);
  expect(res.person?.sfi).toBeNull();
  const listed = await t.gql<{ person: { consents: { status: string }[] } }>(
    'query ($id: ID!) { person(id: $id) { consents { status } } }',
    { token: caseworker, variables: { id: p.id } },
  );
  expect(listed.body.data!.person.consents.map((c) => c.status).sort()).toEqual([
    'EXPIRED',
    'PENDING',
  ]);
});

test('an SFI provider sees referral status only with consent (scope REFERRAL_STATUS)', async () => {
  const p = fresh();
  await api.ok('createReferral', referralInput(p.id), caseworker);
  const q =
    'query ($id: ID!) { person(id: $id) { referralStatuses { status toJobCentre { id } } referrals { totalCount } } }';
  const without = await t.gql<{
    person: { referralStatuses: unknown; referrals: { totalCount: number } };
  }>(q, {
    token: sfiAdmin,
    variables: { id: p.id },
  });
  expect(without.body.data!.person.referralStatuses).toBeNull();
  expect(without.body.data!.person.referrals.totalCount).toBe(0);
  expect(without.body.errors?.map((e) => e.extensions?.requires)).toEqual([
    'consent:REFERRAL_STATUS',
  ]);

  await recordOk({
    personId: p.id,
    parties: ['sfi-kista'],
    scope: ['REFERRAL_STATUS'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  const withConsent = await t.gql<{
    person: { referralStatuses: unknown; referrals: { totalCount: number } };
  }>(q, {
    token: sfiAdmin,
    variables: { id: p.id },
  });
  expect(withConsent.body.errors).toBeUndefined();
  expect(withConsent.body.data!.person.referralStatuses).toEqual([
    { status: 'SENT', toJobCentre: { id: 'jobbtorg-sydvast' } },
  ]);
  // Status only: the full referral (note, plans…) stays with the parties.
  expect(withConsent.body.data!.person.referrals.totalCount).toBe(0);
});

test('recordConsent with an idempotency key returns the first consent; other input is CONFLICT', async () => {
  const p = fresh();
  const input = {
    personId: p.id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
    idempotencyKey: `consent-${p.id}`,
  };
  const first = await recordOk(input);
  const again = await recordOk(input);
  expect(again.id).toBe(first.id);
  const [{ n }] = await t.hub.dataSource.query<{ n: string }[]>(
    'SELECT count(*) AS n FROM consent WHERE person_id = $1',
    [p.id],
  );
  expect(Number(n)).toBe(1);
  expect(firstError(await record({ ...input, scope: ['EMPLOYMENT_SERVICE'] })).code).toBe(
    'CONFLICT',
  );
});

test('createReferral may cite a consent: it must be the person’s, valid, and name the job centre', async () => {
  const p = fresh();
  const other = fresh();
  const valid = await recordOk({
    personId: p.id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  const toJarvaOnly = await recordOk({
    personId: p.id,
    parties: ['jobbtorg-jarva'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  const othersConsent = await recordOk({
    personId: other.id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  for (const consentId of [
    othersConsent.id,
    toJarvaOnly.id,
    '00000000-0000-4000-8000-000000000000',
  ]) {
    const err = await api.fail('createReferral', referralInput(p.id, { consentId }), caseworker);
    expect([err.code, err.field]).toEqual(['BAD_USER_INPUT', 'consentId']);
  }
  const r = await api.ok<{ id: string }>(
    'createReferral',
    referralInput(p.id, { consentId: valid.id }),
    caseworker,
  );
  const [row] = await t.hub.dataSource.query<{ consent_id: string }[]>(
    'SELECT consent_id FROM referral WHERE id = $1',
    [r.id],
  );
  expect(row.consent_id).toBe(valid.id);
  expect((await withdraw(valid.id)).body.errors).toBeUndefined();
  const err = await api.fail(
    'createReferral',
    referralInput(p.id, { consentId: valid.id }),
    caseworker,
  );
  expect([err.code, err.field]).toEqual(['BAD_USER_INPUT', 'consentId']);
  expect(coachJarva).toBeTruthy();
});

test('withdrawal reaches an open subscription: the next event shows the field denied', async () => {
  const p = fresh();
  const consent = await recordOk({
    personId: p.id,
    parties: ['jobbtorg-sydvast'],
    scope: ['SFI'],
    validUntil: plusDays(stockholmToday(), 30),
  });
  const client = wsClient(t.url, coach);
  const received: { type: string; sfi: unknown; errors: FormattedError[] | undefined }[] = [];
  const dispose = client.subscribe<{
    referralEvents: { type: string; referral: { person: { sfi: unknown } | null } | null };
  }>(
    {
      query: `subscription ($f: EventFilter) { referralEvents(filter: $f) { type referral { person { sfi { status } } } } }`,
      variables: { f: { jobCentreId: 'jobbtorg-sydvast' } },
    },
    {
      next: (r) =>
        received.push({
          type: r.data!.referralEvents.type,
          sfi: r.data!.referralEvents.referral?.person?.sfi,
          errors: r.errors as FormattedError[] | undefined,
        }),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  try {
    await waitForOpenSubscriptions(t.url, 1);
    const r = await api.ok<{ id: string; version: number }>(
      'createReferral',
      referralInput(p.id),
      caseworker,
    );
    const deadline = Date.now() + 5000;
    while (received.length < 1 && Date.now() < deadline)
      await new Promise((x) => setTimeout(x, 20));
    expect(received[0]).toMatchObject({ type: 'REFERRAL_SENT', sfi: [{ status: 'ONGOING' }] });
    expect(received[0].errors).toBeUndefined();

    expect((await withdraw(consent.id)).body.errors).toBeUndefined();
    await api.ok('acceptReferral', { id: r.id, expectedVersion: r.version }, coach);
    while (received.length < 2 && Date.now() < deadline + 5000)
      await new Promise((x) => setTimeout(x, 20));
    expect(received[1]).toMatchObject({ type: 'REFERRAL_ACCEPTED', sfi: null });
    expect(received[1].errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
      ['FORBIDDEN', 'referralEvents.referral.person.sfi'],
    ]);
  } finally {
    dispose();
    await client.dispose();
  }
});
