import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { limitErrors, type QueryLimits } from './query-limits';

/**
 * Applies the query limits over HTTP after validation and before execution (Apollo's
 * validationRules cannot see variables, and cost depends on them).
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<Context> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ schema, document, request }) {
          const errors = limitErrors(
            schema,
            document,
            request.variables,
            request.operationName,
            limits,
          );
          if (errors.length > 0) throw errors[0];
          return Promise.resolve();
        },
      });
    },
  };
}
