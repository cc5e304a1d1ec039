/**
 * The gateway request context without per-request accessors
 * (src/hub/gateway-request-context.ts): it takes Apollo's place, builds the same object as
 * Apollo's own function (every field, the headers adapter, `status` read and written through
 * to Apollo's response), keeps `status` off the object itself, and is what a real Apollo
 * server hands its gateway executor.
 */
import { ApolloServer } from '@apollo/server';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { buildSchema, execute, parse, print } from 'graphql';
import {
  gatewayContextBuilders,
  installLeanGatewayContext,
} from '../../src/hub/gateway-request-context';

type Built = {
  request: {
    http?: { headers: { get(n: string): string | null; set(n: string, v: string): void } };
  };
  response: {
    http: {
      status?: number;
      headers: { get(n: string): string | null; append(n: string, v: string): void };
    };
  };
  [field: string]: unknown;
};

function requestContext() {
  return {
    request: {
      query: '{ a }',
      operationName: 'A',
      variables: { x: 1 },
      extensions: { e: true },
      http: { method: 'POST', search: 'q=1', headers: new Map([['x-a', '1']]) },
    },
    response: {
      http: { headers: new Map([['x-b', '2']]), status: undefined as number | undefined },
    },
    schema: { s: 1 },
    contextValue: { c: 1 },
    queryHash: 'hash',
    document: { d: 1 },
    source: '{ a }',
    operationName: 'A',
    operation: { o: 1 },
    errors: undefined,
    metrics: { m: 1 },
    overallCachePolicy: { p: 1 },
    requestIsBatched: false,
  };
}
const server = { logger: { l: 1 }, cache: { k: 1 } };
const internals = { includeStacktraceInErrorResponses: false };

beforeAll(() => {
  expect(installLeanGatewayContext()).toBe(true);
});

test('installs once, in Apollo’s place', () => {
  const { apollo, current } = gatewayContextBuilders();
  expect(apollo).toBeInstanceOf(Function);
  expect(current).not.toBe(apollo);
  expect(installLeanGatewayContext()).toBe(true);
  expect(gatewayContextBuilders().current).toBe(current);
});

test('builds the same object as Apollo’s, with status on the prototype', () => {
  const { apollo, current } = gatewayContextBuilders();
  const theirs = apollo!(requestContext(), server, internals) as Built;
  const rc = requestContext();
  const ours = current!(rc, server, internals) as Built;
  // Every field the same (accessors read as values).
  expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(theirs)));
  expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
  expect(ours.request.http!.headers.constructor).toBe(theirs.request.http!.headers.constructor);
  expect(ours.response.http.headers.constructor).toBe(theirs.response.http.headers.constructor);
  expect(ours.context).toBe(rc.contextValue);
  // Apollo's own has status as the object's accessor; ours has none of its own.
  expect(typeof Object.getOwnPropertyDescriptor(theirs.response.http, 'status')?.get).toBe(
    'function',
  );
  expect(Object.getOwnPropertyDescriptor(ours.response.http, 'status')).toBeUndefined();
  // Read and written through to Apollo's response, headers on Apollo's map.
  ours.response.http.status = 418;
  expect(rc.response.http.status).toBe(418);
  rc.response.http.status = 200;
  expect(ours.response.http.status).toBe(200);
  ours.response.http.headers.append('x-b', '3');
  expect(rc.response.http.headers.get('x-b')).toBe('2, 3');
  expect(ours.request.http!.headers.get('x-a')).toBe('1');
});

test('fields absent from the request stay absent, as in Apollo’s', () => {
  const { apollo, current } = gatewayContextBuilders();
  const bare = () => ({ request: {}, response: { http: { headers: new Map() } } });
  const theirs = apollo!(bare(), server, internals) as Built;
  const ours = current!(bare(), server, internals) as Built;
  expect(Object.keys(ours.request)).toEqual([]);
  expect(Object.keys(theirs.request)).toEqual([]);
});

test('a real Apollo server hands its gateway executor the lean context', async () => {
  const schema = buildSchema('type Query { hello: String }');
  const seen: Built[] = [];
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () =>
      Promise.resolve({
        executor: async (rc) => {
          seen.push(rc as unknown as Built);
          if (rc.response?.http) rc.response.http.status = 203;
          return execute({ schema, document: rc.document, rootValue: { hello: 'hi' } });
        },
      }),
    stop: () => Promise.resolve(),
  };
  const apollo = new ApolloServer({ gateway });
  await apollo.start();
  try {
    const res = await apollo.executeOperation({ query: '{ hello }' });
    expect(res.body).toEqual({ kind: 'single', singleResult: { data: { hello: 'hi' } } });
    expect(res.http.status).toBe(203);
    expect(seen).toHaveLength(1);
    expect(Object.getOwnPropertyDescriptor(seen[0].response.http, 'status')).toBeUndefined();
    expect(print(seen[0].document as never)).toBe(print(parse('{ hello }')));
  } finally {
    await apollo.stop();
  }
});
