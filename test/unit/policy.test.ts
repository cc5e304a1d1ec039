import {
  PUBLIC_ROOT_FIELDS,
  ROLE_ORGANISATION_KINDS,
  mayCallRootField,
  roleFitsOrganisation,
} from '../../src/auth/policy';
import { OPERATION_ROLES } from '../../src/auth/policy-table';
import { ROLES, Role, isRole } from '../../src/auth/roles';
import { buildHubSchema } from '../../src/schema';
import { ANONYMOUS, type AuthenticatedViewer } from '../../src/auth/viewer';
import { ORGANISATION_KINDS, type OrganisationKindName } from '../../src/reference/reference-files';

const viewer: AuthenticatedViewer = {
  kind: 'authenticated',
  sub: 'user-1',
  role: Role.JOB_CENTRE_COACH,
  orgId: 'jobbtorg-sydvast',
  orgKind: 'JOB_CENTRE',
  scopes: [],
  expiresAt: Math.floor(Date.now() / 1000) + 600,
};

describe('roles', () => {
  it('are exactly the roles of API.md', () => {
    expect([...ROLES].sort()).toEqual(
      [
        'DISTRICT_CASEWORKER',
        'JOB_CENTRE_COACH',
        'SFI_ADMINISTRATOR',
        'EMPLOYMENT_SERVICE_OFFICER',
        'PARTNER_SYSTEM',
        'ANALYST',
        'DATA_PROTECTION_OFFICER',
        'ADMIN',
      ].sort(),
    );
  });

  it('isRole accepts only those exact strings', () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    expect(isRole('admin')).toBe(false);
    expect(isRole('ROOT')).toBe(false);
    expect(isRole(undefined)).toBe(false);
    expect(isRole(0)).toBe(false);
  });
});

describe('mayCallRootField', () => {
  const anonymousOk = [
    ['Query', 'viewer'],
    ['Query', 'organisations'],
    ['Query', 'codeList'],
  ];

  it('the public set contains what API.md lets anyone call', () => {
    for (const [type, field] of anonymousOk)
      expect(PUBLIC_ROOT_FIELDS.has(`${type}.${field}`)).toBe(true);
  });

  it('public fields are Query fields only', () => {
    for (const name of PUBLIC_ROOT_FIELDS) expect(name).toMatch(/^Query\.[a-zA-Z]+$/);
  });

  it.each([...PUBLIC_ROOT_FIELDS].map((f) => f.split('.')))(
    '%s.%s answers for anonymous and for an authenticated viewer',
    (type, field) => {
      expect(mayCallRootField(ANONYMOUS, type, field)).toEqual({ allowed: true });
      expect(mayCallRootField(viewer, type, field)).toEqual({ allowed: true });
    },
  );

  it.each([
    ['Query', 'person'],
    ['Query', 'personByPersonnummer'],
    ['Query', 'persons'],
    ['Query', 'referral'],
    ['Query', 'referrals'],
    ['Query', 'events'],
    ['Query', 'somethingAddedLater'],
    ['Mutation', 'createReferral'],
    ['Mutation', 'closeReferral'],
    ['Mutation', 'viewer'],
    ['Subscription', 'referralEvents'],
    ['Subscription', 'referralReturned'],
  ])('%s.%s is UNAUTHENTICATED for anonymous', (type, field) => {
    expect(mayCallRootField(ANONYMOUS, type, field)).toEqual({
      allowed: false,
      reason: 'UNAUTHENTICATED',
    });
  });

  it('a root field missing from the table is FORBIDDEN even with a token (deny by default)', () => {
    for (const role of ROLES) {
      const v = { ...viewer, role };
      expect(mayCallRootField(v, 'Query', 'somethingAddedLater')).toEqual({
        allowed: false,
        reason: 'FORBIDDEN',
      });
      expect(mayCallRootField(v, 'Mutation', 'viewer').allowed).toBe(false);
    }
  });

  // Independent expectation, written from the trust issue and API.md: who calls what.
  const readers = [
    'DISTRICT_CASEWORKER',
    'JOB_CENTRE_COACH',
    'SFI_ADMINISTRATOR',
    'EMPLOYMENT_SERVICE_OFFICER',
  ];
  const referralReaders = ['DISTRICT_CASEWORKER', 'JOB_CENTRE_COACH', 'PARTNER_SYSTEM'];
  const expectedCallers: [string, string[]][] = [
    ['Query.person', readers],
    ['Query.personByPersonnummer', readers],
    ['Query.persons', readers],
    ['Query.referral', referralReaders],
    ['Query.referrals', referralReaders],
    ['Query.events', referralReaders],
    ['Subscription.referralEvents', referralReaders],
    ['Subscription.referralReturned', referralReaders],
    ['Query.accessLog', ['DATA_PROTECTION_OFFICER']],
    ['Query.myAccessLog', [...ROLES]],
    [
      'Query.followUp',
      ['ANALYST', 'ADMIN', 'PARTNER_SYSTEM', 'DISTRICT_CASEWORKER', 'JOB_CENTRE_COACH'],
    ],
    ['Mutation.createReferral', ['DISTRICT_CASEWORKER']],
    ['Mutation.withdrawReferral', ['DISTRICT_CASEWORKER']],
    ['Mutation.decideJobPlan', ['DISTRICT_CASEWORKER']],
    ['Mutation.acknowledgeReturn', ['DISTRICT_CASEWORKER']],
    ['Mutation.recordConsent', ['DISTRICT_CASEWORKER']],
    ['Mutation.withdrawConsent', ['DISTRICT_CASEWORKER']],
    ['Mutation.acceptReferral', ['JOB_CENTRE_COACH']],
    ['Mutation.rejectReferral', ['JOB_CENTRE_COACH']],
    ['Mutation.registerFirstVisit', ['JOB_CENTRE_COACH']],
    ['Mutation.submitJobPlan', ['JOB_CENTRE_COACH']],
    ['Mutation.reportDeviation', ['JOB_CENTRE_COACH']],
    ['Mutation.interruptReferral', ['JOB_CENTRE_COACH']],
    ['Mutation.resumeReferral', ['JOB_CENTRE_COACH']],
    ['Mutation.returnReferral', ['JOB_CENTRE_COACH']],
    ['Mutation.closeReferral', ['JOB_CENTRE_COACH']],
  ];
  it.each(expectedCallers)('%s: exactly %j', (name, roles) => {
    const [type, field] = name.split('.');
    const allowed = ROLES.filter(
      (role) => mayCallRootField({ ...viewer, role }, type, field).allowed,
    );
    expect([...allowed].sort()).toEqual([...roles].sort());
  });

  it('every root field of the schema has a row in the table', () => {
    const schema = buildHubSchema();
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const names = roots.flatMap((t) =>
      t ? Object.keys(t.getFields()).map((f) => `${t.name}.${f}`) : [],
    );
    expect(names.filter((n) => !(n in OPERATION_ROLES))).toEqual([]);
    expect(Object.keys(OPERATION_ROLES).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('field names are matched exactly (no case folding)', () => {
    expect(mayCallRootField(ANONYMOUS, 'Query', 'Viewer').allowed).toBe(false);
    expect(mayCallRootField(ANONYMOUS, 'query', 'viewer').allowed).toBe(false);
  });
});

describe('roleFitsOrganisation', () => {
  // Independent expectation: which organisation kinds may issue tokens for each role.
  const expected: Record<Role, OrganisationKindName[]> = {
    DISTRICT_CASEWORKER: ['DISTRICT'],
    JOB_CENTRE_COACH: ['JOB_CENTRE'],
    SFI_ADMINISTRATOR: ['SFI_PROVIDER'],
    EMPLOYMENT_SERVICE_OFFICER: ['EMPLOYMENT_SERVICE_OFFICE'],
    PARTNER_SYSTEM: ['PARTNER', 'DISTRICT', 'JOB_CENTRE', 'SFI_PROVIDER'],
    ANALYST: ['CITY_ADMINISTRATION'],
    DATA_PROTECTION_OFFICER: ['CITY_ADMINISTRATION'],
    ADMIN: ['CITY_ADMINISTRATION'],
  };

  it('has a row for every role', () => {
    expect(Object.keys(ROLE_ORGANISATION_KINDS).sort()).toEqual([...ROLES].sort());
  });

  const table = ROLES.flatMap((role) =>
    ORGANISATION_KINDS.map((kind) => [role, kind, expected[role].includes(kind)] as const),
  );

  it.each(table)('%s in a %s → %s', (role, kind, fits) => {
    expect(roleFitsOrganisation(role, kind)).toBe(fits);
  });

  it('every role fits at least one organisation kind', () => {
    for (const role of ROLES)
      expect(ORGANISATION_KINDS.some((kind) => roleFitsOrganisation(role, kind))).toBe(true);
  });

  it('no human role except PARTNER_SYSTEM spans several kinds', () => {
    for (const role of ROLES.filter((r) => r !== Role.PARTNER_SYSTEM))
      expect(ORGANISATION_KINDS.filter((k) => roleFitsOrganisation(role, k))).toHaveLength(1);
  });

  it('no role may act for Arbetsförmedlingen except its own officers', () => {
    const fitting = ROLES.filter((r) => roleFitsOrganisation(r, 'EMPLOYMENT_SERVICE_OFFICE'));
    expect(fitting).toEqual([Role.EMPLOYMENT_SERVICE_OFFICER]);
  });
});
