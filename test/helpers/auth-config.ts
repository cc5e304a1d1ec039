import type { Config } from '../../src/config';

/** The hub's auth settings for an HS256 secret and nothing else (no JWKS, issuer, audience). */
export function secretAuthConfig(
  secret: string,
  overrides: Partial<Config['auth']> = {},
): Config['auth'] {
  return {
    secret,
    usingDevSecret: false,
    jwksUrl: undefined,
    issuer: undefined,
    audience: undefined,
    clockToleranceS: 0,
    ...overrides,
  };
}
