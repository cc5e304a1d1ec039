/**
 * Why an agency call failed, as the resilience policy needs to know: whether a retry may
 * help, and how long the agency asked us to wait (429/503 with Retry-After).
 */
export class AgencyHttpError extends Error {
  constructor(
    readonly status: number,
    /** From Retry-After (seconds or an HTTP date), when the agency sent one. */
    readonly retryAfterMs: number | null,
  ) {
    super(`agency answered HTTP ${status}`);
    this.name = 'AgencyHttpError';
  }

  /** 408, 429 and 5xx may pass; other 4xx are our fault and will not. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The agency answered, but not in the contract's shape: not retried. */
export class AgencyContractError extends Error {
  constructor(detail: string) {
    super(`agency answer does not match the contract: ${detail}`);
    this.name = 'AgencyContractError';
  }
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
