/**
 * Development and test tokens: HS256-signed with the configured secret, after checking the
 * role and organisation against the reference data. Used by `npm run token`, the
 * playground's token picker (only outside production) and the tests. Production tokens come
 * from the identity provider.
 */
import { SignJWT } from 'jose';
import { bundledReferenceFiles } from '../reference/reference-files';
import { roleFitsOrganisation } from './policy';
import { ROLES, isRole } from './roles';

export interface TokenRequest {
  role: string;
  org: string;
  sub?: string;
  ttlSeconds?: number;
  scope?: string;
}

/** Signs a token after checking role and organisation against the reference data. */
export async function makeToken(
  secret: string,
  req: TokenRequest,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  if (!isRole(req.role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  const org = bundledReferenceFiles().organisations.data.organisations.find(
    (o) => o.id === req.org,
  );
  if (!org) throw new Error(`org ${req.org} is not an organisation in the reference data`);
  if (!roleFitsOrganisation(req.role, org.kind))
    throw new Error(`role ${req.role} does not fit a ${org.kind}`);
  const ttl = req.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new Error('ttl must be a positive number of seconds');
  const claims: Record<string, unknown> = { role: req.role, org: req.org };
  if (req.scope) claims.scope = req.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(req.sub ?? `dev-${req.role.toLowerCase()}@${req.org}`)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}
