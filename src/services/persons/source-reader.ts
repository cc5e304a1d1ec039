/**
 * Per-request access to the four sources through DataLoaders: every person field of one
 * operation that asks a source is answered by one batched call per source, whatever the
 * page size (no N+1). A failing source resolves its fields to null and reports one
 * SOURCE_UNAVAILABLE error per source and request (not one per person): when that error is
 * present, every field of that source in the response is unknown rather than empty.
 *
 * The lists a source reads per case or enrolment (SourceDetail) are read only when the
 * operation selects them: the HTTP path names them from the document before execution
 * (`want`); a reader nobody told reads whole records.
 */
import DataLoader from 'dataloader';
import type {
  Connectors,
  SourceCallContext,
  SourceConnector,
  SourceDetail,
  SourceName,
} from '../../connectors/types';
import { SourceUnavailableError } from '../../errors';
import type { Logger } from '../../observability/logger';

type Value<C> = C extends SourceConnector<infer T> ? T : never;

export class SourceReader {
  /** Per source and set of details (a reader told twice never mixes the two). */
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();
  private readonly reported = new Set<SourceName>();
  /** null: not told, whole records. */
  private details: Set<SourceDetail> | null = null;
  /** The details as part of a loader's key, computed when they change (not per field). */
  private detailsKey = '';

  constructor(
    private readonly connectors: Connectors,
    private readonly call: SourceCallContext,
    private readonly logger: Logger,
  ) {}

  /** The source's record for a person, null when it has none (or the source failed after its error was reported). */
  load<S extends SourceName>(source: S, personId: string): Promise<Value<Connectors[S]> | null> {
    // The loader's promise with a rejection handler (no async function: one promise less per field).
    return this.loader(source)
      .load(personId)
      .then(
        (value) => value as Value<Connectors[S]> | null,
        (err: unknown) => {
          if (this.reported.has(source)) return null;
          this.reported.add(source);
          this.logger.warn({ source, err }, 'source unavailable');
          throw new SourceUnavailableError(source);
        },
      );
  }

  /**
   * The details this operation selects. Called again (another operation on the same
   * context) it only widens: records read before keep what they were read with.
   */
  want(details: Iterable<SourceDetail>): void {
    this.details = new Set([...(this.details ?? []), ...details]);
    this.detailsKey = `:${[...this.details].sort().join(',')}`;
  }

  /** True once the source failed in this request (its fields are unknown, not empty). */
  failed(source: SourceName): boolean {
    return this.reported.has(source);
  }

  private loader(source: SourceName): DataLoader<string, unknown> {
    const details = this.details;
    const key = source + this.detailsKey;
    let loader = this.loaders.get(key);
    if (!loader) {
      const connector = this.connectors[source] as SourceConnector<unknown>;
      loader = new DataLoader<string, unknown>(
        async (ids) => {
          const found = await connector.loadByPersonIds(ids, this.call, details ?? undefined);
          return ids.map((id) => found.get(id) ?? null);
        },
        // Up to 100 persons per call: a page is at most 100 (see persons(first)).
        { maxBatchSize: 100 },
      );
      this.loaders.set(key, loader);
    }
    return loader;
  }
}
