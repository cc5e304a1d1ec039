/**
 * Electing the one sequencer of a PostgreSQL database: a session advisory lock held on a
 * dedicated connection. An instance that does not get it waits for it on that connection
 * (`pg_advisory_lock` blocks), so when the elected instance dies — its session ends and the
 * lock with it — a waiting instance takes over at once, with no poll. The elected session
 * LISTENs for writers of other instances and is the one the passes run on: a pass can only
 * commit while the session that holds the lock is alive.
 */
import { Client } from 'pg';
import type { Logger } from '../../observability/logger';
import { SEQUENCER_CHANNEL, SEQUENCER_LOCK_KEY } from './channels';

const RECONNECT_MS = 1000;

/**
 * Planner settings of the sequencer's session, which runs only the passes. Positioning an
 * event updates its row, so each event leaves a dead index entry with a null position: a
 * bitmap scan for the rows still without a position visits every one of them on every pass
 * until a vacuum (measured: 12 ms a pass after 75,000 events), while a plain index scan
 * marks them dead as it passes and later scans skip them (1.8 ms). No sequential scans
 * either: the passes are named statements whose generic plan is made on the sixth pass,
 * often while the event table is still small, and kept until something invalidates it (an
 * ANALYZE, which never comes with autovacuum off); a plan that scanned the table then read
 * every event on every pass (measured: 2.2 ms a pass, 51 million rows read in one bench run
 * of 17,000 events).
 */
export const SEQUENCER_SESSION_OPTIONS = '-c enable_bitmapscan=off -c enable_seqscan=off';

export interface ElectionEvents {
  /** Elected (true) or no longer (false: the session failed). */
  onLeadership(leader: boolean): void;
  /** A writer asked for a pass (NOTIFY on the sequencer channel). */
  onNotify(): void;
}

export class PostgresElection {
  private client: Client | undefined;
  private leader = false;
  private waiting = false;
  /** The dedicated session's backend, to cancel its lock wait on stop. */
  private pid: number | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly events: ElectionEvents,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /** The elected session, for passes (undefined when not elected). */
  get session(): Client | undefined {
    return this.leader ? this.client : undefined;
  }

  /** Connects and tries once; resolves elected or waiting (never fails: retries on its own). */
  async start(): Promise<void> {
    try {
      const client = await this.connect();
      const [{ locked }] = (
        await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
          SEQUENCER_LOCK_KEY,
        ])
      ).rows;
      if (locked) await this.elected(client);
      else void this.waitForLock(client);
    } catch (err) {
      this.lost(err);
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'samverkan-hub-sequencer',
      // A peer that vanished without closing the connection is noticed by the OS.
      keepAlive: true,
      options: SEQUENCER_SESSION_OPTIONS,
    });
    this.client = client;
    client.on('error', (err) => {
      if (this.client === client) this.lost(err);
    });
    client.on('notification', (n) => {
      if (n.channel === SEQUENCER_CHANNEL) this.events.onNotify();
    });
    await client.connect();
    this.pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    return client;
  }

  private async waitForLock(client: Client): Promise<void> {
    this.waiting = true;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [SEQUENCER_LOCK_KEY]);
      this.waiting = false;
      if (this.stopped || this.client !== client) return;
      await this.elected(client);
    } catch (err) {
      this.waiting = false;
      if (!this.stopped && this.client === client) this.lost(err);
    }
  }

  private async elected(client: Client): Promise<void> {
    await client.query(`LISTEN ${SEQUENCER_CHANNEL}`);
    this.leader = true;
    this.logger.info('event sequencer: this instance sequences the event log');
    this.events.onLeadership(true);
  }

  /** The session failed: no longer elected; connect again and wait for the lock. */
  private lost(err: unknown): void {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
    if (this.leader) {
      this.leader = false;
      this.events.onLeadership(false);
    }
    if (this.stopped) return;
    this.logger.warn({ err }, 'event sequencer session failed; reconnecting');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.start(), RECONNECT_MS);
    this.retry.unref();
  }

  /** Ends the session: the lock goes with it and a waiting instance takes over. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    if (!client) return;
    // A session blocked in pg_advisory_lock reads nothing until it returns: cancel it first.
    if (this.waiting && this.pid) await this.cancel(this.pid);
    await client.end().catch(() => undefined);
  }

  private async cancel(pid: number): Promise<void> {
    const c = new Client({
      connectionString: this.url,
      application_name: 'samverkan-hub-sequencer',
    });
    try {
      await c.connect();
      await c.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch (err) {
      this.logger.warn({ err }, 'event sequencer: could not cancel the lock wait');
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}
