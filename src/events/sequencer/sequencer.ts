/**
 * The event sequencer of one instance: runs passes (pass.ts) while this instance is the
 * elected one, woken by this instance's writers (in memory), by other instances' writers
 * (NOTIFY on the sequencer channel) and by a periodic poll as the safety net. Passes are
 * coalesced: a wake-up during a pass runs one more pass after it.
 *
 * PostgreSQL server: elected with an advisory lock on a dedicated session (election.ts);
 * the passes run on that session. Embedded PGlite: one process owns the database and there
 * is one session, so this instance is always the sequencer and its passes take the shared
 * session like any transaction (an advisory lock would elect nothing there).
 */
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../config';
import type { Logger } from '../../observability/logger';
import { PostgresElection } from './election';
import { ANYTHING_READY, assignPositions, PASS_LIMIT, type PassResult, type RunSql } from './pass';
import { registerSequencer, type LocalSequencer } from './registry';
import { runOn, waitersFor } from './waiters';
import { statementName } from '../../db/prepared';

/**
 * While the horizon holds committed events back, look again after 1 ms, doubling up to
 * 50 ms: the transactions in the way are usually other writers about to commit. Each look
 * is one read-only statement; a pass runs only when something is ready.
 */
const RETRY_MIN_MS = 1;
const RETRY_MAX_MS = 50;

export interface SequencerOptions {
  pollIntervalMs: number;
  positionWaitMs: number;
}

export class EventSequencer implements LocalSequencer {
  private election: PostgresElection | undefined;
  private embeddedLeader = false;
  private running: Promise<void> | null = null;
  private again = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  /** Retry while committed events wait below an in-flight transaction (the horizon). */
  private retry: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private retrying = false;
  private unregister: (() => void) | undefined;
  /** Positions this instance handed out, and mutations that answered before theirs came. */
  positionsAssigned = 0;
  latePositionWaits = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly database: DatabaseConfig,
    private readonly logger: Logger,
    private readonly options: SequencerOptions,
  ) {}

  get isLeader(): boolean {
    return this.embeddedLeader || (this.election?.isLeader ?? false);
  }

  get positionWaitMs(): number {
    return this.options.positionWaitMs;
  }

  /**
   * Elects (or starts waiting) and, when elected, positions whatever is waiting before it
   * returns — events a killed instance committed but never sequenced are in the log
   * before this instance serves anything.
   */
  async start(): Promise<void> {
    this.unregister = registerSequencer(this.ds, this);
    if (this.database.kind === 'pglite') {
      this.embeddedLeader = true;
    } else {
      this.election = new PostgresElection(this.database.url, this.logger, {
        onLeadership: (leader) => {
          if (leader) this.wake();
        },
        onNotify: () => this.wake(),
      });
      await this.election.start();
    }
    if (this.isLeader) {
      this.wake();
      await this.running;
    }
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  wake(): void {
    if (this.stopping || !this.isLeader) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) =>
        this.logger.warn({ err }, 'event sequencer pass failed; retrying on next wake-up'),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * The log moved (this instance's dispatcher read new events): when another instance is
   * the sequencer, this instance's writers waiting for positions look theirs up.
   */
  logAdvanced(): void {
    if (!this.isLeader)
      void waitersFor(this.ds)
        .check(this.ds)
        .catch(() => undefined);
  }

  positionsLate(events: number, waitedMs: number): void {
    this.latePositionWaits++;
    this.logger.warn(
      { events, waitedMs },
      'a mutation answered before its events had positions (a long-running transaction holds the sequencer back); they will be positioned when it ends',
    );
  }

  /** Passes until one leaves nothing below the horizon. */
  private async drain(): Promise<void> {
    const retrying = this.retrying;
    this.retrying = false;
    if (retrying && !(await this.anythingReady())) return this.scheduleRetry(true);
    for (;;) {
      const pass = await this.pass();
      if (pass === null) return; // not elected (any more)
      this.positionsAssigned += pass.assigned.length;
      waitersFor(this.ds).settle(pass.assigned);
      if (pass.assigned.length >= PASS_LIMIT) continue;
      return this.scheduleRetry(pass.left > 0);
    }
  }

  private scheduleRetry(heldBack: boolean): void {
    if (!heldBack) {
      this.retryMs = RETRY_MIN_MS;
      return;
    }
    if (this.retry || this.stopping) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.retrying = true;
      this.wake();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private run(): RunSql | null {
    if (this.embeddedLeader) return runOn(this.ds);
    const session = this.election?.session;
    if (!session) return null;
    // Named statements, parsed and planned once on this session: planning was more than half
    // of what a pass cost the server. Their generic plan is checked: with bitmap scans off on
    // this session (election.ts) it reads the unpositioned rows by event_unsequenced_idx like
    // the custom one (with bitmap scans it read the position index whole: 18 ms a pass).
    return async <R>(sql: string, params?: unknown[]) =>
      (await session.query({ name: statementName(sql), text: sql, values: params })).rows as R[];
  }

  private async anythingReady(): Promise<boolean> {
    const run = this.run();
    if (!run) return false;
    const [row] = await run<{ ready: boolean }>(ANYTHING_READY);
    return row.ready;
  }

  /** One statement, its own transaction (autocommit) on the elected session. */
  private async pass(): Promise<PassResult | null> {
    const run = this.run();
    return run ? assignPositions(run) : null;
  }

  /** After the writers stopped: a last pass, then the lock is released with the session. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true; // no new passes from wake-ups
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.retry);
    this.unregister?.();
    while (this.running) await this.running;
    if (this.isLeader) await this.drain().catch(() => undefined);
    await this.election?.stop();
  }
}
