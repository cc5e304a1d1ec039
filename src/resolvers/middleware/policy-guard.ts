import type { MiddlewareFn } from 'type-graphql';
import { mayCallRootField } from '../../auth/policy';
import type { Context } from '../../context';
import { ForbiddenError, UnauthenticatedError } from '../../errors';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Global middleware: asks the policy before any root field runs, so a new operation is
 * closed to anonymous callers unless the policy lists it as public.
 */
export const policyGuard: MiddlewareFn<Context> = ({ context, info }, next): Promise<unknown> => {
  if (ROOT_TYPES.has(info.parentType.name)) {
    const decision = mayCallRootField(context.viewer, info.parentType.name, info.fieldName);
    if (!decision.allowed) {
      throw decision.reason === 'UNAUTHENTICATED'
        ? new UnauthenticatedError()
        : new ForbiddenError();
    }
  }
  return next();
};
