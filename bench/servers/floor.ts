/**
 * The floor: the least a server can do to answer the caseload query with the hub's policy.
 * A bare node:http server, a pg pool, the JWT verified with jose (HS256, as the hub does),
 * and ONE hand-written SQL statement (bench/sql/floor-caseload.sql) that returns the
 * complete response body, access-log rows included. No GraphQL: it serves this one query
 * and reads only `variables.jobCentreId` and `operationName` from the request body.
 *
 * Env: DATABASE_URL, PORT (0 = any), AUTH_JWT_SECRET, DB_POOL_SIZE (default 10, the hub's).
 * Prints one JSON line {"msg":"listening","url":…} when ready; SIGTERM stops it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { Pool } from 'pg';

const SQL = readFileSync(join(__dirname, '..', 'sql', 'floor-caseload.sql'), 'utf8');
const PAGE_SIZE = 50;

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
});
const secret = new TextEncoder().encode(process.env.AUTH_JWT_SECRET ?? '');

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function error(code: string, message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }], data: null });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Claims {
  sub?: string;
  role?: string;
  org?: string;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, '{}');
  const auth = req.headers.authorization ?? '';
  let claims: Claims;
  try {
    claims = (await jwtVerify(auth.replace(/^Bearer /, ''), secret, { algorithms: ['HS256'] }))
      .payload;
  } catch {
    return send(res, 200, error('UNAUTHENTICATED', 'Invalid or missing token'));
  }
  if (claims.role !== 'JOB_CENTRE_COACH' || !claims.org || !claims.sub)
    return send(res, 200, error('FORBIDDEN', 'Not available to your role'));
  const body = JSON.parse(await readBody(req)) as {
    operationName?: string;
    variables?: { jobCentreId?: string };
  };
  const { rows } = await pool.query<{ body: string }>(SQL, [
    claims.org,
    randomUUID(),
    claims.sub,
    body.variables?.jobCentreId ?? claims.org,
    PAGE_SIZE,
    body.operationName ?? 'anonymous',
  ]);
  send(res, 200, rows[0].body);
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => send(res, 500, error('INTERNAL_SERVER_ERROR', 'failed')));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
