/**
 * The peer: PostGraphile 5 (Amber preset) over the bench database, exposing only the
 * schema bench_peer (bench/sql/peer-schema.sql: the caseload function with the hub's
 * policy and access log). The JWT is verified with jose (HS256, as the hub does) in
 * grafast's context callback and its claims become pgSettings (jwt.claims.org/sub/role),
 * which PostGraphile sets with set_config in a transaction around the query: PostGraphile's
 * documented way to pass the viewer to SQL. Nothing is downloaded or generated at run time
 * (no GraphiQL assets are served: graphiql off). PostGraphile 5 wants Node 22; see
 * promise-with-resolvers.ts for the one shim it needs on Node 20.
 *
 * Env: DATABASE_URL, PORT (0 = any), AUTH_JWT_SECRET, DB_POOL_SIZE (default 10, the hub's).
 * Prints one JSON line {"msg":"listening","url":…} when ready; SIGTERM stops it.
 */
import './promise-with-resolvers';
import { createServer } from 'node:http';
import { jwtVerify } from 'jose';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET ?? '');

interface Claims {
  sub?: string;
  role?: string;
  org?: string;
}

async function claimsOf(authorization: string | undefined): Promise<Claims | null> {
  if (!authorization?.startsWith('Bearer ')) return null;
  try {
    return (await jwtVerify(authorization.slice(7), secret, { algorithms: ['HS256'] })).payload;
  } catch {
    return null;
  }
}

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['bench_peer'],
      poolConfig: { max: Number(process.env.DB_POOL_SIZE ?? 10) },
    }),
  ],
  grafserv: { graphqlPath: '/graphql', graphiql: false, websockets: false },
  grafast: {
    explain: false,
    async context(requestContext) {
      const claims = await claimsOf(requestContext.http?.getHeader('authorization'));
      if (!claims?.org || !claims.sub || !claims.role) return { pgSettings: {} };
      return {
        pgSettings: {
          'jwt.claims.org': claims.org,
          'jwt.claims.sub': claims.sub,
          'jwt.claims.role': claims.role,
        },
      };
    },
  },
};

async function main(): Promise<void> {
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server);
  await pgl.getSchema(); // introspect before announcing readiness
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
  });
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void Promise.resolve(pgl.release()).then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
