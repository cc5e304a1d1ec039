/**
 * The registered documents as the hub serves them: a bounded in-memory LRU in front of the
 * store, holding each document's text and, once per schema, its parsed and validated
 * DocumentNode — so a request by id costs neither a database round trip nor parse and
 * validation after the first.
 *
 * Freshness: a miss always asks the database, and misses are not cached, so a document
 * registered by `npm run documents -- register` (another process) runs at once. An entry
 * lives at most `ttlMs`: a document removed by `npm run documents -- remove` stops running
 * on every instance within that time (TRUSTED_DOCUMENTS_CACHE_TTL_S). The embedded
 * database cannot be changed while the hub runs (its data directory is locked), so there the
 * question does not arise.
 */
import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Where registered documents' texts come from: the hub's store, or, in the federation
 * gateway, the hub itself over HTTP (src/gateway/trusted-documents.ts).
 */
export interface DocumentSource {
  /** The text registered under a canonical id, or undefined when none is. */
  find(canonicalId: string): Promise<string | undefined>;
}

export interface PreparedDocument {
  document?: DocumentNode;
  /** Parse or validation errors against the schema in use now (none: it may run). */
  errors: readonly GraphQLError[];
}

export class RegisteredDocument {
  private prepared: { schema: GraphQLSchema; result: PreparedDocument } | undefined;

  constructor(
    /** Canonical id, `sha256:<hex>` (or sha1/md5). */
    readonly id: string,
    readonly text: string,
  ) {}

  /**
   * Parsed and validated once for a schema (the hub has one): registration checked it against
   * the schema of its day, this against the schema running now and the transport's rules.
   */
  prepare(
    schema: GraphQLSchema,
    rules: readonly ValidationRule[],
    maxTokens: number,
  ): PreparedDocument {
    if (this.prepared?.schema === schema) return this.prepared.result;
    const result = prepareDocument(this.text, schema, rules, maxTokens);
    this.prepared = { schema, result };
    return result;
  }
}

/** A document's text parsed and validated: the document, or the errors that refuse it. */
export function prepareDocument(
  text: string,
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  maxTokens: number,
): PreparedDocument {
  try {
    const document = parse(text, { maxTokens });
    const errors = validate(schema, document, rules);
    return errors.length ? { errors } : { document, errors };
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return { errors: [err] };
  }
}

export interface RegistryOptions {
  /** How long an entry is served without asking the database again. */
  ttlMs: number;
  /** How many documents are kept. */
  maxEntries: number;
}

export class DocumentRegistry {
  private readonly cache: LRUCache<string, RegisteredDocument>;

  constructor(source: DocumentSource, options: RegistryOptions) {
    this.cache = new LRUCache<string, RegisteredDocument>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      // Concurrent misses for one id share one query; `undefined` (unknown) is not cached.
      fetchMethod: async (id) => {
        const text = await source.find(id);
        return text === undefined ? undefined : new RegisteredDocument(id, text);
      },
    });
  }

  /** The document registered under a canonical id, or undefined. */
  async get(canonicalId: string): Promise<RegisteredDocument | undefined> {
    return this.cache.fetch(canonicalId);
  }

  /** Forgets every cached entry (tests; an operator's reload). */
  clear(): void {
    this.cache.clear();
  }
}
