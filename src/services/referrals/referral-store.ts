/**
 * SQL for referrals and their plans, deviations and interruptions. Updates are
 * compare-and-set on `version` (TypeORM's save() does not check @VersionColumn).
 */
import type { Statements } from '../../db/pipelined-statements';
import { prepared } from '../../db/prepared';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReferralScope } from '../../auth/policy';
import { queryReturning } from '../../db/query-returning';
import type {
  DeviationRow,
  JobPlanRow,
  ReferralInterruptionRow,
  ReferralRow,
  StoredPlanActivity,
} from '../../entities';
import type { ReferralStatus } from '../../domain/referral-workflow';

/**
 * A referral as the services and resolvers see it: every column of `referral`, the
 * workflow's state and the compare-and-set `version` included.
 */
export type ReferralRecord = Pick<ReferralRow, keyof ReferralRow>;

/** Column name of each record field (snake_case). */
const COLUMN: Record<keyof ReferralRecord, string> = {
  id: 'id',
  personId: 'person_id',
  fromDistrictId: 'from_district_id',
  toJobCentreId: 'to_job_centre_id',
  targetGroup: 'target_group',
  supportBarrier: 'support_barrier',
  note: 'note',
  consentId: 'consent_id',
  status: 'status',
  statusBeforeInterruption: 'status_before_interruption',
  coachId: 'coach_id',
  firstAppointmentAt: 'first_appointment_at',
  firstVisitAt: 'first_visit_at',
  planDeadline: 'plan_deadline',
  deadlineMissedAt: 'deadline_missed_at',
  rejectionReason: 'rejection_reason',
  withdrawalReason: 'withdrawal_reason',
  returnReason: 'return_reason',
  returnNote: 'return_note',
  returnedAt: 'returned_at',
  returnAcknowledgedAt: 'return_acknowledged_at',
  closureReason: 'closure_reason',
  closureEmploymentType: 'closure_employment_type',
  closureNote: 'closure_note',
  closedAt: 'closed_at',
  createdBy: 'created_by',
  version: 'version',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};
const FIELDS = Object.keys(COLUMN) as (keyof ReferralRecord)[];
const SELECT = FIELDS.map((f) => `r.${COLUMN[f]} AS "${f}"`).join(', ');

type Db = DataSource | EntityManager;

export function scopeCondition(scope: ReferralScope, params: unknown[]): string {
  if (scope.kind === 'all') return 'true';
  if (scope.kind === 'none') return 'false';
  params.push(scope.organisationId);
  return `(r.from_district_id = $${params.length} OR r.to_job_centre_id = $${params.length})`;
}

export async function findReferrals(
  db: Db,
  ids: readonly string[],
  scope: ReferralScope,
): Promise<ReferralRecord[]> {
  const params: unknown[] = [ids];
  const cond = scopeCondition(scope, params);
  return db.query<ReferralRecord[]>(
    `SELECT ${SELECT} FROM referral r WHERE r.id = ANY($1::uuid[]) AND ${cond}`,
    params,
  );
}

/** Every referral of these persons, newest first (no scope: callers apply the policy). */
export async function referralsOfPersons(
  db: Db,
  personIds: readonly string[],
): Promise<ReferralRecord[]> {
  return db.query<ReferralRecord[]>(
    `SELECT ${SELECT} FROM referral r WHERE r.person_id = ANY($1::uuid[]) ORDER BY r.created_at DESC, r.id DESC`,
    [personIds],
  );
}

export async function findReferral(db: Db, id: string): Promise<ReferralRecord | null> {
  const rows = await db.query<ReferralRecord[]>(
    `SELECT ${SELECT} FROM referral r WHERE r.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** What a new referral sets; every other column starts null (version 1, times now()). */
export type NewReferral = Pick<
  ReferralRecord,
  | 'id'
  | 'personId'
  | 'fromDistrictId'
  | 'toJobCentreId'
  | 'targetGroup'
  | 'supportBarrier'
  | 'note'
  | 'consentId'
  | 'status'
  | 'firstAppointmentAt'
  | 'createdBy'
>;

/** The columns of NewReferral with their types (the statement's parameters are cast). */
const NEW_REFERRAL: [keyof NewReferral, string][] = [
  ['id', 'uuid'],
  ['personId', 'uuid'],
  ['fromDistrictId', 'text'],
  ['toJobCentreId', 'text'],
  ['targetGroup', 'text'],
  ['supportBarrier', 'text'],
  ['note', 'text'],
  ['consentId', 'uuid'],
  ['status', 'text'],
  ['firstAppointmentAt', 'timestamptz'],
  ['createdBy', 'text'],
];

/** The referral's INSERT (`$1` is its id), built once. */
const INSERT_NEW_REFERRAL = `INSERT INTO referral AS r (${NEW_REFERRAL.map(([f]) => COLUMN[f]).join(', ')})
     SELECT ${NEW_REFERRAL.map(([, type], i) => `$${i + 1}::${type}`).join(', ')}`;

/** The job centre's REFERRAL link: active, since the new referral is open. */
const LINK_NEW_REFERRAL = `link AS (
     INSERT INTO person_link (person_id, organisation_id, relation, target_group, active, since)
     SELECT "personId", "toJobCentreId", 'REFERRAL', "targetGroup", true, current_date FROM created
     ON CONFLICT (person_id, organisation_id, relation)
     DO UPDATE SET active = EXCLUDED.active, target_group = EXCLUDED.target_group)`;

/** An idempotency key claimed for the new referral's id (see services/idempotency). */
export interface ReferralClaim {
  scope: string;
  key: string;
  operation: string;
  hash: string;
}

/** Rows written together with the referral: an INSERT ... SELECT, parameters from `$first`. */
export type WrittenWith = (first: number) => { sql: string; params: unknown[] };

/**
 * createReferral's writes in one statement, so in one transaction and one round trip:
 * the idempotency key's claim (when given), the referral, the job centre's REFERRAL link
 * to the person (active: the new referral is open; what syncReferralLink would write) and
 * `also` (the access-log row, the outbox event), each written only when the referral is.
 * `guard` (a boolean SQL expression, e.g. that the viewer may see the person): when false
 * nothing is written, the key not claimed either.
 *
 * `referral` is null when nothing was written: the guard failed (`allowed` false), or the
 * key was claimed before — a concurrent claim of the same key waits on the key's unique
 * index until the other transaction ends, as a claim in a transaction of its own would.
 */
export async function createReferralWith(
  db: Statements,
  r: NewReferral,
  claim: ReferralClaim | null,
  also: WrittenWith[],
  guard: WrittenWith | null = null,
): Promise<{ referral: ReferralRecord | null; allowed: boolean }> {
  const params: unknown[] = NEW_REFERRAL.map(([f]) => r[f]);
  const add = (part: { sql: string; params: unknown[] }) => {
    params.push(...part.params);
    return part.sql;
  };
  const ctes = [`allowed AS (SELECT ${guard ? add(guard(params.length + 1)) : 'true'} AS ok)`];
  let insert = INSERT_NEW_REFERRAL;
  if (claim) {
    params.push(claim.scope, claim.key, claim.operation, claim.hash);
    const n = params.length;
    ctes.push(`claim AS (
     INSERT INTO idempotency_key (scope, key, operation, request_hash, result_id)
     SELECT $${n - 3}::text, $${n - 2}::text, $${n - 1}::text, $${n}::text, $1::uuid FROM allowed WHERE ok
     ON CONFLICT (scope, key) DO NOTHING RETURNING 1)`);
    insert += ' FROM claim';
  } else {
    insert += ' FROM allowed WHERE ok';
  }
  ctes.push(`created AS (${insert} RETURNING ${SELECT})`, LINK_NEW_REFERRAL);
  for (const [i, write] of also.entries()) {
    const sql = add(write(params.length + 1));
    ctes.push(`also${i} AS (${sql} WHERE EXISTS (SELECT 1 FROM created))`);
  }
  // Named (src/db/prepared.ts): its generic plan reads the person and the link by index,
  // as the custom ones do, and planning was 40 % of its server time. A few texts in all
  // (scope kind, with or without a key).
  // One statement, so its own transaction on a pipelined connection too (the hub passes its
  // single-statement writes, src/db/pipelined-statements.ts).
  const [row] = await db.query<ReferralRecord & { allowed: boolean }>(
    prepared(`WITH ${ctes.join(',\n  ')}
     SELECT allowed.ok AS allowed, created.* FROM allowed LEFT JOIN created ON true`),
    params,
  );
  const { allowed, ...referral } = row;
  return { referral: referral.id === null ? null : referral, allowed };
}

/** Compare-and-set: applies `changes` only if the version is still `expectedVersion`. */
export async function updateReferral(
  db: Db,
  id: string,
  expectedVersion: number,
  changes: Partial<ReferralRecord>,
): Promise<ReferralRecord | null> {
  const entries = Object.entries(changes) as [keyof ReferralRecord, unknown][];
  const sets = entries.map(([f], i) => `${COLUMN[f]} = $${i + 3}`);
  const rows = await queryReturning<ReferralRecord>(
    db,
    `UPDATE referral AS r SET ${[...sets, 'version = r.version + 1', 'updated_at = now()'].join(', ')}
      WHERE r.id = $1 AND r.version = $2 RETURNING ${SELECT}`,
    [id, expectedVersion, ...entries.map(([, v]) => v)],
  );
  return rows[0] ?? null;
}

export interface ReferralListFilter {
  status?: ReferralStatus[] | null;
  districtId?: string | null;
  jobCentreId?: string | null;
  personId?: string | null;
}

/** A page of referrals, newest first, keyset on (created_at, id). */
export async function listReferrals(
  db: Db,
  scope: ReferralScope,
  filter: ReferralListFilter,
  first: number,
  after: { createdAt: string; id: string } | null,
): Promise<{ rows: ReferralRecord[]; hasNextPage: boolean; count: () => Promise<number> }> {
  const params: unknown[] = [];
  const where = [scopeCondition(scope, params)];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.status?.length) where.push(`r.status = ANY(${p(filter.status)}::text[])`);
  if (filter.districtId) where.push(`r.from_district_id = ${p(filter.districtId)}`);
  if (filter.jobCentreId) where.push(`r.to_job_centre_id = ${p(filter.jobCentreId)}`);
  if (filter.personId) where.push(`r.person_id = ${p(filter.personId)}::uuid`);
  const countWhere = where.join(' AND ');
  const countParams = [...params];
  if (after)
    where.push(`(r.created_at, r.id) < (${p(after.createdAt)}::timestamptz, ${p(after.id)}::uuid)`);
  const rows = await db.query<ReferralRecord[]>(
    `SELECT ${SELECT} FROM referral r WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${p(first + 1)}`,
    params,
  );
  return {
    rows: rows.slice(0, first),
    hasNextPage: rows.length > first,
    count: async () => {
      const [c] = await db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM referral r WHERE ${countWhere}`,
        countParams,
      );
      return Number(c.n);
    },
  };
}

// --- plans, deviations, interruptions -------------------------------------------------

/** One activity of a plan (dates 'YYYY-MM-DD'), as stored in `job_plan.activities`. */
export type PlanActivity = StoredPlanActivity;

/** A job plan: every column of `job_plan` (`activities` is the stored jsonb). */
export type JobPlanRecord = Pick<JobPlanRow, keyof JobPlanRow>;

const PLAN_SELECT = `id, referral_id AS "referralId", kind, goal, status, activities, valid_from AS "validFrom",
  valid_until AS "validUntil", submitted_at AS "submittedAt", submitted_by AS "submittedBy",
  decided_at AS "decidedAt", decided_by AS "decidedBy", decision_comment AS "decisionComment"`;

export async function plansOf(db: Db, referralIds: readonly string[]): Promise<JobPlanRecord[]> {
  return db.query<JobPlanRecord[]>(
    `SELECT ${PLAN_SELECT} FROM job_plan WHERE referral_id = ANY($1::uuid[]) ORDER BY submitted_at, id`,
    [referralIds],
  );
}

export async function findPlan(db: Db, id: string): Promise<JobPlanRecord | null> {
  const rows = await db.query<JobPlanRecord[]>(
    `SELECT ${PLAN_SELECT} FROM job_plan WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function insertPlan(
  db: Db,
  p: Omit<JobPlanRecord, 'submittedAt' | 'decidedAt' | 'decidedBy' | 'decisionComment'>,
): Promise<JobPlanRecord> {
  const rows = await db.query<JobPlanRecord[]>(
    `INSERT INTO job_plan (id, referral_id, kind, goal, status, activities, valid_from, valid_until, submitted_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PLAN_SELECT}`,
    [
      p.id,
      p.referralId,
      p.kind,
      p.goal,
      p.status,
      JSON.stringify(p.activities),
      p.validFrom,
      p.validUntil,
      p.submittedBy,
    ],
  );
  return rows[0];
}

export async function decidePlan(
  db: Db,
  id: string,
  status: 'APPROVED' | 'REJECTED',
  by: string,
  comment: string | null,
): Promise<JobPlanRecord | null> {
  const rows = await queryReturning<JobPlanRecord>(
    db,
    `UPDATE job_plan SET status = $2, decided_at = now(), decided_by = $3, decision_comment = $4
      WHERE id = $1 AND status = 'SUBMITTED' RETURNING ${PLAN_SELECT}`,
    [id, status, by, comment],
  );
  return rows[0] ?? null;
}

/** A deviation: every column of `deviation`. */
export type DeviationRecord = Pick<DeviationRow, keyof DeviationRow>;

const DEVIATION_SELECT = `id, referral_id AS "referralId", kind, date, note, reported_at AS "reportedAt", reported_by AS "reportedBy"`;

export async function deviationsOf(
  db: Db,
  referralIds: readonly string[],
): Promise<DeviationRecord[]> {
  return db.query<DeviationRecord[]>(
    `SELECT ${DEVIATION_SELECT} FROM deviation WHERE referral_id = ANY($1::uuid[]) ORDER BY date, id`,
    [referralIds],
  );
}

export async function findDeviation(db: Db, id: string): Promise<DeviationRecord | null> {
  const rows = await db.query<DeviationRecord[]>(
    `SELECT ${DEVIATION_SELECT} FROM deviation WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function insertDeviation(
  db: Db,
  d: Omit<DeviationRecord, 'reportedAt'>,
): Promise<DeviationRecord> {
  const rows = await db.query<DeviationRecord[]>(
    `INSERT INTO deviation (id, referral_id, kind, date, note, reported_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${DEVIATION_SELECT}`,
    [d.id, d.referralId, d.kind, d.date, d.note, d.reportedBy],
  );
  return rows[0];
}

/** An interruption: every column of `referral_interruption`. */
export type InterruptionRecord = Pick<ReferralInterruptionRow, keyof ReferralInterruptionRow>;

export async function interruptionsOf(
  db: Db,
  referralIds: readonly string[],
): Promise<InterruptionRecord[]> {
  return db.query<InterruptionRecord[]>(
    `SELECT id, referral_id AS "referralId", reason, from_date AS "fromDate", resumed_at AS "resumedAt"
       FROM referral_interruption WHERE referral_id = ANY($1::uuid[]) ORDER BY from_date, id`,
    [referralIds],
  );
}

/** Keeps the job centre's REFERRAL link to the person in step with its open referrals. */
export async function syncReferralLink(
  db: Db,
  personId: string,
  jobCentreId: string,
  targetGroup: string,
): Promise<void> {
  await db.query(
    `INSERT INTO person_link (person_id, organisation_id, relation, target_group, active, since)
     VALUES ($1, $2, 'REFERRAL', $3,
             EXISTS (SELECT 1 FROM referral WHERE person_id = $1 AND to_job_centre_id = $2
                      AND status NOT IN ('REJECTED', 'WITHDRAWN', 'RETURNED', 'CLOSED')),
             current_date)
     ON CONFLICT (person_id, organisation_id, relation)
     DO UPDATE SET active = EXCLUDED.active, target_group = EXCLUDED.target_group`,
    [personId, jobCentreId, targetGroup],
  );
}
