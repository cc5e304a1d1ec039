import type { MiddlewareFn } from 'type-graphql';
import { ForbiddenError } from '../../errors';

/**
 * Free-text fields (notes, plan goals, comments) may quote anything about a person, so they
 * stay with the referral's parties. The Referral resolvers know the parties and mark each
 * child object they hand out; this middleware refuses any unmarked or non-party object, so
 * a new path to a plan or deviation is closed until someone marks it.
 */
const FREE_TEXT_VISIBLE = Symbol('freeTextVisible');

export function withFreeText<T extends object>(value: T, visible: boolean): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as T, value, {
    [FREE_TEXT_VISIBLE]: visible,
  });
}

export const partyFreeText: MiddlewareFn = ({ root }, next) => {
  if ((root as Record<symbol, unknown> | null)?.[FREE_TEXT_VISIBLE] !== true) {
    throw new ForbiddenError('Free text stays with the referral’s parties', {
      fieldGroup: 'freeText',
      requires: 'referral-party',
    });
  }
  return next();
};
