/**
 * Arbetsförmedlingen's status, cached: within the TTL a person's status is served without
 * asking AF again; when AF fails, the last known status is served marked `stale: true`
 * with the `fetchedAt` of when AF last answered — up to a maximum age, after which that
 * person's field is unavailable (SOURCE_UNAVAILABLE) rather than silently old. "AF does not
 * know this person" is remembered the same way. Bounded (LRU), per hub instance.
 */
import { LRUCache } from 'lru-cache';
import type {
  EmploymentServiceStatusRecord,
  SourceCallContext,
  SourceConnector,
  SourceResult,
} from './types';

export interface LastKnownOptions {
  ttlMs: number;
  maxStaleMs: number;
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  /** null: AF answered that it does not know the person. */
  record: EmploymentServiceStatusRecord | null;
  at: number;
}

export class LastKnownStatus implements SourceConnector<EmploymentServiceStatusRecord> {
  readonly source = 'arbetsformedlingen' as const;
  private readonly cache: LRUCache<string, Entry>;
  private readonly now: () => number;

  constructor(
    private readonly inner: SourceConnector<EmploymentServiceStatusRecord>,
    private readonly options: LastKnownOptions,
  ) {
    this.cache = new LRUCache({ max: options.maxEntries });
    this.now = options.now ?? Date.now;
  }

  async loadByPersonIds(
    personIds: readonly string[],
    call: SourceCallContext,
  ): Promise<SourceResult<EmploymentServiceStatusRecord>> {
    const now = this.now();
    const out = new Map<string, EmploymentServiceStatusRecord | Error>();
    const ask: string[] = [];
    for (const id of personIds) {
      const hit = this.cache.get(id);
      if (hit && now - hit.at <= this.options.ttlMs) {
        if (hit.record) out.set(id, hit.record);
      } else ask.push(id);
    }
    if (ask.length === 0) return out;
    try {
      const fresh = await this.inner.loadByPersonIds(ask, call);
      for (const id of ask) {
        const record = fresh.get(id);
        if (record instanceof Error) {
          out.set(id, record);
          continue;
        }
        this.cache.set(id, { record: record ?? null, at: now });
        if (record) out.set(id, record);
      }
      return out;
    } catch (err) {
      const failure = err instanceof Error ? err : new Error(String(err));
      for (const id of ask) {
        const last = this.cache.get(id);
        if (last && now - last.at <= this.options.maxStaleMs) {
          if (last.record) out.set(id, { ...last.record, stale: true });
        } else {
          out.set(id, failure);
        }
      }
      return out;
    }
  }
}
