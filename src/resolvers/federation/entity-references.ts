/**
 * Reference resolvers for the hub's entities. Each goes through the same readers, policy
 * and access log as the root field it mirrors (`person`, `referral`, `organisation`): the
 * root-field rule first, then the viewer's scope in the reader. Only the key field `id` of
 * a representation is read; anything else a gateway sends along is ignored, and what is
 * returned is always the hub's own record, never the representation.
 *
 * They are async on purpose: a rejected promise fails only its own entity (`FORBIDDEN` or
 * `NOT_FOUND` at `_entities.<index>`), while a synchronous throw would fail the whole batch.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context';
import { BadUserInputError, NotFoundError } from '../../errors';
import type { PersonRecord } from '../../services/persons/person-directory';
import type { OrganisationRecord } from '../../services/reference/reference-service';
import type { ReferralRecord } from '../../services/referrals/referral-store';
import { assertMayCall } from '../middleware/policy-guard';

type ReferenceResolver<T> = (
  representation: Record<string, unknown>,
  ctx: Context,
  info: GraphQLResolveInfo,
) => Promise<T>;

/** The key of a representation: `id`, a non-empty string. Nothing else is read. */
function keyId(representation: Record<string, unknown>): string {
  const id = representation.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 100)
    throw new BadUserInputError('An entity representation needs its key field id', 'id');
  return id;
}

const resolvePerson: ReferenceResolver<PersonRecord> = async (representation, ctx) => {
  assertMayCall(ctx.viewer, 'Query', 'person');
  const person = await ctx.persons.person(keyId(representation));
  // As the root field answers null, unknown and out-of-scope are the same answer here.
  if (!person) throw new NotFoundError('No such person is visible to you');
  return person;
};

const resolveReferral: ReferenceResolver<ReferralRecord> = async (representation, ctx) => {
  assertMayCall(ctx.viewer, 'Query', 'referral');
  const referral = await ctx.referrals.referral(keyId(representation));
  if (!referral) throw new NotFoundError('No such referral is visible to you');
  return referral;
};

// Reference data is in memory, but the rejection must still be asynchronous (see above).
const resolveOrganisation: ReferenceResolver<OrganisationRecord> = (representation, ctx) =>
  Promise.resolve().then(() => {
    assertMayCall(ctx.viewer, 'Query', 'organisation');
    const organisation = ctx.services.reference.organisation(keyId(representation));
    if (!organisation) throw new NotFoundError('No such organisation');
    return organisation;
  });

/**
 * Every entity type of the subgraph with its reference resolver. The subgraph builder
 * refuses a `@key` type missing here: without one, `_entities` would echo the caller's
 * representation back as if it were the hub's data.
 */
export const entityReferenceResolvers: Record<string, ReferenceResolver<unknown>> = {
  Person: resolvePerson,
  Referral: resolveReferral,
  Organisation: resolveOrganisation,
};
