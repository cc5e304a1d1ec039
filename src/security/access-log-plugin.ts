import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import type { Logger } from '../observability/logger';
import { ACCESS_LOG_UNAVAILABLE, flushReads } from '../services/access-log/access-log';

/**
 * Over HTTP: the reads an operation made go into the access log before its response is
 * sent; if that fails, the response is replaced by an error and no data leaves. Requests
 * that finish together share one INSERT with each other and with subscription deliveries
 * (the hub's one batched writer, `services.accessLogWriter`: each waits for the commit of
 * the statement that holds its rows), so under load the log costs a statement per batch
 * rather than one per request.
 */
export function accessLogPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue, response, operationName }) {
          if (!contextValue?.access) return;
          try {
            await flushReads(
              contextValue.services.dataSource,
              contextValue.access,
              operationName ?? 'anonymous',
              contextValue.services.accessLogWriter,
            );
          } catch (err) {
            const errorId = randomUUID();
            logger.error(
              { err, errorId, requestId: contextValue.requestId },
              'access log write failed',
            );
            response.http.status = 500;
            response.body = {
              kind: 'single',
              singleResult: {
                errors: [
                  {
                    message: ACCESS_LOG_UNAVAILABLE,
                    extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
                  },
                ],
              },
            };
          }
        },
      });
    },
  };
}
