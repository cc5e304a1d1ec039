/**
 * The server's view of sessions, for tests that check which connections exist or wait:
 * backends of this database that match a condition on pg_stat_activity, and a short poll
 * for a condition that becomes true asynchronously (a backend leaves the view shortly
 * after its client's Terminate; a statement starts waiting on a lock).
 */
import type { Client } from 'pg';

/** Backends of the client's database matching `where` (SQL on pg_stat_activity, `$1…`). */
export async function countBackends(
  client: Client,
  where: string,
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND (${where})`,
    params,
  );
  return Number(rows[0].n);
}

/** Polls `done` every `everyMs` until it holds or `timeoutMs` passed; the caller asserts. */
export async function until(
  done: () => Promise<boolean>,
  { timeoutMs = 1000, everyMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, everyMs));
}
