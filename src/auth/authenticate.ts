/**
 * Turns an Authorization value (HTTP header or graphql-ws connection param) into a Viewer.
 * No value → anonymous. A value that is not a valid token for a known organisation and
 * a fitting role → UNAUTHENTICATED: a bad token is never silently treated as anonymous.
 */
import { UnauthenticatedError } from '../errors';
import type { ReferenceService } from '../services/reference/reference-service';
import type { JwtVerifier } from './jwt-verifier';
import { roleFitsOrganisation } from './policy';
import { isRole } from './roles';
import { ANONYMOUS, type Viewer } from './viewer';

export type Authenticator = (authorization: unknown) => Promise<Viewer>;

export function createAuthenticator(
  verify: JwtVerifier,
  reference: ReferenceService,
): Authenticator {
  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === '')
      return ANONYMOUS;
    if (typeof authorization !== 'string') throw new UnauthenticatedError('Invalid authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const claims = await verify(match[1]);
    if (!isRole(claims.role)) throw new UnauthenticatedError('Token has an unknown role');
    const org = typeof claims.org === 'string' ? reference.organisation(claims.org) : undefined;
    if (!org || !org.active) throw new UnauthenticatedError('Token names an unknown organisation');
    if (!roleFitsOrganisation(claims.role, org.kind)) {
      throw new UnauthenticatedError('Token role does not fit its organisation');
    }
    return {
      kind: 'authenticated',
      sub: claims.sub,
      role: claims.role,
      orgId: org.id,
      orgKind: org.kind,
      scopes: claims.scope,
      expiresAt: claims.exp,
    };
  };
}
