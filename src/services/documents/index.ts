/**
 * Trusted documents (persisted operations): the manifest check and the store the command
 * line uses (`npm run documents`), and what the hub serves by id over HTTP and graphql-ws.
 */
import type { DataSource } from 'typeorm';
import { DocumentRegistry } from './document-registry';
import { DocumentStore } from './document-store';
import { TrustedDocuments, type TrustedDocumentsConfig } from './trusted-documents';

export { trustedDocumentsMiddleware } from './http-middleware';
export { documentForSubscribe } from './ws-documents';
export { PlainDocuments } from './plain-documents';
export {
  gatewayDocumentsRoute,
  GATEWAY_DOCUMENTS_PATH,
  type GatewayDocument,
} from './gateway-route';
export { DocumentRegistry, type DocumentSource } from './document-registry';
export { TrustedDocuments, type TrustedDocumentsConfig } from './trusted-documents';

/** Documents kept in memory per instance: far more than the front-ends ship together. */
const CACHE_MAX_ENTRIES = 5000;

export function createTrustedDocuments(
  ds: DataSource,
  config: TrustedDocumentsConfig,
): TrustedDocuments {
  const registry = new DocumentRegistry(new DocumentStore(ds), {
    ttlMs: config.cacheTtlS * 1000,
    maxEntries: CACHE_MAX_ENTRIES,
  });
  return new TrustedDocuments(config, registry);
}
