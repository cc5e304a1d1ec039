/**
 * Apollo Server for GraphQL over HTTP, on the schema graphql-ws also serves. Its drain
 * order on stop: WebSockets first (closed with 1001), then in-flight HTTP requests.
 */
import type http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Disposable } from 'graphql-ws';
import type { Config } from '../config';
import type { Context } from '../context';
import { formatError } from '../errors';
import { compiledGateway } from './compiled-execution';
import { installLeanGatewayContext } from './gateway-request-context';
import { observabilityPlugin } from '../observability/apollo-plugins';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { graphqlTracingPlugins } from '../observability/tracing';
import { accessLogPlugin } from '../security/access-log-plugin';
import { sourceDetailsPlugin } from '../services/persons/source-details';
import { queryLimitsPlugin } from '../security/query-limits-plugin';

export interface ApolloDeps {
  schema: GraphQLSchema;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  httpServer: http.Server;
  /** The graphql-ws server on the same http.Server, disposed first when draining. */
  ws: Disposable;
}

export function createApollo({
  schema,
  config,
  logger,
  metrics,
  httpServer,
  ws,
}: ApolloDeps): ApolloServer<Context> {
  // Apollo's per-operation gateway context, without its per-request accessors
  // (gateway-request-context.ts); when this Apollo has no such function, its own is kept.
  if (!installLeanGatewayContext())
    logger.info("gateway request context: Apollo's own builder kept (not found to replace)");
  return new ApolloServer<Context>({
    // The schema with an executor that runs queries compiled (compiled-execution.ts).
    gateway: compiledGateway(schema),
    includeStacktraceInErrorResponses: false,
    introspection: !config.isProduction,
    // Batched HTTP requests stay off (Apollo's default): one operation per request.
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: their cache would let any client register any
    // document. Ids run registered documents only (src/services/documents/).
    persistedQueries: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    formatError: (formatted, error) =>
      formatError(logger, formatted, error, { hideSuggestions: config.isProduction }),
    plugins: [
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await ws.dispose();
            },
          }),
      },
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.shutdownGraceMs,
      }),
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used (answers are never cacheable), and the default cache
      // control plugin would wrap every field resolver to collect them.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo turns inline tracing on for a federated subgraph: any caller sending
      // `apollo-federation-include-trace` would get per-field timings back. Traces are the
      // operator's (OpenTelemetry), never the caller's.
      ApolloServerPluginInlineTraceDisabled(),
      observabilityPlugin(logger, metrics),
      ...graphqlTracingPlugins<Context>(),
      queryLimitsPlugin(config.queryLimits),
      // Sources read the per-case lists only when the operation selects them.
      sourceDetailsPlugin(),
      accessLogPlugin(logger),
    ],
  });
}
