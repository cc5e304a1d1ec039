import { GraphQLLocalDate } from 'graphql-scalars';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { FollowUpService, type CodeCount } from '../../services/follow-up/follow-up-service';
import type { CodeRecord } from '../../services/reference/reference-service';
import { codeOf } from '../reference/code-of';
import { FollowUp, FollowUpDimensionEnum } from './follow-up';

/**
 * followUp returns aggregates, never a person's data, so it writes no access-log rows;
 * the policy decides scope and whether small cells are withheld (docs/follow-up.md).
 */
@Resolver()
export class FollowUpResolver {
  @Query(() => FollowUp, {
    description:
      'Uppföljning: figures over referrals sent in [from, to] (Stockholm dates, inclusive), one row per combination of groupBy. Analysts, admins and city-wide statistics systems get city-wide figures with counts of 1–4 withheld and whole-month windows; district caseworkers their district, job-centre coaches their job centre, unsuppressed',
  })
  async followUp(
    @Ctx() ctx: Context,
    @Arg('from', () => GraphQLLocalDate) from: string,
    @Arg('to', () => GraphQLLocalDate) to: string,
    @Arg('groupBy', () => [FollowUpDimensionEnum]) groupBy: string[],
  ): Promise<FollowUp> {
    const v = await new FollowUpService(ctx.services.dataSource).followUp(ctx.viewer, {
      from,
      to,
      groupBy,
    });
    const reference = ctx.services.reference;
    const code = (list: string, c: string) => codeOf(reference, list, c) as CodeRecord;
    const codes = (list: string, cells: CodeCount[]) =>
      cells.map((c) => ({ code: code(list, c.code), count: c.count }));
    return {
      from: v.from,
      to: v.to,
      groupBy: v.groupBy,
      suppressed: v.suppressed,
      rows: v.rows.map((r) => ({
        ...r,
        district: r.districtId ? (reference.organisation(r.districtId) ?? null) : null,
        jobCentre: r.jobCentreId ? (reference.organisation(r.jobCentreId) ?? null) : null,
        targetGroup: r.targetGroup ? code('targetGroup', r.targetGroup) : null,
        returnsByReason: codes('returnReason', r.returnsByReason),
        closuresByReason: codes('closureReason', r.closuresByReason),
        workClosuresByEmploymentType: codes('employmentType', r.workClosuresByEmploymentType),
        interventions: r.interventions.map((i) => ({
          ...i,
          interventionType: code('interventionType', i.interventionType),
        })),
      })),
    };
  }
}
