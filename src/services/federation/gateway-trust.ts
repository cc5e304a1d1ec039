/**
 * Whether a caller is the federation gateway. `_entities` takes representations a caller
 * chose and `_service` hands out the subgraph SDL; only the gateway may use them, so it
 * proves itself with a shared secret (header `x-gateway-secret`, or the same key in
 * graphql-ws connectionParams). The end user is still the JWT the gateway forwards; nothing
 * else the gateway sends (a role, an organisation) is ever read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const GATEWAY_SECRET_HEADER = 'x-gateway-secret';

export interface GatewayTrust {
  /** False when no secret is configured: federation is off and nobody is the gateway. */
  readonly enabled: boolean;
  /** True only for the configured secret; any other value, or none, is an ordinary caller. */
  isGateway(presented: unknown): boolean;
}

/** Digests first, so the comparison takes the same time whatever the presented length. */
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export function gatewayTrust(secret: string | undefined): GatewayTrust {
  const expected = secret === undefined ? undefined : digest(secret);
  return {
    enabled: expected !== undefined,
    isGateway(presented: unknown): boolean {
      if (expected === undefined) return false;
      const value: unknown = Array.isArray(presented) ? (presented as unknown[])[0] : presented;
      if (typeof value !== 'string' || value.length === 0) return false;
      return timingSafeEqual(digest(value), expected);
    },
  };
}
