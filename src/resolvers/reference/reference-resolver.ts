import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { OrganisationRecord } from '../../services/reference/reference-service';
import { Code } from './code';
import { Organisation, OrganisationKind } from './organisation';

/** Reference data: organisations, routing and code lists. Public (no token needed). */
@Resolver(() => Organisation)
export class ReferenceResolver {
  @Query(() => [Organisation], { description: 'Active organisations, optionally of one kind' })
  organisations(
    @Ctx() ctx: Context,
    @Arg('kind', () => OrganisationKind, { nullable: true }) kind?: keyof typeof OrganisationKind,
  ): OrganisationRecord[] {
    return ctx.services.reference.organisations(kind ?? undefined);
  }

  @Query(() => Organisation, { nullable: true, description: 'One organisation by id' })
  organisation(@Ctx() ctx: Context, @Arg('id', () => ID) id: string): OrganisationRecord | null {
    return ctx.services.reference.organisation(id) ?? null;
  }

  @Query(() => [Code], {
    description:
      'The active codes of a code list: supportBarrier (försörjningshinder), targetGroup (målgrupp), interventionType (insats), closureReason (avslutsorsak), employmentType, returnReason (orsak till återremittering), deviationKind (avvikelse), interruptionReason (avbrott), afCategory (AF:s sökandekategori), afProgramme, sfiStudyPath, sfiCourse, sfiGrade',
  })
  codeList(@Ctx() ctx: Context, @Arg('name') name: string): Code[] {
    return ctx.services.reference.codeList(name);
  }

  @Query(() => [String], { description: 'Names of the code lists codeList(name) accepts' })
  codeListNames(@Ctx() ctx: Context): string[] {
    return ctx.services.reference.listNames();
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description:
      'Districts only: the job centre a referral goes to unless the district picks another',
  })
  defaultJobCentre(
    @Root() org: OrganisationRecord,
    @Ctx() ctx: Context,
  ): OrganisationRecord | null {
    return org.defaultJobCentreId
      ? (ctx.services.reference.organisation(org.defaultJobCentreId) ?? null)
      : null;
  }

  @FieldResolver(() => [Organisation], {
    description: 'Job centres only: the districts that refer here by default',
  })
  districts(@Root() org: OrganisationRecord, @Ctx() ctx: Context): OrganisationRecord[] {
    return org.kind === 'JOB_CENTRE' ? ctx.services.reference.districtsServedBy(org.id) : [];
  }
}
