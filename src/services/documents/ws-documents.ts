/**
 * Trusted documents over graphql-ws, for the `subscribe` message (ws-server.ts onSubscribe).
 * graphql-ws requires `payload.query` to be a string, so a client sending an id sends
 * `query: ""` with `documentId` (or `extensions.persistedQuery.sha256Hash`). A registered
 * document comes back parsed and validated (once per document, then from memory).
 */
import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import { ANONYMOUS, type Viewer } from '../../auth/viewer';
import type { TrustedDocuments } from './trusted-documents';

export type SubscribeDocument =
  /** Refused, or the registered document is invalid for the schema now running. */
  | { errors: readonly GraphQLError[]; document?: undefined }
  /** `document`: run it (already validated); none: parse and validate `payload.query`. */
  | { errors?: undefined; document?: DocumentNode };

export async function documentForSubscribe(
  trusted: TrustedDocuments,
  payload: { query?: unknown; extensions?: unknown },
  viewer: Viewer | undefined,
  /** The connection proved itself as the federation gateway (exempt under `require`). */
  fromGateway: boolean,
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  maxTokens: number,
): Promise<SubscribeDocument> {
  const resolution = await trusted.resolve(
    {
      // Not in graphql-ws's payload type, but passed through as the client sent it.
      documentId: (payload as { documentId?: unknown }).documentId,
      extensions: payload.extensions,
      query: payload.query,
    },
    () => Promise.resolve(fromGateway || trusted.isExempt(viewer ?? ANONYMOUS)),
  );
  if (resolution.kind === 'refused') return { errors: [resolution.error] };
  if (resolution.kind === 'plain') return {};
  const prepared = resolution.document.prepare(schema, rules, maxTokens);
  return prepared.document ? { document: prepared.document } : { errors: prepared.errors };
}
