/**
 * The transactional outbox: events are written in the same transaction as the state
 * change they describe. Call `appendEvents` as the last statement before commit: it takes
 * the row lock on the position counter, which is held until the commit, so transactions
 * that write events commit in position order — a reader never sees position N+1 before N.
 * The NOTIFY is delivered by PostgreSQL at commit (never for a rolled-back transaction)
 * and only wakes dispatchers: the event table is the truth.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { queryReturning } from '../db/query-returning';
import type { EventRow, EventSequenceRow } from '../entities';
import type { NewEvent, StoredEvent } from './event-types';

export const EVENT_CHANNEL = 'hub_events';

export async function appendEvents(m: EntityManager, events: NewEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const [{ lastPosition: last }] = await queryReturning<Pick<EventSequenceRow, 'lastPosition'>>(
    m,
    'UPDATE event_sequence SET last_position = last_position + $1 WHERE id = 1 RETURNING last_position AS "lastPosition"',
    [events.length],
  );
  const first = BigInt(last) - BigInt(events.length) + 1n;
  const positions = events.map((_, i) => (first + BigInt(i)).toString());
  const ids = events.map(() => randomUUID());
  const rows = await m.query<Pick<EventRow, 'position' | 'id' | 'occurredAt'>[]>(
    `INSERT INTO event (position, id, type, referral_id, person_id, district_id, job_centre_id, actor_sub, actor_org, payload)
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
     RETURNING position, id, occurred_at AS "occurredAt"`,
    [
      positions,
      ids,
      events.map((e) => e.type),
      events.map((e) => e.referralId),
      events.map((e) => e.personId),
      events.map((e) => e.districtId),
      events.map((e) => e.jobCentreId),
      events.map((e) => e.actor?.sub ?? null),
      events.map((e) => e.actor?.orgId ?? null),
      events.map((e) => JSON.stringify(e.payload ?? {})),
    ],
  );
  await m.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, last]);
  const byPosition = new Map(rows.map((r) => [String(r.position), r]));
  return events.map((e, i) => ({
    type: e.type,
    referralId: e.referralId,
    personId: e.personId,
    districtId: e.districtId,
    jobCentreId: e.jobCentreId,
    position: positions[i],
    id: ids[i],
    occurredAt: byPosition.get(positions[i])?.occurredAt ?? new Date(),
    actorSub: e.actor?.sub ?? null,
    actorOrg: e.actor?.orgId ?? null,
    payload: e.payload ?? {},
  }));
}
