/**
 * Apollo plugins for the operational view of each GraphQL request: one structured log line
 * (operation name and type, duration, error codes; never variables or results) and the
 * operation counter in /metrics.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export function observabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      const started = process.hrtime.bigint();
      return Promise.resolve({
        willSendResponse({ contextValue, operation, operationName, errors }) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          const type = operation?.operation ?? 'unknown';
          const codes = (errors ?? []).map((e) =>
            typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR',
          );
          metrics.graphqlOperations.inc({ type, outcome: codes.length ? 'error' : 'ok' });
          const log = contextValue?.logger ?? logger;
          log.info(
            {
              operationName,
              type,
              durationMs: Math.round(durationMs * 10) / 10,
              errorCodes: codes,
            },
            'graphql',
          );
          return Promise.resolve();
        },
      });
    },
  };
}
