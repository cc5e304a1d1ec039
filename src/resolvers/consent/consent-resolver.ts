import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { consentListScope } from '../../auth/policy';
import type { Context } from '../../context';
import { consentStatus, type ConsentRecord } from '../../services/consent/consent-store';
import type { PersonRecord } from '../../services/persons/person-directory';
import type { OrganisationRecord } from '../../services/reference/reference-service';
import { Consent, ConsentStatusEnum, RecordConsentInput, WithdrawConsentInput } from './consent';
import { Organisation } from '../reference/organisation';
import { Person } from '../persons/person';

@Resolver(() => Consent)
export class ConsentResolver {
  @Mutation(() => Consent, {
    description:
      'District: record the person’s consent (samtycke) to share data in `scope` between `parties` until validUntil',
  })
  recordConsent(
    @Arg('input') input: RecordConsentInput,
    @Ctx() ctx: Context,
  ): Promise<ConsentRecord> {
    return ctx.consentService.record(ctx.viewer, input);
  }

  @Mutation(() => Consent, {
    description:
      'District: the person withdrew the consent. Takes effect at once, also for open subscriptions (their next event).',
  })
  withdrawConsent(
    @Arg('input') input: WithdrawConsentInput,
    @Ctx() ctx: Context,
  ): Promise<ConsentRecord> {
    return ctx.consentService.withdraw(ctx.viewer, input);
  }

  @FieldResolver(() => [Organisation], { description: 'Organisations that may share the data' })
  parties(@Root() c: ConsentRecord, @Ctx() ctx: Context): OrganisationRecord[] {
    return c.parties.flatMap((id) => ctx.services.reference.organisation(id) ?? []);
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'The district that recorded it',
  })
  recordedBy(@Root() c: ConsentRecord, @Ctx() ctx: Context): OrganisationRecord | null {
    return ctx.services.reference.organisation(c.recordedByOrg) ?? null;
  }

  @FieldResolver(() => ConsentStatusEnum, { description: 'Whether it allows sharing today' })
  status(@Root() c: ConsentRecord, @Ctx() ctx: Context): string {
    return consentStatus(c, ctx.consentService.today());
  }
}

@Resolver(() => Person)
export class PersonConsentsResolver {
  @FieldResolver(() => [Consent], {
    description:
      'Samtycken: the district holding the case sees all of the person’s consents; other organisations those naming them as a party. Oldest first.',
  })
  async consents(@Root() p: PersonRecord, @Ctx() ctx: Context): Promise<ConsentRecord[]> {
    await ctx.fields.require(p, 'consents');
    const all = await ctx.fields.consentsOf(p.id);
    if (ctx.viewer.kind !== 'authenticated') return [];
    const viewer = ctx.viewer;
    return consentListScope(viewer) === 'all'
      ? all
      : all.filter((c) => c.parties.includes(viewer.orgId));
  }
}
