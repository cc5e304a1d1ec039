/**
 * SQL for consents (table `consent`). Rows are never deleted; withdrawal is an update that
 * happens once.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { uuidArray } from '../../db/uuid-array';
import { queryReturning } from '../../db/query-returning';
import type { ConsentRow } from '../../entities';

/**
 * A consent as the services and resolvers see it: every column of `consent` (dates are
 * Stockholm dates 'YYYY-MM-DD', inclusive; `parties` are organisation ids).
 */
export type ConsentRecord = Pick<ConsentRow, keyof ConsentRow>;

export type ConsentStatus = 'PENDING' | 'ACTIVE' | 'EXPIRED' | 'WITHDRAWN';

/** What a field decision reads of a consent (ConsentRecord has all of it). */
export type ConsentTerms = Pick<
  ConsentRecord,
  'id' | 'parties' | 'scope' | 'validFrom' | 'validUntil'
> & {
  withdrawnAt: unknown;
};

/** The status of a consent on a Stockholm date. */
export function consentStatus(
  c: Pick<ConsentTerms, 'withdrawnAt' | 'validFrom' | 'validUntil'>,
  today: string,
): ConsentStatus {
  if (c.withdrawnAt) return 'WITHDRAWN';
  if (today < c.validFrom) return 'PENDING';
  if (today > c.validUntil) return 'EXPIRED';
  return 'ACTIVE';
}

/** Every column, named as the entity's properties; dates cast to text as stored. */
const COLUMNS = `id, person_id AS "personId", parties, scope, valid_from::text AS "validFrom",
  valid_until::text AS "validUntil", recorded_by_org AS "recordedByOrg", recorded_by_sub AS "recordedBySub",
  recorded_at AS "recordedAt", withdrawn_at AS "withdrawnAt", withdrawn_by_sub AS "withdrawnBySub",
  withdrawal_reason AS "withdrawalReason"`;

export async function insertConsent(
  m: EntityManager,
  c: Omit<ConsentRecord, 'recordedAt' | 'withdrawnAt' | 'withdrawnBySub' | 'withdrawalReason'>,
): Promise<ConsentRecord> {
  const rows = await queryReturning<ConsentRecord>(
    m,
    `INSERT INTO consent (id, person_id, parties, scope, valid_from, valid_until, recorded_by_org, recorded_by_sub)
     VALUES ($1, $2, $3::text[], $4::text[], $5::date, $6::date, $7, $8)
     RETURNING ${COLUMNS}`,
    [
      c.id,
      c.personId,
      c.parties,
      c.scope,
      c.validFrom,
      c.validUntil,
      c.recordedByOrg,
      c.recordedBySub,
    ],
  );
  return rows[0];
}

export async function findConsent(
  db: DataSource | EntityManager,
  id: string,
): Promise<ConsentRecord | null> {
  const rows = await db.query<ConsentRecord[]>(
    `SELECT ${COLUMNS} FROM consent WHERE id = $1::uuid`,
    [id],
  );
  return rows[0] ?? null;
}

/** Every consent of these persons, oldest first. */
export async function consentsOfPersons(
  db: DataSource | EntityManager,
  personIds: readonly string[],
): Promise<ConsentRecord[]> {
  const rows = await db.query<ConsentRecord[]>(
    `SELECT ${COLUMNS} FROM consent WHERE person_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
    [uuidArray(personIds)],
  );
  return rows;
}

/**
 * A scalar subquery giving the ConsentTerms of one person (`personId`: an SQL expression) as
 * a JSON array, oldest first (the order consentsOfPersons uses), for a statement that reads
 * a page of persons and their consents together.
 */
export function consentTermsOf(personId: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', c.id, 'parties', c.parties, 'scope', c.scope,
            'validFrom', c.valid_from::text, 'validUntil', c.valid_until::text, 'withdrawnAt', c.withdrawn_at)
            ORDER BY c.recorded_at, c.id), '[]')
     FROM consent c WHERE c.person_id = ${personId})`;
}

/** Withdraws a consent not yet withdrawn; null when it already was. */
export async function markWithdrawn(
  m: EntityManager,
  id: string,
  bySub: string,
  reason: string | null,
): Promise<ConsentRecord | null> {
  const rows = await queryReturning<ConsentRecord>(
    m,
    `UPDATE consent SET withdrawn_at = now(), withdrawn_by_sub = $2, withdrawal_reason = $3
      WHERE id = $1::uuid AND withdrawn_at IS NULL
      RETURNING ${COLUMNS}`,
    [id, bySub, reason],
  );
  return rows[0] ?? null;
}
