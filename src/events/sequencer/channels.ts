/**
 * The LISTEN/NOTIFY channels of the event log and the advisory lock that elects its
 * sequencer. One file, so the outbox, the sequencer and the listeners agree without
 * importing each other.
 */

/** The sequencer NOTIFYs here when it has given positions: wakes every dispatcher. */
export const EVENT_CHANNEL = 'hub_events';

/** Writers (of instances that do not hold the sequencer) NOTIFY here after commit. */
export const SEQUENCER_CHANNEL = 'hub_event_sequencer';

/**
 * The advisory lock key of the sequencer (arbitrary, beside the migration lock 7_301_000).
 * The elected sequencer holds it for its session; a writer sequencing its own events while
 * nobody is elected takes it for one transaction (pg_try_advisory_xact_lock).
 */
export const SEQUENCER_LOCK_KEY = 7_301_016;
