/**
 * Trusted documents at the gateway. Behind a gateway the client's operation is the one the
 * gateway receives; what it sends the subgraphs are fetches its query planner generates,
 * which no front-end could register. So under TRUSTED_DOCUMENTS=require the gateway is
 * where a plain document is refused, and the hub lets the gateway's own fetches through
 * (it knows them by x-gateway-secret).
 *
 * The decision is the hub's own (`TrustedDocuments` in src/services/documents/): the same
 * modes, the same id forms, the same refusal of a query that does not hash to its id, the
 * same error codes. Only two things differ:
 * - documents come from the hub (`GET /federation/documents/<id>`, with the gateway
 *   secret), cached like the hub caches them: `npm run documents` stays the one registry;
 * - an exempt role is read from the token's verified signature and claims: the gateway has
 *   no organisation list, and it need not: every subgraph still authenticates the token
 *   fully, so an exemption lets a document reach the hub, never lets data out.
 *
 * The check runs in Yoga's `onParams`, which the runtime runs for HTTP and for graphql-ws.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
import type { JwtVerifier } from '../auth/jwt-verifier';
import {
  DocumentRegistry,
  GATEWAY_DOCUMENTS_PATH,
  TrustedDocuments,
  type DocumentSource,
  type GatewayDocument,
  type TrustedDocumentsConfig,
} from '../services/documents';

/** As on the hub (src/services/documents/index.ts). */
const CACHE_MAX_ENTRIES = 5000;
/** A lookup that takes longer is a failure of the hub, not a missing document. */
const LOOKUP_TIMEOUT_MS = 5000;
const REFUSED_PLACEHOLDER = '{ __typename }';

/** The hub's registry over HTTP: 200 → the text, 404 → none, anything else → an error. */
export function hubDocumentSource(
  hubGraphqlUrl: string,
  gatewaySecret: string,
  secretHeader: string,
): DocumentSource {
  const base = new URL(GATEWAY_DOCUMENTS_PATH, hubGraphqlUrl);
  return {
    async find(canonicalId) {
      const res = await fetch(`${base.toString()}/${encodeURIComponent(canonicalId)}`, {
        headers: { [secretHeader]: gatewaySecret, accept: 'application/json' },
        signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the hub answered ${res.status} to a document lookup`);
      }
      return ((await res.json()) as GatewayDocument).text;
    },
  };
}

export interface GatewayTrustedDocumentsOptions {
  config: TrustedDocumentsConfig;
  source: DocumentSource;
  /** Verifies a bearer token's signature and claims (the hub's AUTH_* settings). */
  verify: JwtVerifier;
}

interface Params {
  query?: unknown;
  extensions?: unknown;
  documentId?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The client's authorization: an HTTP header, or on graphql-ws its connection parameters. */
function authorizationOf(request: Request, context: Record<string, unknown>): unknown {
  const params = context.connectionParams;
  if (isRecord(params)) return params.authorization ?? params.Authorization;
  return request.headers.get('authorization') ?? undefined;
}

export function useTrustedDocuments(options: GatewayTrustedDocumentsOptions): GatewayPlugin {
  const registry = new DocumentRegistry(options.source, {
    ttlMs: options.config.cacheTtlS * 1000,
    maxEntries: CACHE_MAX_ENTRIES,
  });
  const trusted = new TrustedDocuments(options.config, registry);
  const exempt = new Set(options.config.exemptRoles);

  const mayRunPlain = async (authorization: unknown): Promise<boolean> => {
    if (exempt.size === 0 || typeof authorization !== 'string') return false;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return false;
    // A bad token is no exemption (the hub refuses it anyway if the document runs).
    const claims = await options.verify(match[1]).catch(() => undefined);
    return claims !== undefined && exempt.has(String(claims.role));
  };

  return {
    async onParams({ params, request, setParams, setResult, context }) {
      if (trusted.mode === 'off') return;
      const p = params as Params;
      const resolution = await trusted.resolve(
        { documentId: p.documentId, extensions: p.extensions, query: p.query },
        () => mayRunPlain(authorizationOf(request, context as unknown as Record<string, unknown>)),
      );
      // The id is spent here: the subgraphs get the gateway's own fetches, never an id (and
      // Yoga refuses a `documentId` it finds left in the parameters).
      const { persistedQuery: _pq, ...rest } = isRecord(p.extensions) ? p.extensions : {};
      setParams({
        query:
          resolution.kind === 'registered'
            ? resolution.document.text
            : resolution.kind === 'refused'
              ? // Never runs (a refusal sets the result below): there only because Yoga's own
                // parameter check runs after this hook and wants a query string.
                REFUSED_PLACEHOLDER
              : // Anything but a string is left for that check to refuse.
                (p.query as string),
        operationName: typeof p.operationName === 'string' ? p.operationName : undefined,
        variables: isRecord(p.variables) ? p.variables : undefined,
        extensions: Object.keys(rest).length ? rest : undefined,
      });
      if (resolution.kind === 'refused') {
        const { message, extensions } = resolution.error;
        // A result rather than a throw: over HTTP an answer with this status (`http` is not
        // sent to the client), over graphql-ws an error result rather than a 4500 close.
        setResult({
          errors: [
            new GraphQLError(message, {
              extensions: { ...extensions, http: { status: resolution.status } },
            }),
          ],
        });
      }
    },
  };
}
