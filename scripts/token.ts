/**
 * Prints a signed development/test token:
 *   npm run token -- --role JOB_CENTRE_COACH --org jobbtorg-sydvast [--sub ID] [--ttl 3600] [--scope "a b"]
 * Uses AUTH_JWT_SECRET (or the development secret, like the server). Refuses to run in
 * production: production tokens come from the identity provider.
 */
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { roleFitsOrganisation } from '../src/auth/policy';
import { ROLES, isRole } from '../src/auth/roles';
import { loadConfig } from '../src/config';
import { bundledReferenceFiles } from '../src/reference/reference-files';

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
  if (!isRole(req.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const org = bundledReferenceFiles().organisations.data.organisations.find(
    (o) => o.id === req.org,
  );
  if (!org) throw new Error(`--org ${req.org} is not an organisation in the reference data`);
  if (!roleFitsOrganisation(req.role, org.kind))
    throw new Error(`role ${req.role} does not fit a ${org.kind}`);
  const ttl = req.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl <= 0)
    throw new Error('--ttl must be a positive number of seconds');
  const claims: Record<string, unknown> = { role: req.role, org: req.org };
  if (req.scope) claims.scope = req.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(req.sub ?? `dev-${req.role.toLowerCase()}@${req.org}`)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      scope: { type: 'string' },
    },
  });
  const config = loadConfig(process.env);
  if (config.isProduction) throw new Error('npm run token refuses to run with NODE_ENV=production');
  if (!config.auth.secret)
    throw new Error('AUTH_JWT_SECRET is not set (only AUTH_JWKS_URL is configured)');
  if (!values.role || !values.org)
    throw new Error(
      'usage: npm run token -- --role ROLE --org ORG [--sub ID] [--ttl 3600] [--scope "..."]',
    );
  const token = await makeToken(config.auth.secret, {
    role: values.role,
    org: values.org,
    sub: values.sub,
    ttlSeconds: values.ttl ? Number(values.ttl) : undefined,
    scope: values.scope,
  });
  process.stdout.write(`${token}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`token: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
