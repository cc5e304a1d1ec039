/**
 * Prints a signed development/test token:
 *   npm run token -- --role JOB_CENTRE_COACH --org jobbtorg-sydvast [--sub ID] [--ttl 3600] [--scope "a b"]
 * Uses AUTH_JWT_SECRET (or the development secret, like the server). Refuses to run in
 * production: production tokens come from the identity provider.
 */
import { parseArgs } from 'node:util';
import { makeToken } from '../src/auth/dev-token';
import { loadConfig } from '../src/config';

export { makeToken, type TokenRequest } from '../src/auth/dev-token';

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
