/**
 * Verifies bearer tokens with `jose`: HS256 with AUTH_JWT_SECRET (development, tests,
 * simple deployments) and/or asymmetric keys from AUTH_JWKS_URL (production: the city's
 * identity provider). Returns the raw claims the hub uses; the authenticator checks them
 * against roles and reference data.
 *
 * A client sends the same token with every request until it expires, so a verified token's
 * claims are kept (by the token string, at most VERIFIED_TOKENS of them) and reused for at
 * most VERIFIED_REUSE_MS, never past the token's own expiry (with the same clock tolerance
 * jose applies): an expired token fails exactly as before, and a key removed from the JWKS
 * stops being accepted within that minute, as jose's own JWKS cache would. Only successes
 * are kept; a failed token is checked in full every time.
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

/** How many verified tokens are kept, and for how long one is reused without a new check. */
export const VERIFIED_TOKENS = 1000;
export const VERIFIED_REUSE_MS = 60_000;

interface Verified {
  claims: TokenClaims;
  /** Date.now() after which the token is checked in full again. */
  until: number;
}

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

  const tolerance = auth.clockToleranceS;
  const verified = new Map<string, Verified>();

  /** Claims of a token verified lately and still unexpired by jose's rule, else undefined. */
  function reuse(token: string): TokenClaims | undefined {
    const known = verified.get(token);
    if (!known) return undefined;
    const now = Date.now();
    // jose: expired when exp <= now - tolerance (whole seconds).
    if (now > known.until || known.claims.exp <= Math.floor(now / 1000) - tolerance) {
      verified.delete(token);
      return undefined;
    }
    return { ...known.claims, scope: [...known.claims.scope] };
  }

  function remember(token: string, claims: TokenClaims): void {
    // Bounded: when full, the oldest entry (first in insertion order) makes room.
    if (verified.size >= VERIFIED_TOKENS) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, { claims, until: Date.now() + VERIFIED_REUSE_MS });
  }

  return async (token) => {
    const known = reuse(token);
    if (known) return known;
    const claims = await verifyInFull(token);
    remember(token, { ...claims, scope: [...claims.scope] });
    return claims;
  };

  async function verifyInFull(token: string): Promise<TokenClaims> {
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
  }
}
