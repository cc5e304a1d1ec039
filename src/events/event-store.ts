/**
 * Reads the event log in position order, restricted to a referral scope and a filter.
 * Used by `events` (replay), by subscriptions catching up, and by the dispatcher.
 *
 * Only positioned events are the log: a committed event waits (position null) until the
 * sequencer reaches it (src/events/sequencer/), and `position > $1` never matches it before.
 * Positions appear in contiguous blocks, one sequencer transaction at a time, so a reader
 * that has passed N never finds a new event at or below N.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ReferralScope } from '../auth/policy';
import type { EventRow } from '../entities';
import type { EventFilterInput, StoredEvent } from './event-types';

/** Every column of `event`, named as the entity's properties (position: int8 as a string). */
export const EVENT_COLUMNS = `position, id, type, occurred_at AS "occurredAt", referral_id AS "referralId",
  person_id AS "personId", district_id AS "districtId", job_centre_id AS "jobCentreId",
  actor_sub AS "actorSub", actor_org AS "actorOrg", payload`;

/**
 * An event row as a StoredEvent (the same fields). StoredEvent keeps its own declaration
 * beside NewEvent in event-types.ts: deriving it from EventRow there would make an import
 * cycle (entities/event.ts takes ReferralEventType from event-types.ts), so this is where
 * the compiler checks that the two agree.
 */
export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    position: String(r.position),
    id: r.id,
    type: r.type,
    occurredAt: r.occurredAt,
    referralId: r.referralId,
    personId: r.personId,
    districtId: r.districtId,
    jobCentreId: r.jobCentreId,
    actorSub: r.actorSub,
    actorOrg: r.actorOrg,
    payload: r.payload,
  };
}

export interface ReadOptions {
  afterPosition: string;
  limit: number;
  filter?: EventFilterInput;
  scope: ReferralScope;
}

export async function readEvents(
  db: DataSource | EntityManager,
  o: ReadOptions,
): Promise<StoredEvent[]> {
  if (o.scope.kind === 'none') return [];
  const params: unknown[] = [o.afterPosition, o.limit];
  const where = ['position > $1::bigint'];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  if (o.scope.kind === 'party') {
    const org = p(o.scope.organisationId);
    where.push(`(district_id = ${org} OR job_centre_id = ${org})`);
  }
  const f = o.filter ?? {};
  if (f.types?.length) where.push(`type = ANY(${p(f.types)}::text[])`);
  if (f.districtId) where.push(`district_id = ${p(f.districtId)}`);
  if (f.jobCentreId) where.push(`job_centre_id = ${p(f.jobCentreId)}`);
  if (f.referralId) where.push(`referral_id = ${p(f.referralId)}::uuid`);
  const rows = await db.query<EventRow[]>(
    `SELECT ${EVENT_COLUMNS} FROM event WHERE ${where.join(' AND ')} ORDER BY position LIMIT $2`,
    params,
  );
  return rows.map(toStoredEvent);
}

/** The highest position handed out (0 when the log is empty). */
export async function headPosition(db: DataSource | EntityManager): Promise<string> {
  const [row] = await db.query<{ head: string | null }[]>(
    'SELECT max(position) AS head FROM event',
  );
  return String(row.head ?? '0');
}

export function matchesFilter(e: StoredEvent, f: EventFilterInput | undefined): boolean {
  if (!f) return true;
  if (f.types?.length && !f.types.includes(e.type)) return false;
  if (f.districtId && e.districtId !== f.districtId) return false;
  if (f.jobCentreId && e.jobCentreId !== f.jobCentreId) return false;
  if (f.referralId && e.referralId !== f.referralId) return false;
  return true;
}
