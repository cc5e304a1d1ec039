/** What the generator knows while drawing one person, and the organisations it draws from. */
import type { DayNumber } from './random';
import type { PersonLinkRow } from './rows';
import type { ProfileSpec } from './population';
import type { OrganisationsFile } from '../reference/reference-files';

export interface PersonContext {
  id: string;
  spec: ProfileSpec;
  female: boolean;
  districtId: string;
  jobCentreId: string;
  targetGroup: string;
  links: Map<string, PersonLinkRow>;
}

export interface Closure {
  closedAt: DayNumber;
  reason: string;
}

export interface Organisations {
  districts: { id: string; defaultJobCentreId: string }[];
  jobCentres: string[];
  sfiProviders: string[];
  afOffices: string[];
  names: Map<string, string>;
}

export function organisationsOf(file: OrganisationsFile): Organisations {
  const ofKind = (kind: string) => file.organisations.filter((o) => o.kind === kind);
  const districts = ofKind('DISTRICT').map((o) => ({
    id: o.id,
    // The reference file's validation guarantees every district names its job centre.
    defaultJobCentreId: o.defaultJobCentreId ?? '',
  }));
  const orgs: Organisations = {
    districts,
    jobCentres: ofKind('JOB_CENTRE').map((o) => o.id),
    sfiProviders: ofKind('SFI_PROVIDER').map((o) => o.id),
    afOffices: ofKind('EMPLOYMENT_SERVICE_OFFICE').map((o) => o.id),
    names: new Map(file.organisations.map((o) => [o.id, o.name])),
  };
  for (const [what, list] of Object.entries(orgs))
    if (Array.isArray(list) && list.length === 0)
      throw new Error(`reference data has no ${what}: cannot generate demo data`);
  return orgs;
}
