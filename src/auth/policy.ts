/**
 * THE policy seam: every decision about who may do what is made here and nowhere else.
 * Resolvers and services ask; they never compare roles themselves.
 *
 * Today it holds the foundation rules: which organisation kinds each role belongs to,
 * and which root operations answer without a token (deny by default: a root field not
 * listed as public requires authentication). The role × operation × field table of
 * the trust issue extends this file.
 */
import type { OrganisationKindName } from '../reference/reference-files';
import { Role } from './roles';
import type { Viewer } from './viewer';

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
export const PUBLIC_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'Query.viewer',
  'Query.organisations',
  'Query.organisation',
  'Query.codeList',
  'Query.codeListNames',
]);

export type Decision =
  { allowed: true } | { allowed: false; reason: 'UNAUTHENTICATED' | 'FORBIDDEN' };

const ALLOW: Decision = { allowed: true };

export function roleFitsOrganisation(role: Role, kind: OrganisationKindName): boolean {
  return ROLE_ORGANISATION_KINDS[role].includes(kind);
}

/** May this viewer call this root operation at all? (Row and field rules come after.) */
export function mayCallRootField(viewer: Viewer, parentType: string, fieldName: string): Decision {
  if (PUBLIC_ROOT_FIELDS.has(`${parentType}.${fieldName}`)) return ALLOW;
  if (viewer.kind !== 'authenticated') return { allowed: false, reason: 'UNAUTHENTICATED' };
  return ALLOW;
}
