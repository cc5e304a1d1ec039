import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { withFreeText } from '../middleware/free-text';
import type {
  DeviationRecord,
  JobPlanRecord,
  ReferralRecord,
} from '../../services/referrals/referral-store';
import { Deviation, JobPlan, Referral } from './referral';
import {
  AcceptReferralInput,
  AcknowledgeReturnInput,
  CloseReferralInput,
  CreateReferralInput,
  DecideJobPlanInput,
  InterruptReferralInput,
  RegisterFirstVisitInput,
  RejectReferralInput,
  ReportDeviationInput,
  ResumeReferralInput,
  ReturnReferralInput,
  SubmitJobPlanInput,
  WithdrawReferralInput,
} from './referral-inputs';

/** The workflow steps. Thin: input in, ReferralService call, result out. */
@Resolver()
export class ReferralMutationResolver {
  @Mutation(() => Referral, {
    description: 'District: refer a person to a job centre (remiss) with a first appointment',
  })
  createReferral(
    @Arg('input') input: CreateReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.createReferral(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: accept the referral (mottagen) and assign a coach',
  })
  acceptReferral(
    @Arg('input') input: AcceptReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.accept(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: reject the referral (e.g. not in the target group)',
  })
  rejectReferral(
    @Arg('input') input: RejectReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.reject(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'District: withdraw the referral before the first visit',
  })
  withdrawReferral(
    @Arg('input') input: WithdrawReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.withdraw(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: register the first visit; the job guarantee deadline is set',
  })
  registerFirstVisit(
    @Arg('input') input: RegisterFirstVisitInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.registerFirstVisit(ctx.viewer, input);
  }

  @Mutation(() => JobPlan, {
    description: 'Job centre: submit an initial or extended job plan for the district’s decision',
  })
  async submitJobPlan(
    @Arg('input') input: SubmitJobPlanInput,
    @Ctx() ctx: Context,
  ): Promise<JobPlanRecord> {
    // The caller is a party (the service checked): it may read the free text it wrote.
    return withFreeText(await ctx.referralService.submitJobPlan(ctx.viewer, input), true);
  }

  @Mutation(() => JobPlan, {
    description: 'District: approve or reject a job plan, with a comment',
  })
  async decideJobPlan(
    @Arg('input') input: DecideJobPlanInput,
    @Ctx() ctx: Context,
  ): Promise<JobPlanRecord> {
    return withFreeText(await ctx.referralService.decideJobPlan(ctx.viewer, input), true);
  }

  @Mutation(() => Deviation, {
    description: 'Job centre: report a deviation (avvikelse) to the district',
  })
  async reportDeviation(
    @Arg('input') input: ReportDeviationInput,
    @Ctx() ctx: Context,
  ): Promise<DeviationRecord> {
    return withFreeText(await ctx.referralService.reportDeviation(ctx.viewer, input), true);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: interrupt (avbrott) — pregnancy, parental leave, illness',
  })
  interruptReferral(
    @Arg('input') input: InterruptReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.interrupt(ctx.viewer, input);
  }

  @Mutation(() => Referral, { description: 'Job centre: resume after an interruption (nystart)' })
  resumeReferral(
    @Arg('input') input: ResumeReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.resume(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: return the person to the district (återremittering)',
  })
  returnReferral(
    @Arg('input') input: ReturnReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.returnReferral(ctx.viewer, input);
  }

  @Mutation(() => Referral, { description: 'District: acknowledge a return' })
  acknowledgeReturn(
    @Arg('input') input: AcknowledgeReturnInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.acknowledgeReturn(ctx.viewer, input);
  }

  @Mutation(() => Referral, {
    description: 'Job centre: close the referral (avslut) with a reason',
  })
  closeReferral(
    @Arg('input') input: CloseReferralInput,
    @Ctx() ctx: Context,
  ): Promise<ReferralRecord> {
    return ctx.referralService.close(ctx.viewer, input);
  }
}
