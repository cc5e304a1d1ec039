/** The events of the referral workflow (API.md ReferralEventType). */
export const REFERRAL_EVENT_TYPES = [
  'REFERRAL_SENT',
  'REFERRAL_ACCEPTED',
  'REFERRAL_REJECTED',
  'REFERRAL_WITHDRAWN',
  'FIRST_VISIT_REGISTERED',
  'PLAN_SUBMITTED',
  'PLAN_APPROVED',
  'PLAN_REJECTED',
  'PLAN_DEADLINE_MISSED',
  'DEVIATION_REPORTED',
  'REFERRAL_INTERRUPTED',
  'REFERRAL_RESUMED',
  'REFERRAL_RETURNED',
  'RETURN_ACKNOWLEDGED',
  'REFERRAL_CLOSED',
] as const;
export type ReferralEventType = (typeof REFERRAL_EVENT_TYPES)[number];

/** An event as written by a service (position and id are assigned by the outbox). */
export interface NewEvent {
  type: ReferralEventType;
  referralId: string;
  personId: string;
  districtId: string;
  jobCentreId: string;
  actor: { sub: string; orgId: string } | null;
  /** Non-personal details only (ids, codes, dates): partners receive it. */
  payload?: Record<string, unknown>;
}

/**
 * An event as stored: the shape of the EventRow entity, declared here rather than derived
 * from it because the entity imports ReferralEventType from this file (an import cycle);
 * toStoredEvent in event-store.ts maps a row and so checks that the two agree.
 */
export interface StoredEvent extends Omit<NewEvent, 'actor' | 'payload'> {
  position: string; // bigint as string
  id: string;
  occurredAt: Date;
  actorSub: string | null;
  actorOrg: string | null;
  payload: Record<string, unknown>;
}

export interface EventFilterInput {
  types?: ReferralEventType[] | null;
  districtId?: string | null;
  jobCentreId?: string | null;
  referralId?: string | null;
}

const CURSOR_PREFIX = 'event:';

export function encodeEventCursor(position: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64url');
}

/** The position in a cursor, or null when the cursor is not one of ours. */
export function decodeEventCursor(cursor: string): string | null {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) return null;
  const position = decoded.slice(CURSOR_PREFIX.length);
  return /^\d{1,18}$/.test(position) ? position : null;
}
