/**
 * Idempotency keys for creating mutations. The key row is inserted first in the creating
 * transaction: a concurrent retry with the same key blocks on the unique index until the
 * first transaction ends, then sees its row (and returns the same result) — or, if the
 * first rolled back, proceeds as the first. Same key with other input → CONFLICT.
 */
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { IdempotencyKeyRow } from '../../entities';
import { BadUserInputError, ConflictError } from '../../errors';

export function requestHash(operation: string, input: unknown): string {
  return createHash('sha256').update(operation).update(JSON.stringify(input)).digest('hex');
}

export type Claim = { kind: 'new' } | { kind: 'replay'; resultId: string };

/** The key's scope: the caller (organisation and sub), so two users never share keys. */
export function idempotencyScope(caller: { orgId: string; sub: string }): string {
  return `${caller.orgId}:${caller.sub}`;
}

/** A key is 1–200 characters. */
export function validIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= 200;
}

/** Throws unless the key is valid; checked before anything is written. */
export function checkIdempotencyKey(key: string): void {
  if (!validIdempotencyKey(key)) {
    throw new BadUserInputError('idempotencyKey must be 1–200 characters', 'idempotencyKey');
  }
}

/**
 * The result id of the earlier request that claimed `key` (a claim of this request found
 * it taken): CONFLICT when that request was another operation or had other input.
 */
export async function earlierClaim(
  m: DataSource | EntityManager,
  scope: string,
  key: string,
  operation: string,
  hash: string,
): Promise<string> {
  const [row] = await m.query<Pick<IdempotencyKeyRow, 'operation' | 'requestHash' | 'resultId'>[]>(
    `SELECT operation, request_hash AS "requestHash", result_id AS "resultId"
       FROM idempotency_key WHERE scope = $1 AND key = $2`,
    [scope, key],
  );
  if (row.operation !== operation || row.requestHash !== hash) {
    throw new ConflictError('This idempotency key was used with other input');
  }
  return row.resultId;
}

/**
 * Claims `key` for this request, recording the result id it will produce. Returns
 * `replay` with the earlier result when the same request was made before.
 */
export async function claimIdempotencyKey(
  m: EntityManager,
  scope: string,
  key: string,
  operation: string,
  hash: string,
  resultId: string,
): Promise<Claim> {
  checkIdempotencyKey(key);
  const inserted = await m.query<Pick<IdempotencyKeyRow, 'key'>[]>(
    `INSERT INTO idempotency_key (scope, key, operation, request_hash, result_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
    [scope, key, operation, hash, resultId],
  );
  if (inserted.length === 1) return { kind: 'new' };
  return { kind: 'replay', resultId: await earlierClaim(m, scope, key, operation, hash) };
}

/**
 * The creating mutation's first step when the client sent a key: claims it for `resultId`,
 * or returns the earlier result of the same request (null: go on and create). The key's
 * scope is the caller (organisation and sub), so two users never share keys.
 */
export async function replayIfSeen<T>(
  m: EntityManager,
  caller: { orgId: string; sub: string },
  key: string,
  operation: string,
  input: unknown,
  resultId: string,
  load: (m: EntityManager, id: string) => Promise<T | null>,
): Promise<T | null> {
  const claim = await claimIdempotencyKey(
    m,
    idempotencyScope(caller),
    key,
    operation,
    requestHash(operation, input),
    resultId,
  );
  if (claim.kind === 'new') return null;
  const earlier = await load(m, claim.resultId);
  if (!earlier)
    throw new ConflictError(`The earlier ${operation} with this idempotency key left no result`);
  return earlier;
}
