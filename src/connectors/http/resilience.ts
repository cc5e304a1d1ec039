/**
 * The resilience around each agency connector, from one library (cockatiel), configured per
 * connector: a bulkhead (at most N calls in flight, a short queue), a circuit breaker that
 * stops calling an agency after consecutive failures and probes it again after a while, a
 * retry with jittered exponential backoff (or the agency's Retry-After, capped) for these
 * idempotent reads, a per-attempt timeout, and an overall timeout so a caller never waits
 * longer than `timeoutMs` whatever the retries do.
 */
import {
  BrokenCircuitError,
  BulkheadPolicy,
  IsolatedCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { AgencyHttpError } from './http-errors';

export interface ResilienceOptions {
  /** The whole call, retries included. */
  timeoutMs: number;
  /** One attempt; defaults to the whole budget. */
  attemptTimeoutMs?: number;
  retries: number;
  /** First backoff; doubles per attempt, with full jitter. */
  backoffMs: number;
  /** The longest Retry-After we honour; longer ones fail the call instead. */
  maxRetryAfterMs: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  maxConcurrent: number;
  maxQueue: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface SourcePolicy {
  execute<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  breakerState(): BreakerState;
}

const STATE: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** What counts against the agency: network faults, timeouts, 408/429/5xx — not our 4xx. */
function isAgencyFailure(err: Error): boolean {
  if (err instanceof AgencyHttpError) return err.retryable;
  return err.name !== 'AgencyContractError';
}
const agencyFailure = handleWhen(isAgencyFailure);

/**
 * Retry only what another attempt may fix. An open breaker is not: waiting out a backoff
 * for it only delays the answer (stale, or SOURCE_UNAVAILABLE) the caller gets anyway.
 */
const retryable = handleWhen(
  (err) =>
    isAgencyFailure(err) &&
    !(err instanceof BrokenCircuitError) &&
    !(err instanceof IsolatedCircuitError),
);

export function createSourcePolicy(o: ResilienceOptions): SourcePolicy {
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const reason = context.result;
    if ('error' in reason && reason.error instanceof AgencyHttpError) {
      const asked = reason.error.retryAfterMs;
      if (asked !== null) return Math.min(asked, o.maxRetryAfterMs);
    }
    // Full jitter: a random wait up to the exponential bound, so callers do not retry in step.
    return Math.random() * o.backoffMs * 2 ** (context.attempt - 1);
  });
  const breaker = circuitBreaker(agencyFailure, {
    halfOpenAfter: o.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(o.breakerThreshold),
  });
  const attempt = timeout(o.attemptTimeoutMs ?? o.timeoutMs, TimeoutStrategy.Aggressive);
  const retries = retry(retryable, { maxAttempts: o.retries, backoff });
  const overall = timeout(o.timeoutMs, TimeoutStrategy.Aggressive);
  const limit: BulkheadPolicy = bulkhead(o.maxConcurrent, o.maxQueue);
  // Outermost first: the budget covers waiting in the bulkhead and every retry; the breaker
  // counts each attempt, so a flapping agency opens it even when retries hide the failures.
  const policy: IPolicy = wrap(overall, limit, retries, breaker, attempt);
  return {
    execute: (fn) => policy.execute(({ signal }) => fn(signal)),
    breakerState: () => STATE[breaker.state],
  };
}
