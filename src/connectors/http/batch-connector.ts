/**
 * The shape every agency's REST contract shares (docs/connectors/*.v1.yaml): one
 * `POST /v1/{resource}/batch` for a page of persons, answered with `{ [listKey]: items }`,
 * each item carrying its `personId`. This runs the call through the source's resilience
 * policy, validates the answer against the contract (a malformed answer is a failed source,
 * never half a record) and keeps only items for persons that were asked about. What an item
 * means is each agency's own business: its `wire.ts` (the contract's schema) and `http.ts`.
 */
import { z } from 'zod';
import type { SourceCallContext, SourceConnector, SourceName } from '../types';
import { postBatch, type AgencyEndpoint } from './http-batch-client';
import { AgencyContractError } from './http-errors';
import type { SourcePolicy } from './resilience';

export interface BatchContract<Item extends { personId: string }, Rec> {
  source: SourceName;
  /** The path segment: `POST /v1/{resource}/batch`. */
  resource: string;
  /** The answer's list property. */
  listKey: string;
  item: z.ZodType<Item>;
  /** One item as the hub's record; `fetchedAt` is when the agency answered. */
  toRecord(item: Item, fetchedAt: Date): Rec;
}

/**
 * The call and its checks, shared; how items become each person's value is the subclass's:
 * one record per person, or a list.
 */
abstract class HttpBatchConnector<
  Item extends { personId: string },
  Rec,
  Out,
> implements SourceConnector<Out> {
  readonly source: SourceName;

  constructor(
    protected readonly contract: BatchContract<Item, Rec>,
    private readonly endpoint: AgencyEndpoint,
    private readonly policy: SourcePolicy,
  ) {
    this.source = contract.source;
  }

  /** The validated items, in the agency's order, for persons that were asked about. */
  protected abstract collect(items: Item[], fetchedAt: Date): Map<string, Out>;

  async loadByPersonIds(
    personIds: readonly string[],
    call: SourceCallContext,
  ): Promise<Map<string, Out>> {
    const { item, listKey, resource } = this.contract;
    const answer = z.object({ [listKey]: z.array(item) });
    const items = await this.policy.execute(async (signal) => {
      const parsed = answer.safeParse(
        await postBatch(this.endpoint, resource, personIds, call, signal),
      );
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        // The path and message name the field, never its value (answers carry personal data).
        throw new AgencyContractError(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
      }
      return parsed.data[listKey];
    });
    // An agency answering about persons we did not ask for is ignored, not trusted.
    const wanted = new Set(personIds);
    return this.collect(
      items.filter((i) => wanted.has(i.personId)),
      new Date(),
    );
  }
}

/** A source with at most one record per person (a second one breaks the contract). */
export class HttpOnePerPerson<Item extends { personId: string }, Rec> extends HttpBatchConnector<
  Item,
  Rec,
  Rec
> {
  protected collect(items: Item[], fetchedAt: Date): Map<string, Rec> {
    const out = new Map<string, Rec>();
    for (const item of items) {
      if (out.has(item.personId)) {
        throw new AgencyContractError(`${this.contract.listKey}: two records for one person`);
      }
      out.set(item.personId, this.contract.toRecord(item, fetchedAt));
    }
    return out;
  }
}

/** A source with a list per person, kept in the agency's order. */
export class HttpListPerPerson<Item extends { personId: string }, Rec> extends HttpBatchConnector<
  Item,
  Rec,
  Rec[]
> {
  protected collect(items: Item[], fetchedAt: Date): Map<string, Rec[]> {
    const out = new Map<string, Rec[]>();
    for (const item of items) {
      const list = out.get(item.personId) ?? [];
      list.push(this.contract.toRecord(item, fetchedAt));
      out.set(item.personId, list);
    }
    return out;
  }
}
