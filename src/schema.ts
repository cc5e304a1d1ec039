/**
 * Builds the executable schema (type-graphql) and prints the SDL that is committed as
 * schema.graphql. One schema object serves HTTP and WebSocket alike.
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { resolvers } from './resolvers';
import { buildSubgraph, printSubgraph } from './resolvers/federation/subgraph-schema';
import { leanFieldResolvers } from './resolvers/middleware/lean-fields';
import { guardRootFields } from './resolvers/middleware/policy-guard';

/**
 * type-graphql insists on a PubSub, but every subscription here has its own `subscribe`
 * over the event log (replay + live), so topics are never used: fail loudly if one is.
 */
const noTopics: PubSub = {
  publish: () => {
    throw new Error('topic PubSub is not used: subscriptions read the event log');
  },
  subscribe: () => {
    throw new Error('topic PubSub is not used: subscriptions read the event log');
  },
};

/**
 * The schema the hub serves: the type-graphql classes as a Federation 2 subgraph (so a
 * gateway can compose it, and `_entities`/`_service` answer the gateway only), with the
 * policy in front of every root field, and lean resolvers for the fields that need no
 * wrapper (lean-fields.ts).
 */
export function buildHubSchema(): GraphQLSchema {
  const schema = buildSchemaSync({
    resolvers,
    pubSub: noTopics,
    // Input is validated by the services with errors that name the field (BAD_USER_INPUT).
    validate: false,
  });
  return guardRootFields(leanFieldResolvers(buildSubgraph(schema)));
}

/** The SDL as committed: sorted, so the file changes only when the schema does. */
export function printHubSchema(schema: GraphQLSchema = buildHubSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}

/** The subgraph SDL as committed in subgraph.graphql, and as `_service { sdl }` returns it. */
export function printHubSubgraph(schema: GraphQLSchema = buildHubSchema()): string {
  return printSubgraph(schema);
}
