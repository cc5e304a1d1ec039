/**
 * Recording and withdrawing consents (samtycken). The district that holds the person's
 * assistance case records what the person agreed to: which organisations may share data
 * (parties), which data (scope) and for how long. A withdrawal takes effect at once: field
 * rules read consents afresh for every operation (and every subscription event).
 */
import { randomUUID } from 'node:crypto';
import { personScope } from '../../auth/policy';
import { CONSENT_SCOPES, type ConsentScope } from '../../auth/policy-table';
import type { AuthenticatedViewer, Viewer } from '../../auth/viewer';
import { stockholmDate } from '../../domain/working-days';
import { BadUserInputError, InvalidTransitionError, NotFoundError } from '../../errors';
import { AuditedWriter } from '../access-log/audited-writer';
import { findConsent, insertConsent, markWithdrawn, type ConsentRecord } from './consent-store';
import { replayIfSeen } from '../idempotency/idempotency';

/** Organisations that can be a party to a consent: the authorities around the person. */
const PARTY_KINDS = new Set([
  'DISTRICT',
  'JOB_CENTRE',
  'SFI_PROVIDER',
  'EMPLOYMENT_SERVICE_OFFICE',
]);
const MAX_PARTIES = 20;
const REASON_MAX = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface RecordConsentInput {
  personId: string;
  parties: string[];
  scope: ConsentScope[];
  validFrom?: string | null;
  validUntil: string;
  idempotencyKey?: string | null;
}

export interface WithdrawConsentInput {
  id: string;
  reason?: string | null;
}

function validDate(value: string, field: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new BadUserInputError(`${field} must be a date (YYYY-MM-DD)`, field);
  return value;
}

export class ConsentService extends AuditedWriter {
  protected readonly changes = 'consents' as const;

  today(): string {
    return stockholmDate(this.now());
  }

  /** The person must be one of the district's own (an active assistance case there). */
  private async requireOwnPerson(v: AuthenticatedViewer, personId: string): Promise<string> {
    const id = UUID.test(personId) ? personId.toLowerCase() : null;
    const found = id ? (await this.persons.findVisible([id], personScope(v))).get(id) : undefined;
    if (!found)
      throw new NotFoundError('No such person among the district’s residents with a case');
    return found.id;
  }

  private validParties(v: AuthenticatedViewer, parties: string[]): string[] {
    const unique = [...new Set(parties.map((p) => p.trim()))];
    if (unique.length === 0 || unique.length > MAX_PARTIES)
      throw new BadUserInputError(`parties must name 1–${MAX_PARTIES} organisations`, 'parties');
    for (const id of unique) {
      const org = this.reference.organisation(id);
      if (!org || !org.active || !PARTY_KINDS.has(org.kind))
        throw new BadUserInputError(
          'parties must be districts, job centres, SFI providers or AF offices',
          'parties',
        );
    }
    if (!unique.some((id) => id !== v.orgId))
      throw new BadUserInputError(
        'parties must name at least one organisation besides the district',
        'parties',
      );
    return unique.sort();
  }

  private validScope(scope: ConsentScope[]): ConsentScope[] {
    const unique = [...new Set(scope)];
    if (unique.length === 0 || unique.some((s) => !CONSENT_SCOPES.includes(s)))
      throw new BadUserInputError('scope must name at least one consent scope', 'scope');
    return unique.sort();
  }

  async record(viewer: Viewer, input: RecordConsentInput): Promise<ConsentRecord> {
    const v = this.actor(viewer);
    const parties = this.validParties(v, input.parties);
    const scope = this.validScope(input.scope);
    const today = this.today();
    const validFrom = input.validFrom ? validDate(input.validFrom, 'validFrom') : today;
    if (validFrom < today)
      throw new BadUserInputError('validFrom must not be in the past', 'validFrom');
    const validUntil = validDate(input.validUntil, 'validUntil');
    if (validUntil < validFrom)
      throw new BadUserInputError('validUntil must not be before validFrom', 'validUntil');
    const personId = await this.requireOwnPerson(v, input.personId);

    const id = randomUUID();
    return this.ds.transaction(async (m) => {
      if (input.idempotencyKey != null) {
        const earlier = await replayIfSeen(
          m,
          v,
          input.idempotencyKey,
          'recordConsent',
          { personId, parties, scope, validFrom, validUntil },
          id,
          findConsent,
        );
        if (earlier) return earlier;
      }
      const consent = await insertConsent(m, {
        id,
        personId,
        parties,
        scope,
        validFrom,
        validUntil,
        recordedByOrg: v.orgId,
        recordedBySub: v.sub,
      });
      await this.logWrite(m, v, personId, 'recordConsent');
      return consent;
    });
  }

  async withdraw(viewer: Viewer, input: WithdrawConsentInput): Promise<ConsentRecord> {
    const v = this.actor(viewer);
    const reason = (input.reason ?? '').trim() || null;
    if (reason && reason.length > REASON_MAX)
      throw new BadUserInputError(`reason is longer than ${REASON_MAX} characters`, 'reason');
    if (!UUID.test(input.id)) throw new NotFoundError('Consent not found');
    const existing = await findConsent(this.ds, input.id);
    // Only a district that holds the person's case may see (and so withdraw) the consent.
    if (!existing || !(await this.isOwnPerson(v, existing.personId)))
      throw new NotFoundError('Consent not found');
    return this.ds.transaction(async (m) => {
      // The update itself decides between concurrent withdrawals: only one finds it open.
      const withdrawn = await markWithdrawn(m, existing.id, v.sub, reason);
      if (!withdrawn) throw new InvalidTransitionError('The consent is already withdrawn');
      await this.logWrite(m, v, existing.personId, 'withdrawConsent');
      return withdrawn;
    });
  }

  private async isOwnPerson(v: AuthenticatedViewer, personId: string): Promise<boolean> {
    return (await this.persons.findVisible([personId], personScope(v))).has(personId);
  }
}
