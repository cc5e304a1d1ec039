/**
 * Apollo Server builds, for every operation it hands to a gateway executor (ours is the
 * compiled executor, compiled-execution.ts), a request context whose `response.http` is an
 * object literal with its own `status` getter and setter closing over the operation's whole
 * request context. On Node 20's V8 an object literal with accessors made per request kept
 * each request's objects alive through the next young-generation collections: with the hub
 * answering `{ __typename }` at one connection, 5.5 MB of each 48 MB young generation
 * survived and was promoted, against 0.2 MB with the same object built from a class whose
 * accessors sit on its prototype (bench/RESULTS.md).
 *
 * Apollo has no option for this, and the function is internal: `@apollo/server` 5's
 * request pipeline calls `makeGatewayGraphQLRequestContext` through its CommonJS module's
 * exports on every operation, so replacing that export replaces it. `install` does so once,
 * with a function that builds the same object (the same fields, the same headers adapter,
 * `status` read and written through to Apollo's response) and says whether it could: when a
 * later Apollo moves or reshapes the function, the hub keeps Apollo's own (correct, slower)
 * and the test that checks `install` fails.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type HeaderMap = Map<string, string>;

interface NewRequestContext {
  request: {
    query?: string;
    operationName?: string;
    variables?: unknown;
    extensions?: unknown;
    http?: { method: string; search: string; headers: HeaderMap };
  };
  response: { http: { headers: HeaderMap; status?: number } };
  [field: string]: unknown;
}

type Make = (rc: NewRequestContext, server: ServerLike, internals: InternalsLike) => unknown;
interface ServerLike {
  logger: unknown;
  cache: unknown;
}
interface InternalsLike {
  includeStacktraceInErrorResponses: unknown;
}
interface GatewayContextModule {
  makeGatewayGraphQLRequestContext: Make;
}

/** Beside the package's CommonJS entry (dist/cjs/index.js). */
const MODULE = 'utils/makeGatewayGraphQLRequestContext.js';

/** Apollo's module, loaded from the same file its request pipeline loads. */
function apolloModule(): GatewayContextModule | undefined {
  try {
    const req = createRequire(__filename);
    const entry = req.resolve('@apollo/server');
    const mod = req(join(dirname(entry), MODULE)) as Partial<GatewayContextModule>;
    return typeof mod.makeGatewayGraphQLRequestContext === 'function'
      ? (mod as GatewayContextModule)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The response's `http` part: `status` lives on the prototype, not per object. */
class GatewayResponseHttp {
  // A private field: not enumerable, so the object shows the fields Apollo's shows.
  readonly #target: { status?: number };
  constructor(
    target: { status?: number },
    readonly headers: unknown,
  ) {
    this.#target = target;
  }
  get status(): number | undefined {
    return this.#target.status;
  }
  set status(value: number | undefined) {
    this.#target.status = value;
  }
}

/** Apollo's headers adapter class, taken from one object its own function builds. */
function headersAdapter(original: Make): (new (map: HeaderMap) => unknown) | undefined {
  const probe = original(
    { request: {}, response: { http: { headers: new Map() } } },
    { logger: undefined, cache: undefined },
    { includeStacktraceInErrorResponses: false },
  ) as { response?: { http?: { headers?: object } } };
  const headers = probe.response?.http?.headers;
  return headers ? (headers.constructor as new (map: HeaderMap) => unknown) : undefined;
}

function leanMake(Headers: new (map: HeaderMap) => unknown): Make {
  return (rc, server, internals) => {
    const source = rc.request;
    const request: Record<string, unknown> = {};
    if ('query' in source) request.query = source.query;
    if ('operationName' in source) request.operationName = source.operationName;
    if ('variables' in source) request.variables = source.variables;
    if ('extensions' in source) request.extensions = source.extensions;
    if (source.http) {
      const search = source.http.search;
      const question = search !== '' && !search.startsWith('?');
      request.http = {
        method: source.http.method,
        url: `https://unknown-url.invalid/${question ? '?' : ''}${search}`,
        headers: new Headers(source.http.headers),
      };
    }
    const http = rc.response.http;
    return {
      request,
      response: { http: new GatewayResponseHttp(http, new Headers(http.headers)) },
      logger: server.logger,
      schema: rc.schema,
      schemaHash: 'schemaHash no longer exists since Apollo Server 4',
      context: rc.contextValue,
      cache: server.cache,
      queryHash: rc.queryHash,
      document: rc.document,
      source: rc.source,
      operationName: rc.operationName,
      operation: rc.operation,
      errors: rc.errors,
      metrics: rc.metrics,
      debug: internals.includeStacktraceInErrorResponses,
      overallCachePolicy: rc.overallCachePolicy,
      requestIsBatched: rc.requestIsBatched,
    };
  };
}

let installed: Make | undefined;
let original: Make | undefined;

/** Puts the lean builder in Apollo's place; true when it is there (idempotent). */
export function installLeanGatewayContext(): boolean {
  const mod = apolloModule();
  if (!mod) return false;
  if (installed && mod.makeGatewayGraphQLRequestContext === installed) return true;
  const Headers = headersAdapter(mod.makeGatewayGraphQLRequestContext);
  if (!Headers) return false;
  original = mod.makeGatewayGraphQLRequestContext;
  installed = leanMake(Headers);
  mod.makeGatewayGraphQLRequestContext = installed;
  return true;
}

/** Apollo's own builder and the one in its place, once installed (for tests). */
export function gatewayContextBuilders(): { apollo?: Make; current?: Make } {
  return { apollo: original, current: apolloModule()?.makeGatewayGraphQLRequestContext };
}
