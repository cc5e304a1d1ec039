import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum EnrolmentStatus {
  ENROLLED = 'ENROLLED',
  ACTIVE = 'ACTIVE',
  INTERRUPTED = 'INTERRUPTED',
  CLOSED = 'CLOSED',
}
registerEnumType(EnrolmentStatus, {
  name: 'EnrolmentStatus',
  description:
    'Inskriven (enrolled, no approved plan yet), aktiv (active plan), avbrott (interrupted), avslutad (closed)',
});

export enum PlanKind {
  INITIAL = 'INITIAL',
  EXTENDED = 'EXTENDED',
}
registerEnumType(PlanKind, {
  name: 'PlanKind',
  description: 'Inledande jobbplan (initial, first four weeks) or fördjupad jobbplan (extended)',
});

export enum PlanStatus {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(PlanStatus, {
  name: 'PlanStatus',
  description: 'Every plan is approved or rejected by the district (försörjningsstödsenheten)',
});

@ObjectType({ description: "A job plan (jobbplan) as recorded in the job centre's system" })
export class JobCentrePlan {
  @Field(() => PlanKind)
  kind: PlanKind;

  @Field({ description: 'The goal of the plan' })
  goal: string;

  @Field(() => GraphQLLocalDate)
  validFrom: string;

  @Field(() => GraphQLLocalDate, { description: 'A plan runs at most 6 months before review' })
  validTo: string;

  @Field(() => PlanStatus)
  status: PlanStatus;
}

@ObjectType({ description: 'An intervention (insats): time-bounded, with a provider' })
export class Intervention {
  @Field({
    description: 'Who runs it: the city, AF, a procured company or a voluntary organisation',
  })
  provider: string;

  @Field(() => GraphQLLocalDate)
  startDate: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  endDate: string | null;

  @Field(() => Float, { description: 'Omfattning: hours per week' })
  hoursPerWeek: number;

  @Field(() => Int, { nullable: true, description: 'Närvaro: attendance in percent' })
  attendancePercent: number | null;
}

@ObjectType({ description: 'Avbrott: an interruption (pregnancy, parental leave, illness…)' })
export class Interruption {
  @Field(() => GraphQLLocalDate)
  fromDate: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  toDate: string | null;
}

@ObjectType({ description: 'Avslut: how the enrolment ended' })
export class EnrolmentClosure {
  @Field(() => GraphQLLocalDate)
  closedAt: string;
}

@ObjectType({
  description:
    "The person's enrolment at a job centre (Jobbtorg), from the job centres' case system (source `jobbtorg`)",
})
export class JobCentreEnrolment {
  @Field(() => ID)
  enrolmentId: string;

  @Field({ description: 'The coach (coach/handledare) assigned' })
  coach: string;

  @Field(() => Date, {
    nullable: true,
    description: 'First visit: mapping (kartläggning) starts that day',
  })
  firstVisitAt: Date | null;

  @Field(() => EnrolmentStatus)
  status: EnrolmentStatus;

  @Field(() => JobCentrePlan, { nullable: true, description: 'The latest plan' })
  currentPlan: JobCentrePlan | null;

  @Field(() => [Intervention])
  interventions: Intervention[];

  @Field(() => [Interruption])
  interruptions: Interruption[];

  @Field(() => EnrolmentClosure, { nullable: true })
  closure: EnrolmentClosure | null;
}
