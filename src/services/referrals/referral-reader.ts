/**
 * Reading referrals for one viewer, batched per request: referrals by id (within the
 * viewer's referral scope), and plans, deviations, interruptions and events per referral.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { referralScope } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import type { AccessRecorder } from '../access-log/access-log';
import type { EventRow } from '../../entities';
import { BadUserInputError } from '../../errors';
import { EVENT_COLUMNS, toStoredEvent } from '../../events/event-store';
import type { StoredEvent } from '../../events/event-types';
import {
  deviationsOf,
  findReferrals,
  interruptionsOf,
  listReferrals,
  plansOf,
  referralsOfPersons,
  type DeviationRecord,
  type InterruptionRecord,
  type JobPlanRecord,
  type ReferralListFilter,
  type ReferralRecord,
} from './referral-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function groupBy<T extends { referralId: string }>(rows: T[], keys: readonly string[]): T[][] {
  const map = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const r of rows) map.get(r.referralId)?.push(r);
  return keys.map((k) => map.get(k) ?? []);
}

export function encodeReferralCursor(r: ReferralRecord): string {
  return Buffer.from(`referral:${r.createdAt.toISOString()}|${r.id}`).toString('base64url');
}

function decodeReferralCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .replace(/^referral:/, '')
    .split('|');
  if (!id || !UUID.test(id) || Number.isNaN(Date.parse(createdAt)))
    throw new BadUserInputError('Invalid cursor', 'after');
  return { createdAt, id };
}

export class ReferralReader {
  private readonly scope;
  readonly byId: DataLoader<string, ReferralRecord | null>;
  readonly plans: DataLoader<string, JobPlanRecord[]>;
  readonly deviations: DataLoader<string, DeviationRecord[]>;
  readonly interruptions: DataLoader<string, InterruptionRecord[]>;
  readonly events: DataLoader<string, StoredEvent[]>;

  /** All referrals of a person, whatever the viewer's scope: the caller applies the field rule. */
  readonly ofPerson: DataLoader<string, ReferralRecord[]>;

  constructor(
    private readonly ds: DataSource,
    viewer: Viewer,
    private readonly access?: AccessRecorder,
  ) {
    this.scope = referralScope(viewer);
    this.byId = new DataLoader(async (ids) => {
      const rows = await findReferrals(ds, ids, this.scope);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    });
    this.plans = new DataLoader(async (ids) => groupBy(await plansOf(ds, ids), ids));
    this.deviations = new DataLoader(async (ids) => groupBy(await deviationsOf(ds, ids), ids));
    this.interruptions = new DataLoader(async (ids) =>
      groupBy(await interruptionsOf(ds, ids), ids),
    );
    this.ofPerson = new DataLoader(async (ids) => {
      const rows = await referralsOfPersons(ds, ids);
      const map = new Map<string, ReferralRecord[]>(ids.map((k) => [k, []]));
      for (const r of rows) map.get(r.personId)?.push(r);
      return ids.map((k) => map.get(k) ?? []);
    });
    this.events = new DataLoader(async (ids) => {
      const rows = await ds.query<EventRow[]>(
        // Positioned events only (a just-committed one gets its position from the sequencer).
        `SELECT ${EVENT_COLUMNS} FROM event WHERE referral_id = ANY($1::uuid[]) AND position IS NOT NULL ORDER BY position`,
        [ids],
      );
      const events = rows.map(toStoredEvent);
      const map = new Map<string, StoredEvent[]>(ids.map((k) => [k, []]));
      for (const e of events) map.get(e.referralId)?.push(e);
      return ids.map((k) => map.get(k) ?? []);
    });
  }

  /** Records that the viewer got this referral (about its person) for the access log. */
  private seen<T extends ReferralRecord | null>(r: T): T {
    if (r) this.access?.read(r.personId, 'referral');
    return r;
  }

  /** A referral the viewer's organisation is party to, else null. */
  async referral(id: string): Promise<ReferralRecord | null> {
    return UUID.test(id) ? this.seen(await this.byId.load(id.toLowerCase())) : null;
  }

  async list(
    filter: ReferralListFilter,
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 0 || size > 100)
      throw new BadUserInputError('first must be between 0 and 100', 'first');
    const page = await listReferrals(
      this.ds,
      this.scope,
      filter,
      size,
      after ? decodeReferralCursor(after) : null,
    );
    for (const r of page.rows) {
      this.byId.prime(r.id, r);
      this.seen(r);
    }
    return page;
  }
}
