/**
 * THE policy seam: every decision about who may do what is made here and nowhere else.
 * Resolvers and services ask; they never compare roles themselves.
 *
 * The data is in policy-table.ts (role × operation × field); this file holds the rules
 * that need more than a lookup: which persons and referrals an organisation sees (row
 * rules), protected identity, and what a field rule means for one person.
 */
import type { OrganisationKindName } from '../reference/reference-files';
import {
  OPERATION_ROLES,
  PERSON_FIELD_RULES,
  REFERRAL_NOTE_ROLES,
  type ConsentScope,
  type FieldRule,
  type PersonFieldGroup,
} from './policy-table';
import { Role } from './roles';
import type { AuthenticatedViewer, Viewer } from './viewer';

/** Which organisation kinds may issue tokens for which role. */
export const ROLE_ORGANISATION_KINDS: Record<Role, readonly OrganisationKindName[]> = {
  [Role.DISTRICT_CASEWORKER]: ['DISTRICT'],
  [Role.JOB_CENTRE_COACH]: ['JOB_CENTRE'],
  [Role.SFI_ADMINISTRATOR]: ['SFI_PROVIDER'],
  [Role.EMPLOYMENT_SERVICE_OFFICER]: ['EMPLOYMENT_SERVICE_OFFICE'],
  [Role.PARTNER_SYSTEM]: ['PARTNER', 'DISTRICT', 'JOB_CENTRE', 'SFI_PROVIDER'],
  [Role.ANALYST]: ['CITY_ADMINISTRATION'],
  [Role.DATA_PROTECTION_OFFICER]: ['CITY_ADMINISTRATION'],
  [Role.ADMIN]: ['CITY_ADMINISTRATION'],
};

/** Root fields (`Type.field`) anyone may call, with or without a token. */
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set(
  Object.entries(OPERATION_ROLES)
    .filter(([, rule]) => rule === 'public')
    .map(([name]) => name),
);

/** How an organisation relates to a person (rows of `person_link`). */
export const LINK_RELATIONS = [
  'ASSISTANCE_CASE',
  'REFERRAL',
  'JOB_CENTRE_ENROLMENT',
  'SFI_ENROLMENT',
  'EMPLOYMENT_SERVICE',
] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/**
 * Which persons a role sees: those its own organisation has an active relation of these
 * kinds to. A district sees its residents with an assistance case; a job centre the persons
 * referred or enrolled there; an SFI provider its students; an AF office its job seekers.
 * Partner systems, analysts, the data protection officer and admins see no person
 * (events, aggregates and the access log are their views).
 */
const PERSON_RELATIONS_BY_ROLE: Record<Role, readonly LinkRelation[]> = {
  [Role.DISTRICT_CASEWORKER]: ['ASSISTANCE_CASE'],
  [Role.JOB_CENTRE_COACH]: ['REFERRAL', 'JOB_CENTRE_ENROLMENT'],
  [Role.SFI_ADMINISTRATOR]: ['SFI_ENROLMENT'],
  [Role.EMPLOYMENT_SERVICE_OFFICER]: ['EMPLOYMENT_SERVICE'],
  [Role.PARTNER_SYSTEM]: [],
  [Role.ANALYST]: [],
  [Role.DATA_PROTECTION_OFFICER]: [],
  [Role.ADMIN]: [],
};

export type PersonScope =
  { kind: 'none' } | { kind: 'linked'; organisationId: string; relations: readonly LinkRelation[] };

export function personScope(viewer: Viewer): PersonScope {
  if (viewer.kind !== 'authenticated') return { kind: 'none' };
  const relations = PERSON_RELATIONS_BY_ROLE[viewer.role];
  return relations.length
    ? { kind: 'linked', organisationId: viewer.orgId, relations }
    : { kind: 'none' };
}

/**
 * Protected identity (skyddad folkbokföring): name, personnummer and district never leave
 * the owning district.
 */
export function maySeeIdentity(
  viewer: Viewer,
  person: { protectedIdentity: boolean; homeDistrictId: string | null },
): boolean {
  if (!person.protectedIdentity) return true;
  return viewer.kind === 'authenticated' && viewer.orgId === person.homeDistrictId;
}

/**
 * Which referrals (and their events) a viewer's organisation is party to: the referring
 * district and the receiving job centre. Caseworkers, coaches and partner systems of a
 * district or job centre see their own; partner systems of city-wide organisations (the
 * district case system, the statistics service) see all; others none (an admin runs the
 * service, not cases).
 */
export type ReferralScope =
  { kind: 'none' } | { kind: 'all' } | { kind: 'party'; organisationId: string };

export function referralScope(viewer: Viewer): ReferralScope {
  if (viewer.kind !== 'authenticated') return { kind: 'none' };
  switch (viewer.role) {
    case Role.DISTRICT_CASEWORKER:
    case Role.JOB_CENTRE_COACH:
      return { kind: 'party', organisationId: viewer.orgId };
    case Role.PARTNER_SYSTEM:
      return viewer.orgKind === 'DISTRICT' || viewer.orgKind === 'JOB_CENTRE'
        ? { kind: 'party', organisationId: viewer.orgId }
        : { kind: 'all' };
    default:
      return { kind: 'none' };
  }
}

/** Which side of a referral the viewer acts for in a workflow step, if any. */
export function referralParty(
  viewer: Viewer,
  referral: { fromDistrictId: string; toJobCentreId: string },
): 'DISTRICT' | 'JOB_CENTRE' | null {
  if (viewer.kind !== 'authenticated') return null;
  if (viewer.role === Role.DISTRICT_CASEWORKER && viewer.orgId === referral.fromDistrictId)
    return 'DISTRICT';
  if (viewer.role === Role.JOB_CENTRE_COACH && viewer.orgId === referral.toJobCentreId)
    return 'JOB_CENTRE';
  return null;
}

export function inReferralScope(
  scope: ReferralScope,
  r: { districtId: string; jobCentreId: string },
): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  return r.districtId === scope.organisationId || r.jobCentreId === scope.organisationId;
}

export type Decision =
  { allowed: true } | { allowed: false; reason: 'UNAUTHENTICATED' | 'FORBIDDEN' };

const ALLOW: Decision = { allowed: true };

export function roleFitsOrganisation(role: Role, kind: OrganisationKindName): boolean {
  return ROLE_ORGANISATION_KINDS[role].includes(kind);
}

/** Who is calling, apart from the end user's token. */
export interface Caller {
  /** The federation gateway proved itself with its shared secret. */
  gateway: boolean;
}

/** May this viewer call this root operation at all? (Row and field rules come after.) */
export function mayCallRootField(
  viewer: Viewer,
  parentType: string,
  fieldName: string,
  caller: Caller = { gateway: false },
): Decision {
  const rule = OPERATION_ROLES[`${parentType}.${fieldName}`];
  if (rule === 'public') return ALLOW;
  if (rule === 'gateway') return caller.gateway ? ALLOW : { allowed: false, reason: 'FORBIDDEN' };
  if (viewer.kind !== 'authenticated') return { allowed: false, reason: 'UNAUTHENTICATED' };
  // Not in the table: closed to everyone until someone decides who may call it.
  if (!rule || !rule.includes(viewer.role)) return { allowed: false, reason: 'FORBIDDEN' };
  return ALLOW;
}

/** The rule for one field group of a person, for this viewer's role. */
export function personFieldRule(viewer: Viewer, group: PersonFieldGroup): FieldRule {
  if (viewer.kind !== 'authenticated') return { basis: 'never' };
  return PERSON_FIELD_RULES[viewer.role][group];
}

/** What a field rule needs to know about the person and the viewer's consents. */
export interface FieldFacts {
  /** The district holding the person's assistance case, when that matters. */
  caseDistrictId?: string | null;
  /** Scopes of the person's valid consents naming the viewer's organisation. */
  consentScopes: ReadonlySet<ConsentScope>;
}

/**
 * Decides one field group for one person the viewer may see (the row rule passed). Returns
 * the basis it was allowed on, or null when denied.
 */
export function decidePersonField(
  viewer: Viewer,
  group: PersonFieldGroup,
  facts: FieldFacts,
): FieldRule | null {
  const rule = personFieldRule(viewer, group);
  switch (rule.basis) {
    case 'never':
      return null;
    case 'relation':
    case 'referral':
    case 'legal-basis':
      return rule;
    case 'deciding-district':
      return viewer.kind === 'authenticated' && facts.caseDistrictId === viewer.orgId ? rule : null;
    case 'consent':
      return facts.consentScopes.has(rule.scope) ? rule : null;
  }
}

/** The referral's free-text note: the parties only (see REFERRAL_NOTE_ROLES). */
export function maySeeReferralNote(
  viewer: Viewer,
  referral: { fromDistrictId: string; toJobCentreId: string },
): boolean {
  return (
    viewer.kind === 'authenticated' &&
    REFERRAL_NOTE_ROLES.includes(viewer.role) &&
    (viewer.orgId === referral.fromDistrictId || viewer.orgId === referral.toJobCentreId)
  );
}

/**
 * Which consents of a person a viewer may list: the district that holds the person's case
 * sees all (it records them); other organisations those that name them as a party.
 */
export function consentListScope(viewer: AuthenticatedViewer): 'all' | 'as-party' {
  return viewer.role === Role.DISTRICT_CASEWORKER ? 'all' : 'as-party';
}

// ─── Follow-up (uppföljning) ─────────────────────────────────────────────────────────
// Who calls followUp is in OPERATION_ROLES; this decides the scope and suppression.

/**
 * Who may call `followUp`, over which referrals, and whether small cells are suppressed.
 * Roles that may not see individuals (analysts, admins, the city's statistics service) get
 * city-wide figures with cells of 1–4 persons suppressed; managers at a district or job
 * centre get their own organisation's figures unsuppressed, since they may see those
 * persons anyway. Everyone else is refused.
 */
export type FollowUpAccess =
  | { allowed: false; reason: 'UNAUTHENTICATED' | 'FORBIDDEN' }
  | {
      allowed: true;
      scope: { kind: 'all' } | { kind: 'district' | 'jobCentre'; organisationId: string };
      suppressSmallCells: boolean;
    };

export function followUpAccess(viewer: Viewer): FollowUpAccess {
  if (viewer.kind !== 'authenticated') return { allowed: false, reason: 'UNAUTHENTICATED' };
  switch (viewer.role) {
    case Role.ANALYST:
    case Role.ADMIN:
      return { allowed: true, scope: { kind: 'all' }, suppressSmallCells: true };
    case Role.DISTRICT_CASEWORKER:
      return {
        allowed: true,
        scope: { kind: 'district', organisationId: viewer.orgId },
        suppressSmallCells: false,
      };
    case Role.JOB_CENTRE_COACH:
      return {
        allowed: true,
        scope: { kind: 'jobCentre', organisationId: viewer.orgId },
        suppressSmallCells: false,
      };
    case Role.PARTNER_SYSTEM:
      return viewer.orgKind === 'CITY_ADMINISTRATION' || viewer.orgKind === 'PARTNER'
        ? { allowed: true, scope: { kind: 'all' }, suppressSmallCells: true }
        : { allowed: false, reason: 'FORBIDDEN' };
    default:
      return { allowed: false, reason: 'FORBIDDEN' };
  }
}
