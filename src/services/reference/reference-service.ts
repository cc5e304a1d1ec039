/**
 * Read access to the reference data. The tables are small and change only when a new
 * reference file is deployed (at start), so one snapshot is read after loading and
 * served from memory.
 */
import type { DataSource } from 'typeorm';
import { CodeEntryRow, OrganisationRow } from '../../entities';
import { BadUserInputError } from '../../errors';
import type { OrganisationKindName } from '../../reference/reference-files';

/** An organisation of the reference data; `kind` narrowed to the reference file's kinds. */
export type OrganisationRecord = Pick<
  OrganisationRow,
  'id' | 'name' | 'shortName' | 'location' | 'defaultJobCentreId' | 'active'
> & { kind: OrganisationKindName };

/** A code of a code list. */
export type CodeRecord = Pick<CodeEntryRow, 'list' | 'code' | 'label' | 'active'>;

export class ReferenceService {
  private readonly orgById: Map<string, OrganisationRecord>;
  private readonly codesByList: Map<string, CodeRecord[]>;

  constructor(organisations: OrganisationRecord[], codes: CodeRecord[]) {
    this.orgById = new Map(organisations.map((o) => [o.id, o]));
    this.codesByList = new Map();
    for (const c of codes) {
      const list = this.codesByList.get(c.list) ?? [];
      list.push(c);
      this.codesByList.set(c.list, list);
    }
  }

  static async fromDatabase(ds: DataSource): Promise<ReferenceService> {
    const [orgs, codes] = await Promise.all([
      ds.getRepository(OrganisationRow).find({ order: { kind: 'ASC', name: 'ASC' } }),
      ds.getRepository(CodeEntryRow).find({ order: { list: 'ASC', sortOrder: 'ASC' } }),
    ]);
    return new ReferenceService(
      orgs.map((o) => ({
        id: o.id,
        kind: o.kind as OrganisationKindName,
        name: o.name,
        shortName: o.shortName,
        location: o.location,
        defaultJobCentreId: o.defaultJobCentreId,
        active: o.active,
      })),
      codes.map((c) => ({ list: c.list, code: c.code, label: c.label, active: c.active })),
    );
  }

  /** Active organisations, optionally of one kind. */
  organisations(kind?: OrganisationKindName): OrganisationRecord[] {
    return [...this.orgById.values()].filter((o) => o.active && (!kind || o.kind === kind));
  }

  /** Any organisation by id, also one a newer reference file retired. */
  organisation(id: string): OrganisationRecord | undefined {
    return this.orgById.get(id);
  }

  /** Districts whose referrals go to this job centre by default. */
  districtsServedBy(jobCentreId: string): OrganisationRecord[] {
    return this.organisations('DISTRICT').filter((d) => d.defaultJobCentreId === jobCentreId);
  }

  listNames(): string[] {
    return [...this.codesByList.keys()].sort();
  }

  /** The active codes of a list, in file order. Unknown list → BAD_USER_INPUT. */
  codeList(name: string): CodeRecord[] {
    const list = this.codesByList.get(name);
    if (!list)
      throw new BadUserInputError(
        `Unknown code list. Known lists: ${this.listNames().join(', ')}`,
        'name',
      );
    return list.filter((c) => c.active);
  }

  /** One code, active or retired, to resolve a stored value's label. */
  code(list: string, code: string): CodeRecord | undefined {
    return this.codesByList.get(list)?.find((c) => c.code === code);
  }
}
