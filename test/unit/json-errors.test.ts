/**
 * The final error handler on its own, for the errors the hub's routes cannot be made to
 * raise on demand: a fault thrown in a middleware (500 with an errorId that is in the log,
 * the stack only there), a library's client error with its own message (kept out), a bad
 * percent-encoding in a route parameter, a HEAD request, and an error after the answer
 * has begun (the connection is ended, nothing is appended).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { jsonErrorHandler } from '../../src/http/json-errors';
import { createLogger } from '../../src/observability/logger';

let server: http.Server;
let base: string;
const logs: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use((_req, res, next) => {
    res.locals.requestId = 'req-1';
    next();
  });
  app.get('/boom', () => {
    throw new Error('boom in /srv/app/src/secret.ts with 199001011234');
  });
  app.get('/library-404', (_req, _res, next) => {
    next(Object.assign(new Error('no such file /srv/app/node_modules/x.js:1'), { status: 404 }));
  });
  app.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get('/graphql', () => {
    throw new Error('boom');
  });
  app.get('/half', (_req, res, next) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    setTimeout(() => next(new Error('failed part-way')), 10);
  });
  app.use(
    jsonErrorHandler({
      logger: createLogger('info', { write: (line: string) => void logs.push(line) }),
      graphqlPath: '/graphql',
    }),
  );
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

test('a fault in a middleware is a 500 whose errorId leads to the logged stack', async () => {
  const res = await fetch(`${base}/boom`);
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  const text = await res.text();
  const body = JSON.parse(text) as {
    errors: { message: string; extensions: { code: string; errorId: string } }[];
  };
  expect(body.errors).toEqual([
    {
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) as string },
    },
  ]);
  for (const leak of ['boom', 'at ', '/src/', '.ts', '199001011234']) {
    expect(text).not.toContain(leak);
  }
  const line = logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.errorId === body.errors[0].extensions.errorId);
  expect(line).toMatchObject({ level: 50, requestId: 'req-1', msg: 'request failed' });
  expect((line?.err as { stack: string }).stack).toContain('boom');
});

test("a library's client error keeps its status, not its message", async () => {
  const res = await fetch(`${base}/library-404`);
  expect(res.status).toBe(404);
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({
    errors: [{ message: 'Not Found', extensions: { code: 'NOT_FOUND' } }],
  });
  expect(text).not.toContain('node_modules');
});

test('a route parameter that is not valid percent-encoding is a 400 in JSON', async () => {
  const res = await fetch(`${base}/items/%E0%A4%A`);
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    errors: [{ message: 'Bad Request', extensions: { code: 'BAD_REQUEST' } }],
  });
});

test('under the GraphQL path the media type is negotiated; HEAD gets no body', async () => {
  const res = await fetch(`${base}/graphql`, {
    headers: { accept: 'application/graphql-response+json' },
  });
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
  const head = await fetch(`${base}/boom`, { method: 'HEAD' });
  expect(head.status).toBe(500);
  expect(await head.text()).toBe('');
});

test('an error after the answer has begun ends the connection and appends nothing', async () => {
  const received = await new Promise<{ text: string; error?: string }>((resolve) => {
    let text = '';
    http
      .get(`${base}/half`, (res) => {
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ text }));
        res.on('error', (e) => resolve({ text, error: e.message }));
        res.on('aborted', () => resolve({ text, error: 'aborted' }));
      })
      .on('error', (e) => resolve({ text, error: e.message }));
  });
  expect(received.text).toBe('partial');
  expect(received.error).toBeDefined();
});
