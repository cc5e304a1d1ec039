/**
 * Plain (unregistered) documents sent over graphql-ws, parsed and validated once per text.
 * Partner systems subscribe with a handful of documents from thousands of connections, and
 * a redeploy or a network blip makes all of them subscribe again at once: parsing and
 * validating each subscribe anew was most of the 0.8–1 ms of the hub's one thread that
 * 10,000 subscribes took each. Apollo keeps such a cache for HTTP; this is the same for the
 * WebSocket transport, where graphql-ws leaves it to us.
 *
 * Only documents that passed are kept: the schema and the validation rules are fixed for
 * the server's life and graphql-js never changes a parsed document, so the same text always
 * gets the same answer, and errors stay cheap to recompute and cannot fill the cache. The
 * cache is bounded by the total length of the texts it keeps. What depends on the request
 * (variables, the viewer, query limits with variables, trusted-document rules) is still
 * decided per subscribe by the caller. The same document object for the same text also lets
 * the per-document caches behind it (query-limit analysis, cohorts) hit.
 */
import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';
import { LRUCache } from 'lru-cache';
import { prepareDocument, type PreparedDocument } from './document-registry';

/** Characters of document text kept: hundreds of typical subscription documents. */
const MAX_CACHED_CHARS = 2_000_000;

export class PlainDocuments {
  private readonly valid: LRUCache<string, DocumentNode>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxTokens: number,
    maxCachedChars = MAX_CACHED_CHARS,
  ) {
    this.valid = new LRUCache<string, DocumentNode>({
      maxSize: maxCachedChars,
      sizeCalculation: (_document, text) => Math.max(1, text.length),
    });
  }

  prepare(text: string): PreparedDocument {
    const kept = this.valid.get(text);
    if (kept) return { document: kept, errors: [] };
    const prepared = prepareDocument(text, this.schema, this.rules, this.maxTokens);
    if (prepared.document) this.valid.set(text, prepared.document);
    return prepared;
  }
}
