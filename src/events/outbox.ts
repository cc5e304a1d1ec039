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
export { eventTransaction } from './sequencer/commit-hook';

export async function appendEvents(m: EntityManager, events: NewEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  // tx_id and seq come from their defaults (txid_current(), the identity); position stays null.
  const rows = await m.query<Pick<EventRow, 'id' | 'occurredAt'>[]>(
    `INSERT INTO event (id, type, referral_id, person_id, district_id, job_centre_id, actor_sub, actor_org, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
     RETURNING id, occurred_at AS "occurredAt"`,
    [
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
  const byId = new Map(rows.map((r) => [r.id, r]));
  const stored = events.map((e, i) => ({
    type: e.type,
    referralId: e.referralId,
    personId: e.personId,
    districtId: e.districtId,
    jobCentreId: e.jobCentreId,
    position: '', // filled in once sequenced
    id: ids[i],
    occurredAt: byId.get(ids[i])?.occurredAt ?? new Date(),
    actorSub: e.actor?.sub ?? null,
    actorOrg: e.actor?.orgId ?? null,
    payload: e.payload ?? {},
  }));
  await noteAppended(m, stored);
  return stored;
}
