/**
 * createReferral as a district caseworker would send it: a person with an active
 * assistance case in the caseworker's district, not referred before (each person is used
 * once per run), with its own idempotency key. Shared by the write and event benchmarks.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { makeToken } from '../../scripts/token';
import type { RequestVariant } from './load';

export const CREATE_REFERRAL = `mutation CreateReferral($input: CreateReferralInput!) {
  createReferral(input: $input) { id status version toJobCentre { id } }
}`;

interface Candidate {
  personId: string;
  districtId: string;
}

/** Persons that can be referred, handed out once each. */
export class ReferralCandidates {
  private next = 0;
  private constructor(
    private readonly candidates: Candidate[],
    private readonly tokens: Map<string, string>,
  ) {}

  static async load(db: Client, secret: string): Promise<ReferralCandidates> {
    const { rows } = await db.query<{ person_id: string; organisation_id: string }>(
      `SELECT l.person_id, l.organisation_id
         FROM person_link l
        WHERE l.relation = 'ASSISTANCE_CASE' AND l.active
          AND NOT EXISTS (SELECT 1 FROM referral r WHERE r.person_id = l.person_id)
        ORDER BY md5(l.person_id::text)`,
    );
    const tokens = new Map<string, string>();
    for (const r of rows)
      if (!tokens.has(r.organisation_id))
        tokens.set(
          r.organisation_id,
          await makeToken(secret, {
            role: 'DISTRICT_CASEWORKER',
            org: r.organisation_id,
            sub: `bench-caseworker@${r.organisation_id}`,
            ttlSeconds: 24 * 3600,
          }),
        );
    return new ReferralCandidates(
      rows.map((r) => ({ personId: r.person_id, districtId: r.organisation_id })),
      tokens,
    );
  }

  get remaining(): number {
    return this.candidates.length - this.next;
  }

  /** The next `n` createReferral requests (fewer when the persons run out). */
  take(n: number): RequestVariant[] {
    const slice = this.candidates.slice(this.next, this.next + n);
    this.next += slice.length;
    return slice.map((c) => ({
      headers: { authorization: `Bearer ${this.tokens.get(c.districtId) ?? ''}` },
      body: JSON.stringify({
        operationName: 'CreateReferral',
        query: CREATE_REFERRAL,
        variables: {
          input: {
            personId: c.personId,
            targetGroup: 'ARBETSLOS',
            supportBarrier: '02',
            note: 'Syntetisk remiss (bench)',
            firstAppointmentAt: '2099-01-15T09:00:00.000Z',
            idempotencyKey: randomUUID(),
          },
        },
      }),
    }));
  }
}
