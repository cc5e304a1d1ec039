/**
 * The transactional outbox: events are written in the same transaction as the state
 * change they describe, without a position. Writers share no counter row: each event row
 * carries its transaction's id (`tx_id`) and an insertion number (`seq`), and the sequencer
 * (src/events/sequencer/) gives positions after commit — gap-free, in (tx_id, seq) order,
 * only below the snapshot horizon — then NOTIFYs the dispatchers. Readers see positioned
 * rows only. A rolled-back transaction leaves no row, so it consumes no position.
 *
 * `appendEvents` returns the stored events; their positions are filled in once the
 * transaction has committed and the sequencer has reached them, before the transaction's
 * promise resolves (commit-hook.ts). Mutations use `eventTransaction`, which waits for
 * the positions with the connection back in the pool, so that a client reading the log
 * after the answer finds its events there.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventRow } from '../entities';
import type { NewEvent, StoredEvent } from './event-types';
import { noteAppended } from './sequencer/commit-hook';

export { EVENT_CHANNEL, SEQUENCER_CHANNEL } from './sequencer/channels';
export { eventStatement, eventTransaction } from './sequencer/commit-hook';

/** `events` with their ids, as appendEvents returns them (positions follow after commit). */
export function toBeStored(events: NewEvent[]): StoredEvent[] {
  return events.map((e) => ({
    type: e.type,
    referralId: e.referralId,
    personId: e.personId,
    districtId: e.districtId,
    jobCentreId: e.jobCentreId,
    position: '', // filled in once sequenced
    id: randomUUID(),
    occurredAt: new Date(), // replaced by the row's
    actorSub: e.actor?.sub ?? null,
    actorOrg: e.actor?.orgId ?? null,
    payload: e.payload ?? {},
  }));
}

/**
 * The INSERT of `events`' rows, its parameters numbered from `$first`, for a statement
 * that writes them itself (a CTE); append `WHERE ...` and `RETURNING` as needed. tx_id and
 * seq come from their defaults (txid_current(), the identity); position stays null.
 */
export function eventInsert(events: StoredEvent[], first = 1): { sql: string; params: unknown[] } {
  const types = ['uuid', 'text', 'uuid', 'uuid', 'text', 'text', 'text', 'text', 'jsonb'];
  return {
    sql: `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id, actor_sub, actor_org, payload)
     SELECT * FROM unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')})`,
    params: [
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.referralId),
      events.map((e) => e.personId),
      events.map((e) => e.districtId),
      events.map((e) => e.jobCentreId),
      events.map((e) => e.actorSub),
      events.map((e) => e.actorOrg),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  };
}

export async function appendEvents(m: EntityManager, events: NewEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const stored = toBeStored(events);
  const insert = eventInsert(stored);
  const rows = await m.query<Pick<EventRow, 'id' | 'occurredAt'>[]>(
    `${insert.sql} RETURNING id, occurred_at AS "occurredAt"`,
    insert.params,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const e of stored) e.occurredAt = byId.get(e.id)?.occurredAt ?? e.occurredAt;
  await noteAppended(m, stored);
  return stored;
}
