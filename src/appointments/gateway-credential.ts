/**
 * Only the gateway may call the federation entry points. `_entities` takes representations
 * the caller makes up and `_service` hands out the SDL; a user who reached the subgraph
 * directly must not use either. The gateway proves itself with the shared secret in the
 * `x-gateway-secret` header (the hub uses the same header). Without a configured secret
 * nobody is the gateway: the entry points are off.
 */
import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ForbiddenError } from '../errors';
import { gatewayTrust } from '../services/federation/gateway-trust';

export { GATEWAY_SECRET_HEADER } from '../services/federation/gateway-trust';

/** The root fields only the gateway may select. */
export const GATEWAY_ONLY_FIELDS = ['_entities', '_service'] as const;

/**
 * Whether `presented` (a header value) is the configured secret: the hub's own check
 * (constant-time), with an empty secret meaning none.
 */
export function gatewayCredential(secret: string | undefined): (presented: unknown) => boolean {
  const trust = gatewayTrust(secret || undefined);
  return (presented) => trust.isGateway(presented);
}

export interface GatewayAware {
  /** Set once per request from the header, before any resolver runs. */
  fromGateway: boolean;
}

/**
 * Wraps the resolvers of `_entities` and `_service` in the built schema so that they refuse
 * a caller that is not the gateway. Wrapping the field itself (rather than inspecting the
 * document) also covers aliases and fragments.
 */
export function guardGatewayFields(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  if (!(query instanceof GraphQLObjectType)) throw new Error('the subgraph has no Query type');
  for (const name of GATEWAY_ONLY_FIELDS) {
    const field = query.getFields()[name];
    if (!field) throw new Error(`the subgraph schema has no ${name}`);
    const inner = field.resolve as GraphQLFieldResolver<unknown, GatewayAware> | undefined;
    if (!inner) throw new Error(`${name} has no resolver`);
    field.resolve = (source: unknown, args: unknown, context: GatewayAware, info) => {
      if (!context.fromGateway)
        throw new ForbiddenError(`${name} answers only the federation gateway`);
      return inner(source, args, context, info);
    };
  }
  return schema;
}
