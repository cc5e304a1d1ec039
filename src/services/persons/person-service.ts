/**
 * Reading persons for one viewer: validates input, asks the policy for the scope, and
 * batches by-id lookups per request.
 */
import DataLoader from 'dataloader';
import { personScope } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import { parsePersonnummer } from '../../domain/personnummer';
import { BadUserInputError } from '../../errors';
import type { ConsentTerms } from '../consent/consent-store';
import type { PersonDirectory, PersonFilterInput, PersonRecord } from './person-directory';
import type { AccessRecorder } from '../access-log/access-log';
import type { ReferenceService } from '../reference/reference-service';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_PREFIX = 'person:';

export function encodePersonCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

export function decodePersonCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!UUID.test(id)) throw new BadUserInputError('Invalid cursor', 'after');
  return id.toLowerCase();
}

export interface PersonPage {
  persons: PersonRecord[];
  hasNextPage: boolean;
  totalCount: () => Promise<number>;
  /** The page's consent terms per person, when asked for (see PersonDirectory.page). */
  consents?: Map<string, ConsentTerms[]>;
}

export class PersonService {
  private readonly byId: DataLoader<string, PersonRecord | null>;

  constructor(
    private readonly directory: PersonDirectory,
    private readonly reference: ReferenceService,
    private readonly viewer: Viewer,
    private readonly access?: AccessRecorder,
  ) {
    const scope = personScope(viewer);
    this.byId = new DataLoader(async (ids) => {
      const found = await directory.findVisible(ids, scope);
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  /** Records that the viewer got this person (identity fields) for the access log. */
  private seen<T extends PersonRecord | null>(p: T): T {
    if (p) this.access?.read(p.id, 'identity');
    return p;
  }

  /** A person the viewer may see, else null (also for ids that do not exist). */
  async person(id: string): Promise<PersonRecord | null> {
    if (!UUID.test(id)) return null;
    return this.seen(await this.byId.load(id.toLowerCase()));
  }

  async personByPersonnummer(input: string): Promise<PersonRecord | null> {
    const parsed = parsePersonnummer(input);
    if (!parsed.ok) {
      const why = {
        format: 'must be 12 digits, YYYYMMDDNNNC',
        date: 'has no valid birth date',
        checksum: 'has a wrong check digit',
      };
      throw new BadUserInputError(`personnummer ${why[parsed.problem]}`, 'personnummer');
    }
    const person = await this.directory.findVisibleByPersonnummer(
      parsed.value,
      personScope(this.viewer),
    );
    if (person) this.byId.prime(person.id, person);
    return this.seen(person);
  }

  /** `also`: read the page's consent terms and the total in the page's statement. */
  async persons(
    filter: PersonFilterInput,
    first: number | null | undefined,
    after: string | null | undefined,
    also: { consents?: boolean; count?: boolean } = {},
  ): Promise<PersonPage> {
    const size = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
      throw new BadUserInputError(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
    }
    this.validateFilter(filter);
    const afterId = after ? decodePersonCursor(after) : null;
    const scope = personScope(this.viewer);
    const page = await this.directory.page(scope, filter, size, afterId, also);
    for (const p of page.persons) {
      this.byId.prime(p.id, p);
      this.seen(p);
    }
    const { totalCount } = page;
    return {
      persons: page.persons,
      hasNextPage: page.hasNextPage,
      consents: page.consents,
      totalCount: () =>
        totalCount === undefined
          ? this.directory.count(scope, filter)
          : Promise.resolve(totalCount),
    };
  }

  private validateFilter(filter: PersonFilterInput): void {
    if (filter.districtId && this.reference.organisation(filter.districtId)?.kind !== 'DISTRICT') {
      throw new BadUserInputError('Unknown district', 'filter.districtId');
    }
    if (
      filter.jobCentreId &&
      this.reference.organisation(filter.jobCentreId)?.kind !== 'JOB_CENTRE'
    ) {
      throw new BadUserInputError('Unknown job centre', 'filter.jobCentreId');
    }
    if (filter.targetGroup && !this.reference.code('targetGroup', filter.targetGroup)) {
      throw new BadUserInputError('Unknown target group code', 'filter.targetGroup');
    }
  }
}
