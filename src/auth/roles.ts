/** The roles of API.md. A token's `role` claim must be one of these. */
export enum Role {
  DISTRICT_CASEWORKER = 'DISTRICT_CASEWORKER',
  JOB_CENTRE_COACH = 'JOB_CENTRE_COACH',
  SFI_ADMINISTRATOR = 'SFI_ADMINISTRATOR',
  EMPLOYMENT_SERVICE_OFFICER = 'EMPLOYMENT_SERVICE_OFFICER',
  PARTNER_SYSTEM = 'PARTNER_SYSTEM',
  ANALYST = 'ANALYST',
  DATA_PROTECTION_OFFICER = 'DATA_PROTECTION_OFFICER',
  ADMIN = 'ADMIN',
}

export const ROLES = Object.values(Role);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as string[]).includes(value);
}
