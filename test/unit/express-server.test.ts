/**
 * The hub's Express server constructs requests and responses with the app's own prototypes
 * (src/http/express-server.ts), so Express's per-request `setPrototypeOf` changes nothing:
 * checked by looking at each object before Express sees it. And the app behaves as an
 * Express app must: its request and response helpers, `req.app`, body parsing, locals, the
 * error path, and a second app on its own server keeping its own prototypes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createExpressServer } from '../../src/http/express-server';

interface Running {
  app: express.Express;
  server: http.Server;
  base: string;
  /** Per request, before Express: were req and res already of the app's kind? */
  born: { req: boolean; res: boolean; ctor: unknown }[];
}

async function start(name: string): Promise<Running> {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.locals.seen = req.get('x-test');
    res.status(201).json({
      app: req.app === app,
      name,
      body: req.body as unknown,
      query: req.query,
      header: res.locals.seen as unknown,
      ip: typeof req.ip,
    });
  });
  app.get('/fail', () => {
    throw new Error('boom');
  });
  app.use(
    (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: err.message });
    },
  );
  const server = createExpressServer(app);
  const born: Running['born'] = [];
  // Runs before Express's own listener, so it sees the objects as Node constructed them.
  server.prependListener('request', (req, res) => {
    born.push({
      req: Object.getPrototypeOf(req) === app.request,
      res: Object.getPrototypeOf(res) === app.response,
      ctor: req.constructor,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { app, server, base, born };
}

const running: Running[] = [];
afterAll(async () => {
  await Promise.all(
    running.map((r) => new Promise<void>((resolve) => r.server.close(() => resolve()))),
  );
});

async function echo(r: Running): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${r.base}/echo?x=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: JSON.stringify({ hello: 'world' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('requests and responses are constructed with the app prototypes', async () => {
  const r = await start('one');
  running.push(r);
  await echo(r);
  await echo(r);
  expect(r.born).toHaveLength(2);
  for (const b of r.born) {
    expect(b).toMatchObject({ req: true, res: true });
    // Node's own class would mean Express had to change the prototype afterwards.
    expect(b.ctor).not.toBe(http.IncomingMessage);
    expect(typeof b.ctor).toBe('function');
  }
  const req = Object.create(r.app.request) as express.Request;
  expect(req).toBeInstanceOf(http.IncomingMessage);
  expect(Object.create(r.app.response)).toBeInstanceOf(http.ServerResponse);
});

test('the app answers as an Express app: helpers, req.app, body, query, locals, errors', async () => {
  const r = await start('two');
  running.push(r);
  const { status, body } = await echo(r);
  expect(status).toBe(201);
  expect(body).toEqual({
    app: true,
    name: 'two',
    body: { hello: 'world' },
    query: { x: '1' },
    header: 'yes',
    ip: 'string',
  });
  const fail = await fetch(`${r.base}/fail`);
  expect(fail.status).toBe(500);
  expect(await fail.json()).toEqual({ error: 'boom' });
});

test('two apps keep their own prototypes', async () => {
  const [a, b] = await Promise.all([start('a'), start('b')]);
  running.push(a, b);
  expect(a.app.request).not.toBe(b.app.request);
  expect((await echo(a)).body).toMatchObject({ app: true, name: 'a' });
  expect((await echo(b)).body).toMatchObject({ app: true, name: 'b' });
  expect(a.born.every((x) => x.req && x.res)).toBe(true);
  expect(b.born.every((x) => x.req && x.res)).toBe(true);
});
