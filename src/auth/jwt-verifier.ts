/**
 * Verifies bearer tokens with `jose`: HS256 with AUTH_JWT_SECRET (development, tests,
 * simple deployments) and/or asymmetric keys from AUTH_JWKS_URL (production: the city's
 * identity provider). Returns the raw claims the hub uses; the authenticator checks them
 * against roles and reference data.
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import type { Config } from '../config';
import { UnauthenticatedError } from '../errors';

export interface TokenClaims {
  sub: string;
  role: unknown;
  org: unknown;
  scope: string[];
  exp: number;
}

export type JwtVerifier = (token: string) => Promise<TokenClaims>;

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

export function createJwtVerifier(auth: Config['auth']): JwtVerifier {
  const secret = auth.secret ? new TextEncoder().encode(auth.secret) : undefined;
  const jwks = auth.jwksUrl ? createRemoteJWKSet(new URL(auth.jwksUrl)) : undefined;
  const common = {
    issuer: auth.issuer,
    audience: auth.audience,
    clockTolerance: auth.clockToleranceS,
    requiredClaims: ['exp', 'sub'],
  };

  async function verify(token: string): Promise<JWTPayload> {
    const { alg } = decodeProtectedHeader(token);
    if (alg === 'HS256' && secret)
      return (await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })).payload;
    if (alg && ASYMMETRIC.includes(alg) && jwks)
      return (await jwtVerify(token, jwks, { ...common, algorithms: ASYMMETRIC })).payload;
    throw new UnauthenticatedError('Invalid token');
  }

  return async (token) => {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw err;
      if (err instanceof errors.JWTExpired) throw new UnauthenticatedError('Token expired');
      throw new UnauthenticatedError('Invalid token');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
      throw new UnauthenticatedError('Invalid token');
    }
    const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    return { sub: payload.sub, role: payload.role, org: payload.org, scope, exp: payload.exp };
  };
}
