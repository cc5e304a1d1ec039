/**
 * Field rules for one operation: decides each field group of each person with the policy
 * table, reading the person's consents once per operation (a DataLoader), and records what
 * was shown in the access log. Consents are never cached beyond the operation, so a
 * withdrawal takes effect for the next request and the next subscription event.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { decidePersonField, maySeeIdentity, personFieldRule } from '../../auth/policy';
import type { ConsentScope, FieldRule, PersonFieldGroup } from '../../auth/policy-table';
import type { Viewer } from '../../auth/viewer';
import { ForbiddenError } from '../../errors';
import type { AccessRecorder } from '../access-log/access-log';
import { consentStatus, consentsOfPersons, type ConsentRecord } from '../consent/consent-store';
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
function basisOf(rule: FieldRule, consents: Map<ConsentScope, string>): string | undefined {
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

export class FieldAccess {
  private readonly consents: DataLoader<string, ConsentRecord[]>;

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

  /**
   * Scopes of the person's consents that are valid today and name the viewer's
   * organisation, each with the most recently recorded consent that gives it.
   */
  private async consentScopes(personId: string): Promise<Map<ConsentScope, string>> {
    const scopes = new Map<ConsentScope, string>();
    if (this.viewer.kind !== 'authenticated') return scopes;
    const today = this.today();
    // Oldest first, so a later consent's id wins.
    for (const c of await this.consents.load(personId)) {
      if (consentStatus(c, today) === 'ACTIVE' && c.parties.includes(this.viewer.orgId))
        for (const s of c.scope) scopes.set(s, c.id);
    }
    return scopes;
  }

  /** True when the table can never allow this group for the viewer's role (no lookup). */
  never(group: PersonFieldGroup): boolean {
    return personFieldRule(this.viewer, group).basis === 'never';
  }

  /**
   * Allows or denies one field group of one person. Denied: throws FORBIDDEN (the field
   * resolves to null with the error on its path). Allowed: records the read in the access
   * log and returns the basis.
   */
  async require(
    person: PersonRecord,
    group: PersonFieldGroup,
    caseDistrictId?: string | null,
  ): Promise<FieldRule> {
    const rule = personFieldRule(this.viewer, group);
    if (group === 'identity' && !maySeeIdentity(this.viewer, person)) {
      throw new ForbiddenError('Protected identity: withheld outside the owning district', {
        fieldGroup: group,
        requires: 'owning-district',
      });
    }
    const consents =
      rule.basis === 'consent'
        ? await this.consentScopes(person.id)
        : new Map<ConsentScope, string>();
    const decided = decidePersonField(this.viewer, group, {
      caseDistrictId,
      consentScopes: new Set(consents.keys()),
    });
    if (!decided) {
      throw new ForbiddenError(
        rule.basis === 'consent'
          ? `Needs the person’s consent (scope ${rule.scope}) naming your organisation`
          : 'Not available to your role',
        { fieldGroup: group, requires: requirement(rule) },
      );
    }
    this.access.read(person.id, group, basisOf(decided, consents));
    return decided;
  }
}
