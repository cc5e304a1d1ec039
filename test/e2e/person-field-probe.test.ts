/**
 * The probe: asks for every field of every fixture person (the selection is generated from
 * the schema, so a new field is probed without touching this file) as each person-reading
 * role from several organisations, and checks every non-null value and every FORBIDDEN
 * against an oracle written from docs/authorization.md and the fixture: who sees the person
 * at all (relations), which field groups the role gets, protected identity, consents valid
 * today naming the viewer. Nothing may be shown outside the table, and nothing the table
 * allows may be missing.
 */
import { selectionOf } from '../helpers/schema-selection';
import { insertPersons, type InsertedPerson, type PersonSpec } from '../helpers/person-fixture';
import { ReferralApi, referralInput } from '../helpers/referral-api';
import { startTestHub, type TestHub } from '../helpers/test-hub';

// The selection set, from the schema.
const PERSON_SELECTION = selectionOf('Person', 5);

// --- the oracle (from docs/authorization.md) ------------------------------------------------

type Group =
  | 'identity'
  | 'financialAid'
  | 'assistanceDecisions'
  | 'assistanceAmounts'
  | 'jobCentre'
  | 'sfi'
  | 'employmentService'
  | 'referrals'
  | 'referralStatuses'
  | 'consents';
type Rule = 'yes' | 'deciding' | 'no' | `consent:${string}`;
type Role =
  'DISTRICT_CASEWORKER' | 'JOB_CENTRE_COACH' | 'SFI_ADMINISTRATOR' | 'EMPLOYMENT_SERVICE_OFFICER';

const TABLE: Record<Role, Record<Group, Rule>> = {
  DISTRICT_CASEWORKER: {
    identity: 'yes',
    financialAid: 'deciding',
    assistanceDecisions: 'deciding',
    assistanceAmounts: 'deciding',
    jobCentre: 'consent:JOB_CENTRE',
    sfi: 'consent:SFI',
    employmentService: 'yes',
    referrals: 'yes',
    referralStatuses: 'yes',
    consents: 'yes',
  },
  JOB_CENTRE_COACH: {
    identity: 'yes',
    financialAid: 'yes',
    assistanceDecisions: 'no',
    assistanceAmounts: 'no',
    jobCentre: 'yes',
    sfi: 'consent:SFI',
    employmentService: 'consent:EMPLOYMENT_SERVICE',
    referrals: 'yes',
    referralStatuses: 'yes',
    consents: 'yes',
  },
  SFI_ADMINISTRATOR: {
    identity: 'yes',
    financialAid: 'no',
    assistanceDecisions: 'no',
    assistanceAmounts: 'no',
    jobCentre: 'no',
    sfi: 'yes',
    employmentService: 'no',
    referrals: 'yes',
    referralStatuses: 'consent:REFERRAL_STATUS',
    consents: 'yes',
  },
  EMPLOYMENT_SERVICE_OFFICER: {
    identity: 'yes',
    financialAid: 'no',
    assistanceDecisions: 'no',
    assistanceAmounts: 'no',
    jobCentre: 'consent:JOB_CENTRE',
    sfi: 'no',
    employmentService: 'yes',
    referrals: 'yes',
    referralStatuses: 'consent:REFERRAL_STATUS',
    consents: 'yes',
  },
};

/** Which field group a response path (below the person) belongs to; null: the base record. */
function groupOf(path: (string | number)[]): Group | null {
  const names = path.filter((p): p is string => typeof p === 'string');
  const [top, second, third] = names;
  if (['personnummer', 'givenName', 'familyName', 'homeDistrict'].includes(top)) return 'identity';
  if (top === 'financialAid') {
    if (second === 'district') return 'identity';
    if (second === 'decisions')
      return third === 'amount' ? 'assistanceAmounts' : 'assistanceDecisions';
    return 'financialAid';
  }
  if (
    ['jobCentre', 'sfi', 'employmentService', 'referrals', 'referralStatuses', 'consents'].includes(
      top,
    )
  )
    return top as Group;
  return null;
}

// --- the world ------------------------------------------------------------------------------

const ALL_SCOPES = ['REFERRAL_STATUS', 'JOB_CENTRE', 'SFI', 'EMPLOYMENT_SERVICE'];

const SPECS: Record<string, PersonSpec> = {
  consented: {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true, decisions: 2 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
    consents: [
      {
        parties: ['skarholmen', 'jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen'],
        scope: ALL_SCOPES,
      },
    ],
  },
  noConsent: {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
  },
  protectedP: {
    homeDistrictId: 'skarholmen',
    protectedIdentity: true,
    cases: [{ districtId: 'skarholmen', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
    consents: [
      {
        parties: ['skarholmen', 'jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen'],
        scope: ALL_SCOPES,
      },
    ],
  },
  expiredAndWithdrawn: {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast' },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true },
    consents: [
      {
        parties: ['jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen', 'skarholmen'],
        scope: ALL_SCOPES,
        validFrom: '2025-01-01',
        validUntil: '2025-12-31',
      },
      {
        parties: ['jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen', 'skarholmen'],
        scope: ALL_SCOPES,
        withdrawn: true,
      },
    ],
  },
  partialBromma: {
    homeDistrictId: 'bromma',
    cases: [{ districtId: 'bromma', active: true, decisions: 1 }],
    enrolment: { jobCentreId: 'jobbtorg-vasterort' },
    sfi: { providerId: 'sfi-vallingby' },
    af: { officeId: 'af-vallingby', registered: true },
    consents: [{ parties: ['jobbtorg-vasterort'], scope: ['SFI'] }],
  },
  sfiOnly: {
    homeDistrictId: 'skarholmen',
    sfi: { providerId: 'sfi-kista' },
    consents: [],
  },
};

const VIEWERS: { role: Role; org: string }[] = [
  { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' },
  { role: 'DISTRICT_CASEWORKER', org: 'bromma' },
  { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' },
  { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-vasterort' },
  { role: 'SFI_ADMINISTRATOR', org: 'sfi-kista' },
  { role: 'SFI_ADMINISTRATOR', org: 'sfi-vallingby' },
  { role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-skarholmen' },
  { role: 'EMPLOYMENT_SERVICE_OFFICER', org: 'af-vallingby' },
];

let t: TestHub;
const persons: Record<string, InsertedPerson> = {};
/** Referrals made through the workflow: person key → [district, job centre] per referral. */
const referralsOf: Record<string, [string, string][]> = {};

beforeAll(async () => {
  // Limits raised: the probe asks for everything at once on purpose.
  t = await startTestHub({
    JOB_GUARANTEE_CHECK_INTERVAL_S: '86400',
    QUERY_MAX_DEPTH: '20',
    QUERY_MAX_TOKENS: '100000',
    QUERY_MAX_COST: '10000000',
    QUERY_MAX_ALIASES: '50',
  });
  const keys = Object.keys(SPECS);
  const inserted = await insertPersons(
    t.hub.dataSource,
    keys.map((k) => SPECS[k]),
  );
  keys.forEach((k, i) => (persons[k] = inserted[i]));
  const api = new ReferralApi(t);
  const cw = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  const cwBromma = await t.token({ role: 'DISTRICT_CASEWORKER', org: 'bromma' });
  for (const k of ['consented', 'noConsent', 'protectedP']) {
    await api.ok('createReferral', referralInput(persons[k].id), cw);
    referralsOf[k] = [['skarholmen', 'jobbtorg-sydvast']];
  }
  await api.ok('createReferral', referralInput(persons.partialBromma.id), cwBromma);
  referralsOf.partialBromma = [['bromma', 'jobbtorg-vasterort']];
}, 60000);

afterAll(async () => {
  await t.stop();
});

/** Who sees the person at all (the row rule), from the fixture. */
function visible(viewer: { role: Role; org: string }, spec: PersonSpec, key: string): boolean {
  switch (viewer.role) {
    case 'DISTRICT_CASEWORKER':
      return (spec.cases ?? []).some((c) => c.active && c.districtId === viewer.org);
    case 'JOB_CENTRE_COACH':
      return (
        spec.enrolment?.jobCentreId === viewer.org ||
        (referralsOf[key] ?? []).some(([, jc]) => jc === viewer.org)
      );
    case 'SFI_ADMINISTRATOR':
      return spec.sfi?.providerId === viewer.org;
    case 'EMPLOYMENT_SERVICE_OFFICER':
      return spec.af?.officeId === viewer.org && spec.af.registered;
  }
}

function allowed(viewer: { role: Role; org: string }, spec: PersonSpec, group: Group): boolean {
  if (group === 'identity' && spec.protectedIdentity && viewer.org !== spec.homeDistrictId)
    return false;
  const rule = TABLE[viewer.role][group];
  if (rule === 'yes') return true;
  if (rule === 'no') return false;
  if (rule === 'deciding')
    return (spec.cases ?? []).some((c) => c.active && c.districtId === viewer.org);
  const scope = rule.slice('consent:'.length);
  return (spec.consents ?? []).some(
    (c) =>
      !c.withdrawn &&
      (c.validUntil ?? '2099-12-31') >= '2026-11-22' &&
      (c.validFrom ?? '2026-01-01') <= '2099-01-01' &&
      c.parties.includes(viewer.org) &&
      c.scope.includes(scope),
  );
}

/** Every non-null leaf below `value`, with its path. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      leaves(v, [...path, k]),
    );
  return [path];
}

test('the generated selection reaches every field group of a person', () => {
  for (const field of [
    'personnummer',
    'financialAid',
    'decisions',
    'amount',
    'jobCentre',
    'sfi',
    'employmentService',
    'referrals',
    'referralStatuses',
    'consents',
  ])
    expect(PERSON_SELECTION).toContain(field);
});

describe.each(VIEWERS)('$role of $org', (viewer) => {
  test('sees exactly what the table allows, for every person', async () => {
    const keys = Object.keys(SPECS);
    const token = await t.token({ role: viewer.role, org: viewer.org, sub: `probe-${viewer.org}` });
    const query = `query { ${keys.map((k) => `${k}: person(id: "${persons[k].id}") { ${PERSON_SELECTION} }`).join(' ')} }`;
    const res = await t.gql<Record<string, Record<string, unknown> | null>>(query, { token });
    const errors = res.body.errors ?? [];
    for (const e of errors) {
      // Nothing but the policy may refuse here, and every refusal names its group.
      expect([e.path?.join('.'), e.extensions?.code]).toEqual([e.path?.join('.'), 'FORBIDDEN']);
      expect(e.extensions?.fieldGroup).toBeDefined();
    }
    for (const key of keys) {
      const spec = SPECS[key];
      const data = res.body.data![key];
      const mine = errors.filter((e) => e.path?.[0] === key);
      if (!visible(viewer, spec, key)) {
        expect([key, data, mine]).toEqual([key, null, []]);
        continue;
      }
      expect([key, data?.id]).toEqual([key, persons[key].id]);
      // Every value shown is allowed by the table.
      for (const path of leaves(data)) {
        const group = groupOf(path);
        if (group)
          expect([key, path.join('.'), allowed(viewer, spec, group)]).toEqual([
            key,
            path.join('.'),
            true,
          ]);
      }
      // Every refusal is a group the table denies, reported with that group.
      for (const e of mine) {
        const group = groupOf(e.path!.slice(1));
        expect([key, e.path?.join('.'), group, allowed(viewer, spec, group!)]).toEqual([
          key,
          e.path?.join('.'),
          e.extensions?.fieldGroup === 'identity' ? 'identity' : e.extensions?.fieldGroup,
          false,
        ]);
      }
      // Nothing the table allows is missing: each allowed top-level group with data in the
      // fixture came back without an error on its path.
      const refused = new Set(mine.map((e) => groupOf(e.path!.slice(1))));
      for (const group of [
        'identity',
        'financialAid',
        'jobCentre',
        'sfi',
        'employmentService',
        'consents',
        'referrals',
        'referralStatuses',
      ] as Group[]) {
        if (allowed(viewer, spec, group))
          expect([key, group, refused.has(group)]).toEqual([key, group, false]);
      }
      // Lists hold only what concerns the viewer's organisation.
      const referrals = (
        data!.referrals as {
          edges: { node: { fromDistrict: { id: string }; toJobCentre: { id: string } } }[];
        }
      ).edges;
      for (const { node } of referrals)
        expect([node.fromDistrict.id, node.toJobCentre.id]).toContain(viewer.org);
      if (viewer.role === 'SFI_ADMINISTRATOR' || viewer.role === 'EMPLOYMENT_SERVICE_OFFICER')
        expect(referrals).toEqual([]);
      const statuses = data!.referralStatuses as
        { fromDistrict: { id: string }; toJobCentre: { id: string } }[] | null;
      if (statuses && (viewer.role === 'DISTRICT_CASEWORKER' || viewer.role === 'JOB_CENTRE_COACH'))
        for (const s of statuses)
          expect([s.fromDistrict.id, s.toJobCentre.id]).toContain(viewer.org);
      if (statuses)
        expect(statuses).toHaveLength(
          viewer.role === 'SFI_ADMINISTRATOR' || viewer.role === 'EMPLOYMENT_SERVICE_OFFICER'
            ? (referralsOf[key] ?? []).length
            : (referralsOf[key] ?? []).filter((r) => r.includes(viewer.org)).length,
        );
      const consents = data!.consents as { parties: { id: string }[] }[];
      if (viewer.role !== 'DISTRICT_CASEWORKER')
        for (const c of consents) expect(c.parties.map((p) => p.id)).toContain(viewer.org);
      else expect(consents).toHaveLength((spec.consents ?? []).length);
    }
  });
});
