import { HubError, withCode } from './hub-error';

/** No valid token: missing, malformed, expired or not trusted. HTTP status 401. */
export class UnauthenticatedError extends HubError {
  readonly code = 'UNAUTHENTICATED' as const;

  constructor(message = 'Authentication required') {
    super(message, { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } });
    withCode(this);
  }
}
