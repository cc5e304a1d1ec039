/**
 * GraphQL over WebSocket (graphql-ws, protocol graphql-transport-ws) on the same
 * http.Server and the same schema as HTTP. The token is checked once in connection_init:
 * a bad token closes the socket with 4403; no token connects anonymously (public fields only).
 * Errors are masked by the same formatError as on HTTP.
 *
 * Event subscriptions are served by cohorts (src/events/cohorts/): graphql-ws runs only
 * the first half of a subscription here (createSourceEventStream: the policy check, the
 * cursor, registration), and onOperation hands the event stream to the cohort of its
 * document, variables and permissions, which executes and serialises each live event once
 * and writes it to every member's socket under the member's subscription id.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  createSourceEventStream,
  execute,
  GraphQLError,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type subscribe,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { limitErrors, type QueryLimits } from './security/query-limits';
import type { Authenticator } from './auth/authenticate';
import type { Viewer } from './auth/viewer';
import { createContext, purposeFrom, type Context, type Services } from './context';
import { ACCESS_LOG_UNAVAILABLE, flushReads } from './services/access-log/access-log';
import { CohortRegistry } from './events/cohorts/registry';
import { formatError } from './errors';
import { GATEWAY_SECRET_HEADER } from './services/federation/gateway-trust';
import { documentForSubscribe, PlainDocuments } from './services/documents';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { tracedWsRun, withWsTraceParent } from './observability/tracing';

type ConnectionState = {
  viewer?: Viewer;
  /** The federation gateway proved itself in connection_init (or on the upgrade request). */
  gateway?: boolean;
  connectionId?: string;
};

export interface WsDeps {
  schema: GraphQLSchema;
  limits: QueryLimits;
  production: boolean;
  services: Services;
  authenticate: Authenticator;
  logger: Logger;
  metrics: Metrics;
}

export function attachGraphQLWebSocket(httpServer: Server, deps: WsDeps): Disposable {
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  wss.on('connection', (socket) => {
    deps.metrics.wsConnections.inc();
    socket.once('close', () => deps.metrics.wsConnections.dec());
  });
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((e) =>
      formatError(deps.logger, e.toJSON(), e, { hideSuggestions: deps.production }),
    );
  // The same rules as Apollo applies over HTTP; in production no introspection either.
  const rules = deps.production
    ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
    : specifiedRules;
  // Plain documents parsed and validated once per text (a reconnect storm sends the same few).
  const plainDocuments = new PlainDocuments(deps.schema, rules, deps.limits.maxTokens);
  const cohorts = new CohortRegistry({
    schema: deps.schema,
    services: deps.services,
    logger: deps.logger,
    metrics: deps.metrics,
    format,
    accessLog: deps.services.accessLogWriter,
  });
  // The first half of graphql-js `subscribe`: the event stream, or the errors that refuse it.
  // Typed as `subscribe`'s result: onOperation replaces a stream before graphql-ws reads it.
  const sourceStream = (args: ExecutionArgs) =>
    createSourceEventStream(args) as ReturnType<typeof subscribe>;

  const server = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: 3000,
      onConnect: async (ctx) => {
        ctx.extra.connectionId = randomUUID();
        try {
          // GraphiQL-style clients send their headers as connectionParams: accept either case.
          const params = ctx.connectionParams ?? {};
          // A gateway such as Apollo Router sends the user's token as a header on the
          // upgrade request rather than in connection_init: take it from there if absent.
          ctx.extra.viewer = await deps.authenticate(
            params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization,
          );
          ctx.extra.gateway = deps.services.gatewayTrust.isGateway(
            params[GATEWAY_SECRET_HEADER] ?? ctx.extra.request.headers[GATEWAY_SECRET_HEADER],
          );
          return true;
        } catch {
          deps.logger.info(
            { connectionId: ctx.extra.connectionId },
            'graphql-ws connection refused: bad token',
          );
          return false; // graphql-ws closes with 4403 Forbidden
        }
      },
      context: (ctx, id) =>
        withWsTraceParent(
          createContext(
            deps.services,
            ctx.extra.viewer ?? { kind: 'anonymous' },
            `${ctx.extra.connectionId ?? 'ws'}:${id}`,
            deps.logger,
            purposeFrom(ctx.connectionParams?.purpose),
            ctx.extra.gateway === true,
          ),
          ctx.connectionParams,
          ctx.extra.request.headers,
        ),
      // Each operation in a span when tracing is on (undefined, graphql-js directly, when off).
      execute: tracedWsRun(execute),
      subscribe: tracedWsRun(sourceStream) ?? sourceStream,
      // An event stream goes to its cohort; anything else is executed per event as
      // graphql-js `subscribe` would (no other subscription field exists today).
      onOperation: (ctx, id, _payload, args, result) => {
        if (CohortRegistry.serves(result))
          return cohorts.join({ socket: ctx.extra.socket, id, args, source: result });
        if (isAsyncIterable(result)) return executeEach(result, args);
        return undefined;
      },
      // Parse and validate here rather than in graphql-ws: its default turns a syntax error
      // into a 4500 close with the message as reason; this way it is an error message
      // formatted like on HTTP, and the same validation rules apply to both transports.
      onSubscribe: async (ctx, _id, payload) => {
        // Trusted documents: a registered id comes back parsed and validated; a refusal
        // (unknown id, a plain document under TRUSTED_DOCUMENTS=require) as errors.
        const trusted = await documentForSubscribe(
          deps.services.trustedDocuments,
          payload,
          ctx.extra.viewer,
          ctx.extra.gateway === true,
          deps.schema,
          rules,
          deps.limits.maxTokens,
        );
        if (trusted.errors) return [...trusted.errors];
        const prepared = trusted.document
          ? { document: trusted.document, errors: [] }
          : plainDocuments.prepare(payload.query);
        if (!prepared.document) return [...prepared.errors];
        const document = prepared.document;
        const tooComplex = limitErrors(
          deps.schema,
          document,
          payload.variables,
          payload.operationName,
          deps.limits,
        );
        if (tooComplex.length > 0) return tooComplex;
        return {
          schema: deps.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
        };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      // Each result's reads go into the access log before it is sent; if that fails, the
      // result is withheld.
      onNext: async (_ctx, _id, payload, args, result) => {
        const context = args.contextValue as Context;
        try {
          const operation = getOperationAST(args.document, payload.operationName)?.name?.value;
          await flushReads(context.services.dataSource, context.access, operation ?? 'anonymous');
        } catch (err) {
          const errorId = randomUUID();
          deps.logger.error({ err, errorId }, 'access log write failed');
          return {
            errors: [
              {
                message: ACCESS_LOG_UNAVAILABLE,
                extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
              },
            ],
          };
        }
        return result.errors ? { ...result, errors: format(result.errors) } : undefined;
      },
    },
    wss,
  );
  return {
    // The access-log rows still pending are written by the hub's stop (src/server.ts).
    dispose: () => server.dispose(),
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof (Object(value) as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

async function* executeEach(
  stream: AsyncIterable<unknown>,
  args: ExecutionArgs,
): AsyncGenerator<Awaited<ReturnType<typeof execute>>> {
  for await (const rootValue of stream) yield await execute({ ...args, rootValue });
}
