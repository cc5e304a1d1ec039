/**
 * The hub as an Apollo Federation 2 subgraph. type-graphql builds the schema from the
 * classes (with their `@key` and `@shareable` directives); its SDL, printed with those
 * directives and prefixed with the federation `@link`, is rebuilt by `@apollo/subgraph`
 * with type-graphql's resolvers, which adds `_service`, `_entities`, `_Any` and `_Entity`.
 *
 * `_entities` and `_service` answer only the gateway (the policy table's `gateway` rule,
 * from Context.gateway); every entity has
 * its reference resolver (entity-references.ts), and a read through `_entities` is written
 * to the access log with `via = entities`.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  GraphQLObjectType,
  parse,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { createResolversMap } from 'type-graphql';
import type { Context } from '../../context';
import { entityReferenceResolvers } from './entity-references';

/** The federation version and the directives the hub's classes use. */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** The entity types: object types carrying `@key`. */
function entityTypeNames(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => t instanceof GraphQLObjectType)
    .filter((t) => t.astNode?.directives?.some((d) => d.name.value === 'key'))
    .map((t) => t.name)
    .sort();
}

/**
 * Everything an `_entities` operation reads came by that path. (Who may call it is the
 * policy table's `gateway` rule, applied by the root-field guard around this.)
 */
function markedAsEntityPath(resolve: GraphQLFieldResolver<unknown, Context>) {
  return (root: unknown, args: unknown, ctx: Context, info: Parameters<typeof resolve>[3]) => {
    ctx.access.via = 'entities';
    return resolve(root, args, ctx, info);
  };
}

export function buildSubgraph(typeGraphqlSchema: GraphQLSchema): GraphQLSchema {
  const entities = entityTypeNames(typeGraphqlSchema);
  const unresolved = entities.filter((name) => !(name in entityReferenceResolvers));
  if (unresolved.length)
    throw new Error(`entity types without a reference resolver: ${unresolved.join(', ')}`);

  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, object>;
  for (const name of entities)
    resolvers[name] = { ...resolvers[name], __resolveReference: entityReferenceResolvers[name] };
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`);
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });

  // Read before any wrapper is put around it: `_service` has no inputs.
  const serviceField = schema.getQueryType()?.getFields()._service;
  const service = serviceField?.resolve?.(undefined, {}, undefined, undefined as never) as
    { sdl: string } | undefined;
  if (service) subgraphSdl.set(schema, service.sdl);

  const entitiesField = schema.getQueryType()?.getFields()._entities;
  if (entitiesField)
    entitiesField.resolve = markedAsEntityPath(entitiesField.resolve ?? defaultFieldResolver);
  return schema;
}

const subgraphSdl = new WeakMap<GraphQLSchema, string>();

/** The SDL a gateway composes: exactly what `_service { sdl }` returns. */
export function printSubgraph(schema: GraphQLSchema): string {
  const sdl = subgraphSdl.get(schema);
  if (sdl === undefined) throw new Error('not a schema built by buildSubgraph');
  return sdl;
}
