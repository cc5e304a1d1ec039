import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { JobPlanKindEnum, PlanDecisionEnum } from './referral';

@InputType({
  description: 'Remiss: the district refers a person to a job centre and books a first appointment',
})
export class CreateReferralInput {
  @Field(() => ID, { nullable: true, description: 'The person; or give personnummer' })
  personId?: string | null;

  @Field(() => String, { nullable: true })
  personnummer?: string | null;

  @Field({ description: 'Målgrupp (code list targetGroup)' })
  targetGroup: string;

  @Field({ description: 'Försörjningshinder (code list supportBarrier)' })
  supportBarrier: string;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Defaults to the district’s job centre from the reference data',
  })
  toJobCentreId?: string | null;

  @Field(() => Date, { description: 'The person is given a time at the job centre at once' })
  firstAppointmentAt: Date;

  @Field(() => ID, { nullable: true })
  consentId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Same key and same input returns the first result',
  })
  idempotencyKey?: string | null;
}

@InputType()
export class AcceptReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field(() => String, { nullable: true }) coachId?: string | null;
  @Field(() => Date, { nullable: true }) firstAppointmentAt?: Date | null;
}

@InputType()
export class RejectReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field() reason: string;
}

@InputType()
export class WithdrawReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field() reason: string;
}

@InputType()
export class RegisterFirstVisitInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field(() => Date) visitedAt: Date;
}

@InputType()
export class JobPlanActivityInput {
  @Field({ description: 'Insatstyp (code list interventionType)' }) interventionType: string;
  @Field() provider: string;
  @Field(() => GraphQLLocalDate) startDate: string;
  @Field(() => GraphQLLocalDate) endDate: string;
  @Field(() => Float) hoursPerWeek: number;
}

@InputType()
export class SubmitJobPlanInput {
  @Field(() => ID) referralId: string;
  @Field(() => Int) expectedVersion: number;
  @Field(() => JobPlanKindEnum) kind: JobPlanKindEnum;
  @Field() goal: string;
  @Field(() => [JobPlanActivityInput]) activities: JobPlanActivityInput[];
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType()
export class DecideJobPlanInput {
  @Field(() => ID) planId: string;
  @Field(() => PlanDecisionEnum) decision: PlanDecisionEnum;
  @Field(() => String, { nullable: true, description: 'Required when rejecting' }) comment?:
    string | null;
  @Field(() => Int, {
    nullable: true,
    description: 'The referral’s version, to guard against a stale view',
  })
  expectedVersion?: number | null;
}

@InputType()
export class ReportDeviationInput {
  @Field(() => ID) referralId: string;
  @Field({ description: 'Avvikelse (code list deviationKind)' }) kind: string;
  @Field(() => GraphQLLocalDate) date: string;
  @Field(() => String, { nullable: true }) note?: string | null;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType()
export class InterruptReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field({ description: 'Orsak till avbrott (code list interruptionReason)' }) reason: string;
  @Field(() => GraphQLLocalDate) from: string;
}

@InputType()
export class ResumeReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field(() => GraphQLLocalDate) at: string;
}

@InputType()
export class ReturnReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field({ description: 'Orsak till återremittering (code list returnReason)' }) reason: string;
  @Field(() => String, { nullable: true }) note?: string | null;
}

@InputType()
export class AcknowledgeReturnInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
}

@InputType()
export class CloseReferralInput {
  @Field(() => ID) id: string;
  @Field(() => Int) expectedVersion: number;
  @Field({ description: 'Avslutsorsak (code list closureReason)' }) reason: string;
  @Field(() => String, {
    nullable: true,
    description: 'Anställningsform, required when closed to work',
  })
  employmentType?: string | null;
  @Field(() => String, { nullable: true }) note?: string | null;
}
