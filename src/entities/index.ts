import { CodeEntryRow } from './code-entry';
import { OrganisationRow } from './organisation';
import { ReferenceDataVersionRow } from './reference-data-version';

/** Every entity of the hub's own store; the DataSource registers exactly these. */
export const entities = [OrganisationRow, CodeEntryRow, ReferenceDataVersionRow];

export { CodeEntryRow, OrganisationRow, ReferenceDataVersionRow };
