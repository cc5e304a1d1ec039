/**
 * Field rules for one operation: decides each field group of each person with the policy
 * table, reading the person's consents once per operation (a DataLoader), and records what
 * was shown in the access log. Consents are never cached beyond the operation, so a
 * withdrawal takes effect for the next request and the next subscription event.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { decidePersonField, maySeeIdentity, personFieldRule } from '../../auth/policy';
import {
  PERSON_FIELD_GROUPS,
  type ConsentScope,
  type FieldRule,
  type PersonFieldGroup,
} from '../../auth/policy-table';
import type { Viewer } from '../../auth/viewer';
import { ForbiddenError } from '../../errors';
import type { AccessRecorder } from '../access-log/access-log';
import {
  consentStatus,
  consentsOfPersons,
  type ConsentRecord,
  type ConsentTerms,
} from '../consent/consent-store';
import type { PersonRecord } from './person-directory';

function requirement(rule: FieldRule): string {
  switch (rule.basis) {
    case 'consent':
      return `consent:${rule.scope}`;
    case 'deciding-district':
      return 'deciding-district';
    default:
      return 'never';
  }
}

/** What the access log records as the ground of a read; nothing for the organisation's own data. */
function basisOf(rule: FieldRule, consents: ReadonlyMap<ConsentScope, string>): string | undefined {
  switch (rule.basis) {
    case 'consent':
      return `consent:${consents.get(rule.scope)}`;
    case 'legal-basis':
      return `legal-basis:${rule.reference}`;
    case 'referral':
      return 'referral';
    default:
      return undefined;
  }
}

/** The value, or the promise's value, passed on without a promise when there was none. */
export function afterDecision<T, R>(value: T | Promise<T>, next: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

type Decision = { allowed: FieldRule; basis: string | undefined } | { denied: ForbiddenError };

/**
 * One error per distinct denial, thrown by every field it denies: the executor wraps what a
 * resolver throws in an error of that field's own (with its path and locations), so the
 * thrown one is only read. A page denies the same few groups for many persons; building a
 * GraphQLError for each was about 3 % of a caseload request's CPU. Its extensions are frozen
 * so that nothing formatting one response can change what the others show.
 */
const denials = new Map<string, ForbiddenError>();

function denial(message: string, fieldGroup: string, requires: string): ForbiddenError {
  const key = `${fieldGroup}\u0000${requires}\u0000${message}`;
  let error = denials.get(key);
  if (!error) {
    error = new ForbiddenError(message, { fieldGroup, requires });
    Object.freeze(error.extensions);
    denials.set(key, error);
  }
  return error;
}

/** The consents of a person decided without looking any up (no consent rule applies). */
const NO_CONSENTS: ReadonlyMap<ConsentScope, string> = new Map();

export class FieldAccess {
  private readonly consents: DataLoader<string, ConsentRecord[]>;
  /** Per person: consent scopes valid today naming the viewer's organisation (consent id each). */
  private readonly scopes = new Map<string, Map<ConsentScope, string>>();
  /**
   * Per person, then per field group (and case district, when one is given): decided once per
   * operation. Keyed by the group's own string when there is no district, so the common
   * lookups build no key.
   */
  private readonly decisions = new Map<string, Map<string, Decision>>();
  /** The scopes of a person's consents as the set the policy asks, built once per person. */
  private readonly scopeSets = new WeakMap<
    ReadonlyMap<ConsentScope, string>,
    ReadonlySet<ConsentScope>
  >();
  private todayValue: string | undefined;

  constructor(
    ds: DataSource,
    private readonly viewer: Viewer,
    private readonly access: AccessRecorder,
    private readonly today: () => string,
  ) {
    this.consents = new DataLoader(async (ids) => {
      const rows = await consentsOfPersons(ds, ids);
      const map = new Map<string, ConsentRecord[]>(ids.map((id) => [id, []]));
      for (const c of rows) map.get(c.personId)?.push(c);
      return ids.map((id) => map.get(id) ?? []);
    });
  }

  /** Every consent of the person (the caller filters what the viewer may list). */
  consentsOf(personId: string): Promise<ConsentRecord[]> {
    return this.consents.load(personId);
  }

  /** True when some field group of a person is decided by consent for this viewer. */
  decidesByConsent(): boolean {
    return PERSON_FIELD_GROUPS.some((g) => personFieldRule(this.viewer, g).basis === 'consent');
  }

  /**
   * The consent terms of persons read together with them (one statement for a page): field
   * decisions for these persons then need no consent lookup of their own.
   */
  knowConsents(terms: ReadonlyMap<string, readonly ConsentTerms[]>): void {
    for (const [personId, list] of terms) this.scopes.set(personId, this.scopesOf(list));
  }

  /**
   * Scopes of the consents that are valid today and name the viewer's organisation, each
   * with the most recently recorded consent that gives it (oldest first, so a later id wins).
   */
  private scopesOf(consents: readonly ConsentTerms[]): Map<ConsentScope, string> {
    const scopes = new Map<ConsentScope, string>();
    if (this.viewer.kind !== 'authenticated') return scopes;
    this.todayValue ??= this.today();
    for (const c of consents) {
      if (consentStatus(c, this.todayValue) === 'ACTIVE' && c.parties.includes(this.viewer.orgId))
        for (const s of c.scope) scopes.set(s, c.id);
    }
    return scopes;
  }

  private consentScopes(
    personId: string,
  ): Map<ConsentScope, string> | Promise<Map<ConsentScope, string>> {
    const known = this.scopes.get(personId);
    if (known) return known;
    return this.consents.load(personId).then((consents) => {
      const scopes = this.scopes.get(personId) ?? this.scopesOf(consents);
      this.scopes.set(personId, scopes);
      return scopes;
    });
  }

  /** True when the table can never allow this group for the viewer's role (no lookup). */
  never(group: PersonFieldGroup): boolean {
    return personFieldRule(this.viewer, group).basis === 'never';
  }

  /**
   * Allows or denies one field group of one person, as `require`, without a promise when
   * nothing has to be looked up (no consent rule, or the person's consents already known).
   * Denied: throws FORBIDDEN (the field resolves to null with the error on its path).
   * Allowed: records the read in the access log and returns the basis.
   */
  allow(
    person: PersonRecord,
    group: PersonFieldGroup,
    caseDistrictId?: string | null,
  ): FieldRule | Promise<FieldRule> {
    const key: string = caseDistrictId ? `${group} ${caseDistrictId}` : group;
    let ofPerson = this.decisions.get(person.id);
    if (!ofPerson) {
      ofPerson = new Map();
      this.decisions.set(person.id, ofPerson);
    }
    const known = ofPerson.get(key);
    if (known) return this.apply(person.id, group, known);
    const rule = personFieldRule(this.viewer, group);
    const decisions = ofPerson;
    const decide = (consents: ReadonlyMap<ConsentScope, string>): FieldRule => {
      const decision = this.decide(person, group, rule, caseDistrictId, consents);
      decisions.set(key, decision);
      return this.apply(person.id, group, decision);
    };
    if (rule.basis !== 'consent' || (group === 'identity' && !maySeeIdentity(this.viewer, person)))
      return decide(NO_CONSENTS);
    return afterDecision(this.consentScopes(person.id), decide);
  }

  /** `allow`, always as a promise (for callers that await anyway). */
  async require(
    person: PersonRecord,
    group: PersonFieldGroup,
    caseDistrictId?: string | null,
  ): Promise<FieldRule> {
    return this.allow(person, group, caseDistrictId);
  }

  private decide(
    person: PersonRecord,
    group: PersonFieldGroup,
    rule: FieldRule,
    caseDistrictId: string | null | undefined,
    consents: ReadonlyMap<ConsentScope, string>,
  ): Decision {
    if (group === 'identity' && !maySeeIdentity(this.viewer, person)) {
      return {
        denied: denial(
          'Protected identity: withheld outside the owning district',
          group,
          'owning-district',
        ),
      };
    }
    let consentScopes = this.scopeSets.get(consents);
    if (!consentScopes) {
      consentScopes = new Set(consents.keys());
      this.scopeSets.set(consents, consentScopes);
    }
    const decided = decidePersonField(this.viewer, group, { caseDistrictId, consentScopes });
    if (!decided) {
      return {
        denied: denial(
          rule.basis === 'consent'
            ? `Needs the person’s consent (scope ${rule.scope}) naming your organisation`
            : 'Not available to your role',
          group,
          requirement(rule),
        ),
      };
    }
    return { allowed: decided, basis: basisOf(decided, consents) };
  }

  /** Throws a denial; records an allowed read (every time: a subscription drains per event). */
  private apply(personId: string, group: PersonFieldGroup, decision: Decision): FieldRule {
    if ('denied' in decision) throw decision.denied;
    this.access.read(personId, group, decision.basis);
    return decision.allowed;
  }
}
