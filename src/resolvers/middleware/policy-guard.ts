import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { mayCallRootField, type Caller } from '../../auth/policy';
import { OPERATION_ROLES } from '../../auth/policy-table';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { ForbiddenError, UnauthenticatedError } from '../../errors';

/** Throws UNAUTHENTICATED or FORBIDDEN unless the policy table lets the viewer call the field. */
export function assertMayCall(
  viewer: Viewer,
  parentType: string,
  fieldName: string,
  caller?: Caller,
): void {
  const decision = mayCallRootField(viewer, parentType, fieldName, caller);
  if (decision.allowed) return;
  if (decision.reason === 'UNAUTHENTICATED') throw new UnauthenticatedError();
  if (OPERATION_ROLES[`${parentType}.${fieldName}`] === 'gateway')
    throw new ForbiddenError(`${fieldName} answers only the federation gateway`, {
      requires: 'gateway-credential',
    });
  throw new ForbiddenError();
}

/**
 * Puts the policy in front of every root field of the built schema, so a new operation is
 * closed unless the policy table lists who may call it. Done on the schema rather than as
 * a type-graphql global middleware: a global middleware wraps every field of every type in
 * an async chain, which made each of a caseload's thousands of plain fields a promise.
 * A subscription's `subscribe` runs before any resolver: subscriptions call `assertMayCall`
 * there too, so a refused subscriber is never registered.
 */
export function guardRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context: Context, info) => {
        assertMayCall(context.viewer, type.name, field.name, context);
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}
