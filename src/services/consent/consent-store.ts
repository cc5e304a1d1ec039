/**
 * SQL for consents (table `consent`). Rows are never deleted; withdrawal is an update that
 * happens once.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ConsentScope } from '../../auth/policy-table';
import { queryReturning } from '../../db/query-returning';

export interface ConsentRecord {
  id: string;
  personId: string;
  /** Organisation ids between which data may be shared. */
  parties: string[];
  scope: ConsentScope[];
  /** Stockholm dates, inclusive. */
  validFrom: string;
  validUntil: string;
  recordedByOrg: string;
  recordedBySub: string;
  recordedAt: Date;
  withdrawnAt: Date | null;
  withdrawnBySub: string | null;
  withdrawalReason: string | null;
}

export type ConsentStatus = 'PENDING' | 'ACTIVE' | 'EXPIRED' | 'WITHDRAWN';

/** The status of a consent on a Stockholm date. */
export function consentStatus(c: ConsentRecord, today: string): ConsentStatus {
  if (c.withdrawnAt) return 'WITHDRAWN';
  if (today < c.validFrom) return 'PENDING';
  if (today > c.validUntil) return 'EXPIRED';
  return 'ACTIVE';
}

interface Row {
  id: string;
  person_id: string;
  parties: string[];
  scope: string[];
  valid_from: string;
  valid_until: string;
  recorded_by_org: string;
  recorded_by_sub: string;
  recorded_at: Date;
  withdrawn_at: Date | null;
  withdrawn_by_sub: string | null;
  withdrawal_reason: string | null;
}

const COLUMNS = `id, person_id, parties, scope, valid_from::text AS valid_from, valid_until::text AS valid_until,
  recorded_by_org, recorded_by_sub, recorded_at, withdrawn_at, withdrawn_by_sub, withdrawal_reason`;

function toRecord(r: Row): ConsentRecord {
  return {
    id: r.id,
    personId: r.person_id,
    parties: r.parties,
    scope: r.scope as ConsentScope[],
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    recordedByOrg: r.recorded_by_org,
    recordedBySub: r.recorded_by_sub,
    recordedAt: new Date(r.recorded_at),
    withdrawnAt: r.withdrawn_at ? new Date(r.withdrawn_at) : null,
    withdrawnBySub: r.withdrawn_by_sub,
    withdrawalReason: r.withdrawal_reason,
  };
}

export async function insertConsent(
  m: EntityManager,
  c: Omit<ConsentRecord, 'recordedAt' | 'withdrawnAt' | 'withdrawnBySub' | 'withdrawalReason'>,
): Promise<ConsentRecord> {
  const rows = await queryReturning<Row>(
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
  return toRecord(rows[0]);
}

export async function findConsent(
  db: DataSource | EntityManager,
  id: string,
): Promise<ConsentRecord | null> {
  const rows = await db.query<Row[]>(`SELECT ${COLUMNS} FROM consent WHERE id = $1::uuid`, [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Every consent of these persons, oldest first. */
export async function consentsOfPersons(
  db: DataSource | EntityManager,
  personIds: readonly string[],
): Promise<ConsentRecord[]> {
  const rows = await db.query<Row[]>(
    `SELECT ${COLUMNS} FROM consent WHERE person_id = ANY($1::uuid[]) ORDER BY recorded_at, id`,
    [personIds],
  );
  return rows.map(toRecord);
}

/** Withdraws a consent not yet withdrawn; null when it already was. */
export async function markWithdrawn(
  m: EntityManager,
  id: string,
  bySub: string,
  reason: string | null,
): Promise<ConsentRecord | null> {
  const rows = await queryReturning<Row>(
    m,
    `UPDATE consent SET withdrawn_at = now(), withdrawn_by_sub = $2, withdrawal_reason = $3
      WHERE id = $1::uuid AND withdrawn_at IS NULL
      RETURNING ${COLUMNS}`,
    [id, bySub, reason],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}
