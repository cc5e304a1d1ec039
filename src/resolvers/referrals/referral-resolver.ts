import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { inReferralScope, maySeeReferralNote, referralScope } from '../../auth/policy';
import type { Context } from '../../context';
import { ForbiddenError } from '../../errors';
import { withFreeText } from '../middleware/free-text';
import type { PersonRecord } from '../../services/persons/person-directory';
import { encodeReferralCursor } from '../../services/referrals/referral-reader';
import { referralLimits } from '../../services/referrals/referral-service';
import type {
  DeviationRecord,
  JobPlanRecord,
  ReferralListFilter,
  ReferralRecord,
} from '../../services/referrals/referral-store';
import type { CodeRecord, OrganisationRecord } from '../../services/reference/reference-service';
import type { StoredEvent } from '../../events/event-types';
import { codeOf } from '../reference/code-of';
import { toConnection, type ConnectionValue } from '../common/connection';
import { Code } from '../reference/code';
import { Organisation } from '../reference/organisation';
import { Person } from '../persons/person';
import { GraphQLLocalDate } from 'graphql-scalars';
import {
  Closure,
  Deviation,
  JobPlan,
  JobPlanActivity as JobPlanActivityView,
  Referral,
  ReferralConnection,
  ReferralEvent,
  ReferralFilter,
  ReferralReturn,
  ReferralStatusSummary,
} from './referral';

type ReferralConnectionValue = ConnectionValue<ReferralRecord>;

async function referralConnection(
  ctx: Context,
  filter: ReferralListFilter,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<ReferralConnectionValue> {
  const page = await ctx.referrals.list(filter, first, after);
  return toConnection(page.rows, encodeReferralCursor, page.hasNextPage, page.count);
}

@Resolver(() => Person)
export class PersonReferralsResolver {
  @FieldResolver(() => ReferralConnection, {
    description:
      'Remisser: the person’s referrals the viewer’s organisation is party to, newest first',
  })
  async referrals(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ReferralConnectionValue> {
    await ctx.fields.require(p, 'referrals');
    return referralConnection(ctx, { personId: p.id }, first, after);
  }

  @FieldResolver(() => [ReferralStatusSummary], {
    nullable: true,
    description:
      'Status only of the person’s referrals, newest first: parties see their own; SFI providers and AF offices all, with the person’s consent (scope REFERRAL_STATUS)',
  })
  async referralStatuses(@Root() p: PersonRecord, @Ctx() ctx: Context): Promise<ReferralRecord[]> {
    const rule = await ctx.fields.require(p, 'referralStatuses');
    const all = await ctx.referrals.ofPerson.load(p.id);
    if (rule.basis !== 'relation') return all;
    const scope = referralScope(ctx.viewer);
    return all.filter((r) =>
      inReferralScope(scope, { districtId: r.fromDistrictId, jobCentreId: r.toJobCentreId }),
    );
  }
}

@Resolver(() => ReferralStatusSummary)
export class ReferralStatusSummaryResolver {
  @FieldResolver(() => ID)
  referralId(@Root() r: ReferralRecord): string {
    return r.id;
  }

  @FieldResolver(() => Organisation, { description: 'The referring district' })
  fromDistrict(@Root() r: ReferralRecord, @Ctx() ctx: Context): OrganisationRecord | undefined {
    return ctx.services.reference.organisation(r.fromDistrictId);
  }

  @FieldResolver(() => Organisation, { description: 'The receiving job centre' })
  toJobCentre(@Root() r: ReferralRecord, @Ctx() ctx: Context): OrganisationRecord | undefined {
    return ctx.services.reference.organisation(r.toJobCentreId);
  }
}

@Resolver(() => Referral)
export class ReferralResolver {
  @Query(() => Referral, {
    nullable: true,
    description: 'A referral the viewer’s organisation is party to; null otherwise',
  })
  referral(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ReferralRecord | null> {
    return ctx.referrals.referral(id);
  }

  @Query(() => ReferralConnection, {
    description: 'Referrals the viewer’s organisation is party to, newest first',
  })
  async referrals(
    @Ctx() ctx: Context,
    @Arg('filter', () => ReferralFilter, { nullable: true }) filter?: ReferralFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ReferralConnectionValue> {
    return referralConnection(
      ctx,
      {
        status: (filter?.status as ReferralRecord['status'][] | null) ?? null,
        districtId: filter?.districtId ?? null,
        jobCentreId: filter?.jobCentreId ?? null,
        personId: filter?.personId ?? null,
      },
      first,
      after,
    );
  }

  @FieldResolver(() => Person, {
    nullable: true,
    description: 'The person, when the viewer may see them',
  })
  person(@Root() r: ReferralRecord, @Ctx() ctx: Context): Promise<PersonRecord | null> {
    return ctx.persons.person(r.personId);
  }

  @FieldResolver(() => Organisation, { description: 'The referring district (stadsdel)' })
  fromDistrict(@Root() r: ReferralRecord, @Ctx() ctx: Context): OrganisationRecord | undefined {
    return ctx.services.reference.organisation(r.fromDistrictId);
  }

  @FieldResolver(() => Organisation, { description: 'The receiving job centre (Jobbtorg)' })
  toJobCentre(@Root() r: ReferralRecord, @Ctx() ctx: Context): OrganisationRecord | undefined {
    return ctx.services.reference.organisation(r.toJobCentreId);
  }

  @FieldResolver(() => Code, { description: 'Målgrupp' })
  targetGroup(@Root() r: ReferralRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'targetGroup', r.targetGroup);
  }

  @FieldResolver(() => Code, { description: 'Försörjningshinder' })
  supportBarrier(@Root() r: ReferralRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'supportBarrier', r.supportBarrier);
  }

  @FieldResolver(() => Boolean, {
    description: 'True when no initial plan was submitted by planDeadline',
  })
  planDeadlineMissed(@Root() r: ReferralRecord): boolean {
    return r.deadlineMissedAt !== null;
  }

  @FieldResolver(() => GraphQLLocalDate, {
    nullable: true,
    description: 'Until when the latest approved plan runs (at most 6 months per plan)',
  })
  async planValidUntil(@Root() r: ReferralRecord, @Ctx() ctx: Context): Promise<string | null> {
    const approved = (await ctx.referrals.plans.load(r.id)).filter((p) => p.status === 'APPROVED');
    return approved.length ? approved[approved.length - 1].validUntil : null;
  }

  @FieldResolver(() => GraphQLLocalDate, {
    nullable: true,
    description: 'Latest end of participation: 18 months at the job centres in all',
  })
  maxEndDate(@Root() r: ReferralRecord): string | null {
    return referralLimits(r).maxEndDate;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Free text from the district: for the two parties only (FORBIDDEN for city-wide systems)',
  })
  note(@Root() r: ReferralRecord, @Ctx() ctx: Context): string | null {
    if (!maySeeReferralNote(ctx.viewer, r))
      throw new ForbiddenError('Free text stays with the referral’s parties', {
        fieldGroup: 'freeText',
        requires: 'referral-party',
      });
    return r.note;
  }

  @FieldResolver(() => [JobPlan])
  async plans(@Root() r: ReferralRecord, @Ctx() ctx: Context): Promise<JobPlanRecord[]> {
    const party = maySeeReferralNote(ctx.viewer, r);
    return (await ctx.referrals.plans.load(r.id)).map((p) => withFreeText(p, party));
  }

  @FieldResolver(() => [Deviation])
  async deviations(@Root() r: ReferralRecord, @Ctx() ctx: Context): Promise<DeviationRecord[]> {
    const party = maySeeReferralNote(ctx.viewer, r);
    return (await ctx.referrals.deviations.load(r.id)).map((d) => withFreeText(d, party));
  }

  @FieldResolver(() => ReferralReturn, { nullable: true, name: 'return' })
  returnInfo(@Root() r: ReferralRecord, @Ctx() ctx: Context) {
    return r.returnedAt
      ? withFreeText(
          {
            reason: r.returnReason,
            note: r.returnNote,
            returnedAt: r.returnedAt,
            acknowledgedAt: r.returnAcknowledgedAt,
          },
          maySeeReferralNote(ctx.viewer, r),
        )
      : null;
  }

  @FieldResolver(() => Closure, { nullable: true })
  closure(@Root() r: ReferralRecord, @Ctx() ctx: Context) {
    return r.closedAt
      ? withFreeText(
          {
            reason: r.closureReason,
            employmentType: r.closureEmploymentType,
            note: r.closureNote,
            closedAt: r.closedAt,
          },
          maySeeReferralNote(ctx.viewer, r),
        )
      : null;
  }

  @FieldResolver(() => [ReferralEvent], { description: 'The referral’s events, oldest first' })
  events(@Root() r: ReferralRecord, @Ctx() ctx: Context): Promise<StoredEvent[]> {
    return ctx.referrals.events.load(r.id);
  }
}

@Resolver(() => ReferralConnection)
export class ReferralConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() c: ReferralConnectionValue): Promise<number> {
    return c.count();
  }
}

@Resolver(() => JobPlan)
export class JobPlanResolver {
  @FieldResolver(() => [JobPlanActivityView])
  activities(@Root() p: JobPlanRecord) {
    return p.activities;
  }
}

@Resolver(() => JobPlanActivityView)
export class JobPlanActivityResolver {
  @FieldResolver(() => Code, { description: 'Insatstyp' })
  interventionType(
    @Root() a: { interventionType: string },
    @Ctx() ctx: Context,
  ): CodeRecord | null {
    return codeOf(ctx.services.reference, 'interventionType', a.interventionType);
  }
}

@Resolver(() => Deviation)
export class DeviationResolver {
  @FieldResolver(() => Code, { description: 'Avvikelse (code list deviationKind)' })
  kind(@Root() d: DeviationRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'deviationKind', d.kind);
  }
}

@Resolver(() => ReferralReturn)
export class ReferralReturnResolver {
  @FieldResolver(() => Code, { description: 'Orsak till återremittering' })
  reason(@Root() r: { reason: string }, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'returnReason', r.reason);
  }
}

@Resolver(() => Closure)
export class ClosureResolver {
  @FieldResolver(() => Code, { description: 'Avslutsorsak' })
  reason(@Root() c: { reason: string }, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'closureReason', c.reason);
  }

  @FieldResolver(() => Code, { nullable: true, description: 'Anställningsform' })
  employmentType(
    @Root() c: { employmentType: string | null },
    @Ctx() ctx: Context,
  ): CodeRecord | null {
    return codeOf(ctx.services.reference, 'employmentType', c.employmentType);
  }
}
