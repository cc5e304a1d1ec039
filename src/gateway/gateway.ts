/**
 * The federation gateway: Hive Gateway's runtime (`@graphql-hive/gateway-runtime`, MIT, on
 * npm, runs on Node 20) serving the composed supergraph at /graphql, over HTTP and over
 * graphql-ws. Queries and mutations go to the subgraphs over HTTP; subscriptions go to the
 * hub over graphql-ws, one upstream connection per user (the runtime keys its upstream
 * sockets by their connection parameters, and the user's token is one of them).
 *
 * What it sends upstream, on every request and every WebSocket:
 * - `x-gateway-secret`: the shared secret that lets a subgraph answer `_entities` and
 *   `_service` (on HTTP a header; on graphql-ws both a header on the upgrade request and a
 *   `connection_init` parameter, the two places the hub accepts it);
 * - `authorization`: the client's own header (or its `connectionParams.authorization` on
 *   graphql-ws), untouched: each subgraph verifies the user's token itself;
 * - `x-purpose` to the hub, for its access log (`purpose` in graphql-ws connectionParams,
 *   the name the hub reads there).
 * Nothing else from the client is forwarded, and the gateway itself decides nothing about
 * who may see what: that stays in the subgraphs.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createGatewayRuntime,
  getGraphQLWSOptions,
  type GatewayRuntime,
} from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import wsTransport from '@graphql-mesh/transport-ws';
import { parse } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { JwtVerifier } from '../auth/jwt-verifier';
import { GATEWAY_SECRET_HEADER } from '../services/federation/gateway-trust';
import type { TrustedDocumentsConfig } from '../services/documents';
import { servePlayground } from './playground';
import { APPOINTMENTS, HUB, SUPERGRAPH_FILE } from './supergraph';
import { hubDocumentSource, useTrustedDocuments } from './trusted-documents';

export { GATEWAY_SECRET_HEADER };

export interface GatewayOptions {
  /** The hub's GraphQL endpoint (HTTP; its graphql-ws endpoint is the same path). */
  hubUrl: string;
  /** The appointment booking subgraph's GraphQL endpoint. */
  appointmentsUrl: string;
  /** Sent as `x-gateway-secret` to both subgraphs (FEDERATION_GATEWAY_SECRET). */
  gatewaySecret: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** The supergraph SDL; default supergraph.graphql at the repository root. */
  supergraph?: string;
  /** Hive Gateway's own log level; it never logs below `warn` here (see below). */
  logLevel?: 'warn' | 'error' | 'silent';
  /** Production: introspection off. */
  production?: boolean;
  /**
   * TRUSTED_DOCUMENTS as on the hub, enforced here (the hub lets the gateway's own fetches
   * through): ids are looked up on the hub; exempt roles are read from tokens `verify`
   * accepts. Absent: `off`, every document runs as far as the subgraphs allow.
   */
  trustedDocuments?: { config: TrustedDocumentsConfig; verify: JwtVerifier };
}

export interface Gateway {
  /** e.g. http://127.0.0.1:4100/graphql (graphql-ws on the same URL with ws://) */
  url: string;
  stop(): Promise<void>;
}

function httpUrl(name: string, value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name} must be an http(s) URL`);
  return url.toString();
}

/**
 * The runtime's header values are templates (`{context.headers.authorization}`): a secret
 * with braces in it would be read as one, so such a secret is refused rather than mangled.
 */
function checkSecret(secret: string): string {
  if (!secret) throw new Error('the gateway secret is empty');
  if (/[{}]/.test(secret)) throw new Error('the gateway secret must not contain { or }');
  return secret;
}

/** The upgrade request as a Fetch Request: what the runtime expects as a WebSocket's request. */
function fetchRequestOf(runtime: GatewayRuntime, req: IncomingMessage): Request {
  const headers = new runtime.fetchAPI.Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return new runtime.fetchAPI.Request(
    `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    {
      headers,
    },
  );
}

/**
 * A graphql-ws client's connection parameters, which the runtime reads as request headers:
 * the hub's own clients send `authorization` (or `Authorization`) and `purpose` there, so
 * these are given the names the upstream templates use (`x-purpose` as on HTTP).
 */
function clientParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...params };
  const authorization = out.authorization ?? out.Authorization;
  if (typeof authorization === 'string') out.authorization = authorization;
  const purpose = out.purpose ?? out['x-purpose'];
  if (typeof purpose === 'string') out['x-purpose'] = purpose;
  return out;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const secret = checkSecret(options.gatewaySecret);
  const hubUrl = httpUrl('the hub URL', options.hubUrl);
  const appointmentsUrl = httpUrl('the appointments URL', options.appointmentsUrl);
  const supergraph = options.supergraph ?? readFileSync(SUPERGRAPH_FILE, 'utf8');
  const user = '{context.headers.authorization}';

  const runtime = createGatewayRuntime({
    supergraph: parse(supergraph),
    // Given explicitly rather than loaded by name at run time: one less dynamic import, and
    // the packages are plain dependencies in package.json.
    transports: { http: httpTransport, ws: wsTransport },
    transportEntries: {
      // `location` replaces the URL composed into supergraph.graphql.
      [HUB]: {
        location: hubUrl,
        headers: [
          [GATEWAY_SECRET_HEADER, secret],
          ['authorization', user],
          ['x-purpose', '{context.headers.x-purpose}'],
        ],
        options: {
          subscriptions: {
            kind: 'ws',
            // On the upgrade request; the hub also accepts it in connection_init.
            headers: [[GATEWAY_SECRET_HEADER, secret]],
            options: {
              // An upstream socket carries one user's token: close it as soon as that user's
              // last subscription ends (the runtime's default keeps it 3 s for reuse).
              lazyCloseTimeout: 0,
              connectionParams: {
                [GATEWAY_SECRET_HEADER]: secret,
                authorization: user,
                // The hub's graphql-ws name for it (x-purpose on HTTP).
                purpose: '{context.headers.x-purpose}',
              },
            },
          },
        },
      },
      [APPOINTMENTS]: {
        location: appointmentsUrl,
        headers: [
          [GATEWAY_SECRET_HEADER, secret],
          ['authorization', user],
        ],
      },
    },
    plugins: () =>
      options.trustedDocuments && options.trustedDocuments.config.mode !== 'off'
        ? [
            useTrustedDocuments({
              ...options.trustedDocuments,
              source: hubDocumentSource(hubUrl, secret, GATEWAY_SECRET_HEADER),
            }),
          ]
        : [],
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    // Yoga's GraphiQL and the landing page load their assets from a CDN: nothing may be
    // downloaded at run time. The gateway serves the hub's offline IDE instead (playground.ts).
    graphiql: false,
    landingPage: false,
    // No cross-origin browser access unless a deployment adds it deliberately.
    cors: false,
    disableIntrospection: options.production ? { disableIf: () => true } : undefined,
    // Below `warn` the runtime logs upstream connection parameters and headers: the user's
    // token and the gateway secret. Never lower it.
    logging: options.logLevel === 'silent' ? false : (options.logLevel ?? 'warn'),
  });

  // Load the supergraph now: the runtime would otherwise do it on the first HTTP request,
  // and a subscription arriving first over graphql-ws would find no schema. A supergraph
  // that does not load also stops the start here rather than failing every request.
  await runtime.getSchema();

  // The runtime is a request listener that answers with a promise node:http ignores.
  const server = createServer((req, res) => {
    // Outside production a browser's GET of /graphql gets the offline playground.
    if (!options.production && servePlayground(req, res)) return;
    void runtime(req, res);
  });
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  useServer(
    getGraphQLWSOptions<Record<string, unknown>, { request: IncomingMessage }>(runtime, (ctx) => ({
      req: ctx.extra.request,
      request: fetchRequestOf(runtime, ctx.extra.request),
      connectionParams: clientParams(ctx.connectionParams),
    })),
    wsServer,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    // Open subscriptions end with 1001 (going away): a client reconnects and resumes.
    for (const client of wsServer.clients) client.close(1001, 'Gateway stopping');
    await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    server.closeIdleConnections();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const force = setTimeout(() => server.closeAllConnections(), 2000);
    await closed;
    clearTimeout(force);
    // Closes the upstream HTTP agents and WebSockets.
    await runtime.dispose();
  }
  return { url, stop: () => (stopping ??= stop()) };
}
