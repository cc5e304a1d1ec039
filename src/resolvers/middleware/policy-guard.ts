import type { MiddlewareFn } from 'type-graphql';
import { mayCallRootField } from '../../auth/policy';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { ForbiddenError, UnauthenticatedError } from '../../errors';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Throws UNAUTHENTICATED or FORBIDDEN unless the policy table lets the viewer call the field. */
export function assertMayCall(viewer: Viewer, parentType: string, fieldName: string): void {
  const decision = mayCallRootField(viewer, parentType, fieldName);
  if (!decision.allowed) {
    throw decision.reason === 'UNAUTHENTICATED' ? new UnauthenticatedError() : new ForbiddenError();
  }
}

/**
 * Global middleware: asks the policy before any root field runs, so a new operation is
 * closed unless the policy table lists who may call it. A subscription's `subscribe`
 * function runs before any resolver (and so before this middleware): subscriptions call
 * `assertMayCall` there too, so a refused subscriber is never registered.
 */
export const policyGuard: MiddlewareFn<Context> = ({ context, info }, next): Promise<unknown> => {
  if (ROOT_TYPES.has(info.parentType.name)) {
    assertMayCall(context.viewer, info.parentType.name, info.fieldName);
  }
  return next();
};
