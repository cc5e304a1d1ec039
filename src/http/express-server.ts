/**
 * An `http.Server` for an Express app whose requests and responses are born with the app's
 * own prototypes, so Express never has to change an object's prototype per request.
 *
 * Why: Express 5 turns every request and response into its own kind with
 * `Object.setPrototypeOf(req, app.request)` (and the same for `res`). On Node 20's V8 an
 * object whose prototype was changed keeps everything it reaches alive through the next two
 * young-generation collections: each request's whole graph (router closures, the GraphQL
 * context, its rows and results) was copied and then promoted to the old generation, only
 * to be collected by the next full collection. Measured with `--trace-gc-nvp` on a bare
 * Express app answering `POST /graphql` at one connection: 19 MB of each 58 MB young
 * generation survived and all of it was promoted, against under 1 KB when the objects are
 * constructed with the right prototype (and the app answered 2.3 times as many requests);
 * on the hub the caseload page promoted about 8.5 MB per scavenge (bench/RESULTS.md).
 *
 * How: Node's server takes the classes it constructs requests and responses with
 * (`IncomingMessage` / `ServerResponse` options). The classes here extend Node's, and their
 * prototypes take the place of `app.request` / `app.response`: they inherit Express's
 * request and response methods and carry the same own properties (`app`). Express's
 * `setPrototypeOf` then finds the prototype already set, which V8 treats as a no-op.
 */
import http from 'node:http';
import type { Express } from 'express';

/** Gives `proto` what Express's `app.request` or `app.response` has, and puts it in its place. */
function adopt(app: Express, key: 'request' | 'response', proto: object): void {
  const current = app[key] as object;
  Object.setPrototypeOf(proto, Object.getPrototypeOf(current) as object);
  for (const name of Reflect.ownKeys(current)) {
    const descriptor = Object.getOwnPropertyDescriptor(current, name);
    if (descriptor) Object.defineProperty(proto, name, descriptor);
  }
  (app as unknown as Record<string, object>)[key] = proto;
}

export function createExpressServer(app: Express): http.Server {
  class ExpressRequest extends http.IncomingMessage {}
  class ExpressResponse extends http.ServerResponse<ExpressRequest> {}
  adopt(app, 'request', ExpressRequest.prototype);
  adopt(app, 'response', ExpressResponse.prototype);
  return http.createServer(
    { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse },
    app,
  );
}
