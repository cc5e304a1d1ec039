/**
 * The hub's person index: lookups and pages of persons, always restricted to a PersonScope
 * decided by the policy. Pages are keyset-paginated on the person id (stable under inserts).
 */
import { dataSourceStatements, type Statements } from '../../db/pipelined-statements';
import type { DataSource } from 'typeorm';
import type { PersonScope } from '../../auth/policy';
import type { PersonRow } from '../../entities';
import { NameBudget } from '../../db/prepared';
import { consentTermsOf, type ConsentTerms } from '../consent/consent-store';

/** A person of the index as the services and resolvers see it (not `synthetic`, `createdAt`). */
export type PersonRecord = Pick<
  PersonRow,
  | 'id'
  | 'personnummer'
  | 'givenName'
  | 'familyName'
  | 'birthYear'
  | 'protectedIdentity'
  | 'homeDistrictId'
>;

type PageRow = PersonRecord & { consentTerms?: ConsentTerms[]; totalCount?: string };

/** The person alone, without what came with it in a page row. */
const personOf = (r: PageRow): PersonRecord => ({
  id: r.id,
  personnummer: r.personnummer,
  givenName: r.givenName,
  familyName: r.familyName,
  birthYear: r.birthYear,
  protectedIdentity: r.protectedIdentity,
  homeDistrictId: r.homeDistrictId,
});

export interface DirectoryPage {
  persons: PersonRecord[];
  hasNextPage: boolean;
  /** Consent terms per person of the page, when asked for. */
  consents?: Map<string, ConsentTerms[]>;
  /** All persons matching the filter, when asked for. */
  totalCount?: number;
}

export interface PersonFilterInput {
  districtId?: string | null;
  jobCentreId?: string | null;
  targetGroup?: string | null;
  hasActiveAssistanceCase?: boolean | null;
}

/** The PersonRecord's columns of `person p`, named as the entity's properties. */
const COLUMNS = `p.id, p.personnummer, p.given_name AS "givenName", p.family_name AS "familyName",
  p.birth_year AS "birthYear", p.protected_identity AS "protectedIdentity", p.home_district_id AS "homeDistrictId"`;

/** Collects WHERE conditions with numbered parameters (from `$first`). */
class Where {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  constructor(private readonly first = 1) {}

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.first + this.params.length - 1}`;
  }

  add(condition: string): void {
    this.conditions.push(condition);
  }

  sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/** `personId`: the outer expression holding the person's id (`p.id` or an index row's). */
const linkExistsFor = (condition: string, personId = 'p.id'): string =>
  `EXISTS (SELECT 1 FROM person_link l WHERE l.person_id = ${personId} AND l.active AND ${condition})`;

function scoped(scope: PersonScope, where: Where): boolean {
  if (scope.kind === 'none') return false;
  where.add(
    linkExistsFor(
      `l.organisation_id = ${where.param(scope.organisationId)} AND l.relation = ANY(${where.param(scope.relations)}::text[])`,
    ),
  );
  return true;
}

/** The links a page scans (alias `s`): the scope's organisation and relations. */
interface LinkScan {
  organisationId: string;
  relations: readonly string[];
}

/**
 * Whether every scanned link is itself a link of `organisationId` (when given) with one of
 * `relations`: then the filter's EXISTS on that link holds for every row and is left out.
 * It is the common case (a coach's caseload filtered to their own job centre), and the
 * self-join it would add makes PostgreSQL misjudge the page's size and sort every link of
 * the organisation instead of reading 50 in order.
 */
const implied = (scan: LinkScan, organisationId: string | null, relations: readonly string[]) =>
  (organisationId === null || scan.organisationId === organisationId) &&
  scan.relations.every((r) => relations.includes(r));

function filtered(filter: PersonFilterInput, scan: LinkScan, where: Where): void {
  const linkExists = (condition: string) => linkExistsFor(condition, 's.person_id');
  if (filter.districtId && !implied(scan, filter.districtId, ['ASSISTANCE_CASE'])) {
    where.add(
      linkExists(
        `l.organisation_id = ${where.param(filter.districtId)} AND l.relation = 'ASSISTANCE_CASE'`,
      ),
    );
  }
  if (
    filter.jobCentreId &&
    !implied(scan, filter.jobCentreId, ['REFERRAL', 'JOB_CENTRE_ENROLMENT'])
  ) {
    where.add(
      linkExists(
        `l.organisation_id = ${where.param(filter.jobCentreId)} AND l.relation IN ('REFERRAL', 'JOB_CENTRE_ENROLMENT')`,
      ),
    );
  }
  if (filter.targetGroup)
    where.add(linkExists(`l.target_group = ${where.param(filter.targetGroup)}`));
  if (filter.hasActiveAssistanceCase != null) {
    const exists = linkExists(`l.relation = 'ASSISTANCE_CASE'`);
    if (!filter.hasActiveAssistanceCase) where.add(`NOT ${exists}`);
    else if (!implied(scan, null, ['ASSISTANCE_CASE'])) where.add(exists);
  }
}

/** The scope's links (alias `s`): active links of the organisation of these relations. */
function linkedTo(scan: LinkScan): Where {
  const where = new Where();
  where.add('s.active');
  where.add(`s.organisation_id = ${where.param(scan.organisationId)}`);
  where.add(`s.relation = ANY(${where.param(scan.relations)}::text[])`);
  return where;
}

/** The page's and the count's conditions: the scope's links, narrowed by the filter. */
function pageConditions(
  scan: LinkScan,
  filter: PersonFilterInput,
): { where: Where; narrowed: boolean } {
  const where = linkedTo(scan);
  const scope = where.conditions.length;
  filtered(filter, scan, where);
  return { where, narrowed: where.conditions.length > scope };
}

/** Names for the page's texts: consents, count and cursor on or off, at a few page sizes. */
const PAGE_NAMES = new NameBudget(24);

export class PersonDirectory {
  constructor(
    private readonly ds: DataSource,
    /**
     * Where the page's statement goes: on a server, the pipelined read connections (so
     * that pages starting in the same turn share one send), else the DataSource.
     */
    private readonly reads: Statements = dataSourceStatements(ds),
  ) {}

  /** The persons among `ids` that the scope allows, by id. */
  async findVisible(
    ids: readonly string[],
    scope: PersonScope,
  ): Promise<Map<string, PersonRecord>> {
    const where = new Where();
    if (!scoped(scope, where)) return new Map();
    where.add(`p.id = ANY(${where.param(ids)}::uuid[])`);
    const rows = await this.ds.query<PersonRecord[]>(
      `SELECT ${COLUMNS} FROM person p ${where.sql()}`,
      where.params,
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * findVisible's test for one person as a boolean SQL expression, its parameters numbered
   * from `$first`, for a statement that acts only if the person is visible (createReferral
   * writes in the same statement). `id` must be a UUID in canonical form (lower case).
   */
  visibleCondition(
    id: string,
    scope: PersonScope,
    first: number,
  ): { sql: string; params: unknown[] } {
    const where = new Where(first);
    if (!scoped(scope, where)) return { sql: 'false', params: [] };
    where.add(`p.id = ${where.param(id)}::uuid`);
    return { sql: `EXISTS (SELECT 1 FROM person p ${where.sql()})`, params: where.params };
  }

  async findVisibleByPersonnummer(
    personnummer: string,
    scope: PersonScope,
  ): Promise<PersonRecord | null> {
    const where = new Where();
    if (!scoped(scope, where)) return null;
    where.add(`p.personnummer = ${where.param(personnummer)}`);
    const rows = await this.ds.query<PersonRecord[]>(
      `SELECT ${COLUMNS} FROM person p ${where.sql()}`,
      where.params,
    );
    return rows[0] ?? null;
  }

  /**
   * One page after `afterId` (exclusive), plus whether more follow. With `consents`, each
   * person's consent terms come in the same statement (field decisions need them); with
   * `count`, the filter's total too — one round trip instead of three.
   */
  async page(
    scope: PersonScope,
    filter: PersonFilterInput,
    first: number,
    afterId: string | null,
    also: { consents?: boolean; count?: boolean } = {},
  ): Promise<DirectoryPage> {
    if (scope.kind === 'none') return { persons: [], hasNextPage: false };
    // The page comes from the person index first (person_link_org_person_idx: the
    // organisation's active links in person order, so the page is the first 50 read, not
    // a sort of all of them), then the person rows of just that page. Testing the scope per
    // person row instead visits every person of the organisation to return 50.
    const { where, narrowed } = pageConditions(scope, filter);
    // The count has the page's conditions without the cursor (an uncorrelated subquery:
    // PostgreSQL evaluates it once).
    const countSql = also.count
      ? `, (SELECT count(DISTINCT s.person_id) FROM person_link s ${where.sql()}) AS "totalCount"`
      : '';
    if (afterId) where.add(`s.person_id > ${where.param(afterId)}::uuid`);
    // The page size in the text, not a parameter: a plan made for `LIMIT $n` does not know
    // the page is small and reads every person of the organisation.
    const literal = Number.isSafeInteger(first) && first >= 0;
    const limit = literal ? String(first + 1) : where.param(first + 1);
    const consentsSql = also.consents ? `, ${consentTermsOf('p.id')} AS "consentTerms"` : '';
    const sql = `SELECT ${COLUMNS}${consentsSql}${countSql} FROM person p
         JOIN (SELECT DISTINCT s.person_id FROM person_link s ${where.sql()}
                ORDER BY s.person_id LIMIT ${limit}) page ON page.person_id = p.id
        ORDER BY p.id`;
    // A page of the scope alone (a caseload) is a named statement: parsing and planning it
    // was 0.6 of its 1.4 ms on the server, and its generic plan is the custom one (the
    // organisation's links in person order, then the page's persons). A filter adds
    // conditions whose generic plan was not checked: those stay unnamed.
    const rows = await this.reads.query<PageRow>(
      literal && !narrowed ? PAGE_NAMES.prepared(sql) : sql,
      where.params,
    );
    const persons: PersonRecord[] = [];
    const consents = also.consents ? new Map<string, ConsentTerms[]>() : undefined;
    for (const row of rows.slice(0, first)) {
      const person = consents || also.count ? personOf(row) : row;
      persons.push(person);
      consents?.set(person.id, row.consentTerms ?? []);
    }
    // An empty page has no row to carry the count (e.g. a cursor past the end).
    const totalCount = !also.count
      ? undefined
      : rows.length
        ? Number(rows[0].totalCount)
        : await this.count(scope, filter);
    return { persons, hasNextPage: rows.length > first, consents, totalCount };
  }

  /** Counted from the person index alone (every link points at a person). */
  async count(scope: PersonScope, filter: PersonFilterInput): Promise<number> {
    if (scope.kind === 'none') return 0;
    const { where } = pageConditions(scope, filter);
    const [row] = await this.ds.query<{ n: string }[]>(
      `SELECT count(DISTINCT s.person_id) AS n FROM person_link s ${where.sql()}`,
      where.params,
    );
    return Number(row.n);
  }
}
