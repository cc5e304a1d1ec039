/**
 * Builds the executable schema (type-graphql) and prints the SDL that is committed as
 * schema.graphql. One schema object serves HTTP and WebSocket alike.
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { resolvers } from './resolvers';
import { policyGuard } from './resolvers/middleware/policy-guard';

export function buildHubSchema(): GraphQLSchema {
  return buildSchemaSync({
    resolvers,
    globalMiddlewares: [policyGuard],
    // Input is validated by the services with errors that name the field (BAD_USER_INPUT).
    validate: false,
  });
}

/** The SDL as committed: sorted, so the file changes only when the schema does. */
export function printHubSchema(schema: GraphQLSchema = buildHubSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
