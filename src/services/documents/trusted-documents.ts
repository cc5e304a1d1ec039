/**
 * Trusted documents: which document a request runs, decided the same way for HTTP and
 * graphql-ws (TRUSTED_DOCUMENTS):
 *
 * - `off`: ids are not looked at; only plain documents (`query`) run.
 * - `allow` (default): a registered id runs its document; plain documents run too.
 * - `require`: only registered ids run; a plain document is refused with
 *   PERSISTED_DOCUMENT_REQUIRED unless the caller may send plain documents: a verified
 *   token whose role is in TRUSTED_DOCUMENTS_EXEMPT_ROLES, or, on the hub, the federation
 *   gateway (its query plan's fetches are documents it generates, which no front-end can
 *   register; behind a gateway it is the gateway that enforces `require`, see
 *   src/gateway/trusted-documents.ts).
 *
 * An id comes as `documentId` (GraphQL-over-HTTP persisted documents; `sha256:<hex>` or bare
 * hex) or as Apollo's `extensions.persistedQuery.sha256Hash`. An unknown id is
 * PERSISTED_DOCUMENT_NOT_FOUND; an id sent with a query that does not hash to it is
 * BAD_REQUEST. Apollo's own automatic persisted queries are off (`persistedQueries: false`):
 * they would let any client register any document.
 */
import type { Viewer } from '../../auth/viewer';
import {
  BadRequestError,
  PersistedDocumentNotFoundError,
  PersistedDocumentRequiredError,
  type HubError,
} from '../../errors';
import { DOCUMENT_ID_FORMS, idMatches, parseDocumentId } from './document-id';
import type { DocumentRegistry, RegisteredDocument } from './document-registry';

export type TrustedDocumentsMode = 'off' | 'allow' | 'require';

export interface TrustedDocumentsConfig {
  mode: TrustedDocumentsMode;
  /** Roles whose plain documents run under `require` (from the verified token only). */
  exemptRoles: string[];
  /** How long a looked-up document is served from memory (removal takes effect within it). */
  cacheTtlS: number;
}

/** What a request carries, whatever the transport. */
export interface DocumentRequest {
  /** `documentId` as sent (any type: checked here). */
  documentId?: unknown;
  /** `extensions` as sent: its `persistedQuery.sha256Hash` is Apollo's form of the id. */
  extensions?: unknown;
  /** The document text; empty counts as none. */
  query?: unknown;
}

export type Resolution =
  /** Run the request's own query (or let the transport answer its absence). */
  | { kind: 'plain' }
  /** Run this registered document. */
  | { kind: 'registered'; document: RegisteredDocument }
  /** Refuse with this error and HTTP status. */
  | { kind: 'refused'; error: HubError; status: number };

function apolloHash(extensions: unknown): unknown {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const pq = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (typeof pq !== 'object' || pq === null) return undefined;
  return (pq as { sha256Hash?: unknown }).sha256Hash;
}

const refused = (error: HubError, status: number): Resolution => ({
  kind: 'refused',
  error,
  status,
});

export class TrustedDocuments {
  private readonly exempt: ReadonlySet<string>;

  constructor(
    readonly config: TrustedDocumentsConfig,
    private readonly registry: DocumentRegistry,
  ) {
    this.exempt = new Set(config.exemptRoles);
  }

  get mode(): TrustedDocumentsMode {
    return this.config.mode;
  }

  /** The document registered under a canonical id (from memory when it can). */
  registered(canonicalId: string): Promise<RegisteredDocument | undefined> {
    return this.registry.get(canonicalId);
  }

  /** True when this verified viewer may send plain documents under `require`. */
  isExempt(viewer: Viewer): boolean {
    return viewer.kind === 'authenticated' && this.exempt.has(viewer.role);
  }

  /**
   * Decides what runs. `mayRunPlain` (is this caller exempt?) is asked only when the answer
   * depends on it (a plain document under `require`), so other requests authenticate once,
   * as before.
   */
  async resolve(
    request: DocumentRequest,
    mayRunPlain: () => Promise<boolean>,
  ): Promise<Resolution> {
    if (this.mode === 'off') return { kind: 'plain' };
    const query =
      typeof request.query === 'string' && request.query.trim() !== '' ? request.query : undefined;
    const fromApollo = apolloHash(request.extensions);
    const raw = request.documentId ?? fromApollo;

    if (raw === undefined || raw === null) {
      if (query !== undefined && this.mode === 'require' && !(await mayRunPlain()))
        return refused(new PersistedDocumentRequiredError(), 400);
      return { kind: 'plain' };
    }
    if (typeof raw !== 'string')
      return refused(new BadRequestError(`documentId must be a string: ${DOCUMENT_ID_FORMS}`), 400);
    const id = parseDocumentId(raw);
    if (!id || (request.documentId === undefined && id.algorithm !== 'sha256'))
      return refused(
        new BadRequestError(`documentId has no known form: ${DOCUMENT_ID_FORMS}`),
        400,
      );
    if (request.documentId !== undefined && fromApollo !== undefined) {
      const other = typeof fromApollo === 'string' ? parseDocumentId(fromApollo) : undefined;
      if (other?.canonical !== id.canonical)
        return refused(
          new BadRequestError('documentId and extensions.persistedQuery.sha256Hash differ'),
          400,
        );
    }
    if (query !== undefined && !idMatches(id, query))
      return refused(
        new BadRequestError(
          `The query sent is not the document of this id (its ${id.algorithm} differs)`,
        ),
        400,
      );

    const document = await this.registered(id.canonical);
    if (document) return { kind: 'registered', document };
    // A query that hashes to an unregistered id is a plain document under another name.
    if (query !== undefined && (this.mode === 'allow' || (await mayRunPlain())))
      return { kind: 'plain' };
    return refused(new PersistedDocumentNotFoundError(), 404);
  }
}
