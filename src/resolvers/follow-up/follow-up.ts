import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FOLLOW_UP_DIMENSIONS } from '../../services/follow-up/follow-up-query';
import { Code } from '../reference/code';
import { Organisation } from '../reference/organisation';

export const FollowUpDimensionEnum = Object.fromEntries(
  FOLLOW_UP_DIMENSIONS.map((d) => [d, d]),
) as { [K in (typeof FOLLOW_UP_DIMENSIONS)[number]]: K };
registerEnumType(FollowUpDimensionEnum, {
  name: 'FollowUpDimension',
  description: 'What follow-up rows are grouped by',
  valuesConfig: {
    DISTRICT: { description: 'The referring district (stadsdel)' },
    JOB_CENTRE: { description: 'The receiving job centre (Jobbtorg)' },
    TARGET_GROUP: { description: 'Målgrupp of the referral' },
    MONTH: { description: 'Month the referral was sent (Stockholm time), YYYY-MM' },
  },
});

@ObjectType({
  description:
    'A count of persons (referrals). When the caller may not see individuals, counts of 1–4 are withheld: value null, suppressed true',
})
export class FollowUpCount {
  @Field(() => Int, { nullable: true })
  value: number | null;

  @Field()
  suppressed: boolean;
}

@ObjectType({
  description:
    'A share in [0,1] with its numerator and denominator, so consumers can re-aggregate. Null when the denominator is 0 or when suppressed',
})
export class FollowUpShare {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => FollowUpCount)
  numerator: FollowUpCount;

  @Field(() => FollowUpCount)
  denominator: FollowUpCount;

  @Field()
  suppressed: boolean;
}

@ObjectType({ description: 'A median with the number of persons it is computed over' })
export class FollowUpMedian {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => FollowUpCount)
  count: FollowUpCount;

  @Field()
  suppressed: boolean;
}

@ObjectType({ description: 'A count per code of a code list' })
export class FollowUpCodeCount {
  @Field(() => Code)
  code: Code;

  @Field(() => FollowUpCount)
  count: FollowUpCount;
}

@ObjectType({ description: 'Figures per intervention type (insatstyp) of approved job plans' })
export class FollowUpIntervention {
  @Field(() => Code)
  interventionType: Code;

  @Field(() => FollowUpCount, {
    description: 'Referrals with an approved plan holding an activity of this type',
  })
  participants: FollowUpCount;

  @Field(() => FollowUpCount, {
    description: 'Participants whose last activity of this type ended while at the job centre',
  })
  completed: FollowUpCount;

  @Field(() => FollowUpShare, {
    description:
      'Of completed participants followed for 6 months: closed to work or studies within 6 months of the end',
  })
  workOrStudiesWithin6Months: FollowUpShare;

  @Field(() => FollowUpShare, { description: 'The same within 12 months' })
  workOrStudiesWithin12Months: FollowUpShare;
}

@ObjectType({
  description:
    'Follow-up figures for one combination of the groupBy dimensions (dimensions not grouped by are null). Definitions: docs/follow-up.md',
})
export class FollowUpRow {
  @Field(() => Organisation, { nullable: true })
  district: Organisation | null;

  @Field(() => Organisation, { nullable: true })
  jobCentre: Organisation | null;

  @Field(() => Code, { nullable: true })
  targetGroup: Code | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM (Stockholm time)' })
  month: string | null;

  @Field(() => FollowUpCount, { description: 'Referrals sent in the window' })
  referralsSent: FollowUpCount;

  @Field(() => FollowUpCount, { description: 'Of those, accepted by the job centre' })
  accepted: FollowUpCount;

  @Field(() => FollowUpCount)
  rejected: FollowUpCount;

  @Field(() => FollowUpCount)
  withdrawn: FollowUpCount;

  @Field(() => FollowUpCount, { description: 'With a first visit registered' })
  enrolled: FollowUpCount;

  @Field(() => FollowUpMedian, {
    description: 'Median calendar days from referral to first visit (Stockholm dates)',
  })
  medianDaysToFirstVisit: FollowUpMedian;

  @Field(() => FollowUpShare, {
    description: 'Job guarantee: initial plan submitted by planDeadline, of decided cases',
  })
  planWithinJobGuarantee: FollowUpShare;

  @Field(() => FollowUpCount, { description: 'PLAN_DEADLINE_MISSED' })
  planDeadlinesMissed: FollowUpCount;

  @Field(() => FollowUpCount, { description: 'Återremitterade' })
  returned: FollowUpCount;

  @Field(() => [FollowUpCodeCount], { description: 'Returns by returnReason' })
  returnsByReason: FollowUpCodeCount[];

  @Field(() => FollowUpCount, { description: 'Closed (avslutade), excluding those returned' })
  closedExcludingReturned: FollowUpCount;

  @Field(() => [FollowUpCodeCount], { description: 'Closures by closureReason' })
  closuresByReason: FollowUpCodeCount[];

  @Field(() => [FollowUpCodeCount], {
    description: 'Closures to work (ARBETE) by employmentType',
  })
  workClosuresByEmploymentType: FollowUpCodeCount[];

  @Field(() => [FollowUpIntervention])
  interventions: FollowUpIntervention[];
}

@ObjectType({ description: 'Uppföljning: aggregate figures over referrals sent in [from, to]' })
export class FollowUp {
  @Field(() => GraphQLLocalDate)
  from: string;

  @Field(() => GraphQLLocalDate)
  to: string;

  @Field(() => [FollowUpDimensionEnum])
  groupBy: string[];

  @Field({ description: 'True when counts of 1–4 are withheld for this caller' })
  suppressed: boolean;

  @Field(() => [FollowUpRow])
  rows: FollowUpRow[];
}
