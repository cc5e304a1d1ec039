/**
 * The per-operation context. Built fresh for every HTTP request and every graphql-ws
 * operation: nothing per-request is ever shared between operations.
 */
import type { Logger } from './observability/logger';
import type { Viewer } from './auth/viewer';
import type { ReferenceService } from './services/reference-service';

/** Long-lived services, built once at start and shared by all operations. */
export interface Services {
  reference: ReferenceService;
}

export interface Context {
  requestId: string;
  viewer: Viewer;
  services: Services;
  /** Child logger carrying the request id. */
  logger: Logger;
}

export function createContext(
  services: Services,
  viewer: Viewer,
  requestId: string,
  logger: Logger,
): Context {
  return { requestId, viewer, services, logger: logger.child({ requestId }) };
}
