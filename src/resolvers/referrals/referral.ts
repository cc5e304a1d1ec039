import { GraphQLLocalDate } from 'graphql-scalars';
import {
  Directive,
  Field,
  Float,
  ID,
  InputType,
  Int,
  ObjectType,
  UseMiddleware,
  registerEnumType,
} from 'type-graphql';
import { partyFreeText } from '../middleware/free-text';
import { REFERRAL_STATUSES } from '../../domain/referral-workflow';
import { REFERRAL_EVENT_TYPES } from '../../events/event-types';
import { PageInfo } from '../common/relay';

export const ReferralStatusEnum = Object.fromEntries(REFERRAL_STATUSES.map((s) => [s, s])) as {
  [K in (typeof REFERRAL_STATUSES)[number]]: K;
};
registerEnumType(ReferralStatusEnum, {
  name: 'ReferralStatus',
  description: 'Where a referral (remiss) is in the workflow',
  valuesConfig: {
    SENT: { description: 'Skickad: sent by the district, the person has a first appointment' },
    ACCEPTED: { description: 'Mottagen: accepted by the job centre' },
    REJECTED: { description: 'Avvisad: rejected by the job centre (e.g. not in the target group)' },
    WITHDRAWN: { description: 'Återkallad: withdrawn by the district before the first visit' },
    ENROLLED: { description: 'Inskriven: first visit registered; the job guarantee clock runs' },
    ACTIVE: { description: 'Aktiv: a job plan is approved by the district' },
    INTERRUPTED: { description: 'Avbrott: interrupted (pregnancy, parental leave, illness…)' },
    RETURNED: { description: 'Återremitterad: returned to the district' },
    CLOSED: { description: 'Avslutad: closed (work, studies, other support…)' },
  },
});

export const ReferralEventTypeEnum = Object.fromEntries(
  REFERRAL_EVENT_TYPES.map((s) => [s, s]),
) as {
  [K in (typeof REFERRAL_EVENT_TYPES)[number]]: K;
};
registerEnumType(ReferralEventTypeEnum, {
  name: 'ReferralEventType',
  description: 'What happened to a referral',
});

export enum JobPlanKindEnum {
  INITIAL = 'INITIAL',
  EXTENDED = 'EXTENDED',
}
registerEnumType(JobPlanKindEnum, {
  name: 'JobPlanKind',
  description: 'Inledande (initial, four weeks) or fördjupad (extended, at most 6 months) jobbplan',
});

export enum PlanDecisionEnum {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(PlanDecisionEnum, {
  name: 'PlanDecision',
  description: 'The district’s decision on a job plan',
});

export enum JobPlanStatusEnum {
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(JobPlanStatusEnum, { name: 'JobPlanStatus' });

@ObjectType({ description: 'One activity of a job plan' })
export class JobPlanActivity {
  @Field()
  provider: string;

  @Field(() => GraphQLLocalDate)
  startDate: string;

  @Field(() => GraphQLLocalDate)
  endDate: string;

  @Field(() => Float)
  hoursPerWeek: number;
}

@ObjectType({
  description: 'A job plan (jobbplan) submitted by the job centre and decided by the district',
})
export class JobPlan {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  referralId: string;

  @Field(() => JobPlanKindEnum)
  kind: JobPlanKindEnum;

  @Field(() => String, {
    nullable: true,
    description: 'Mål: free text, for the referral’s parties only (FORBIDDEN otherwise)',
  })
  @UseMiddleware(partyFreeText)
  goal: string;

  @Field(() => JobPlanStatusEnum)
  status: JobPlanStatusEnum;

  @Field(() => GraphQLLocalDate)
  validFrom: string;

  @Field(() => GraphQLLocalDate, { description: 'Initial: four weeks; extended: at most 6 months' })
  validUntil: string;

  @Field(() => Date)
  submittedAt: Date;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'The district’s comment on its decision (parties only)',
  })
  @UseMiddleware(partyFreeText)
  decisionComment: string | null;
}

@ObjectType({ description: 'Avvikelse: absence or non-participation reported to the district' })
export class Deviation {
  @Field(() => ID)
  id: string;

  @Field(() => GraphQLLocalDate)
  date: string;

  @Field(() => String, { nullable: true, description: 'Free text (parties only)' })
  @UseMiddleware(partyFreeText)
  note: string | null;

  @Field(() => Date)
  reportedAt: Date;
}

@ObjectType({ description: 'Återremittering: the job centre returned the person to the district' })
export class ReferralReturn {
  @Field(() => String, { nullable: true, description: 'Free text (parties only)' })
  @UseMiddleware(partyFreeText)
  note: string | null;

  @Field(() => Date)
  returnedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the district acknowledged the return' })
  acknowledgedAt: Date | null;
}

@ObjectType({ description: 'Avslut: how the referral was closed' })
export class Closure {
  @Field(() => String, { nullable: true, description: 'Free text (parties only)' })
  @UseMiddleware(partyFreeText)
  note: string | null;

  @Field(() => Date)
  closedAt: Date;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'Remiss: the district refers a person to a job centre' })
export class Referral {
  @Field(() => ID)
  id: string;

  // note: a field resolver (ReferralResolver) keeps it with the parties.

  @Field(() => ReferralStatusEnum)
  status: string;

  @Field(() => Date, { description: 'The first appointment the person was given at once' })
  firstAppointmentAt: Date;

  @Field(() => Date, { nullable: true })
  firstVisitAt: Date | null;

  @Field(() => GraphQLLocalDate, {
    nullable: true,
    description:
      'Jobbgarantin: the initial plan is due within 5 working days of the first visit (weekends and Swedish public holidays excluded)',
  })
  planDeadline: string | null;

  @Field(() => String, { nullable: true, description: 'The coach assigned by the job centre' })
  coachId: string | null;

  @Field(() => Int, { description: 'Pass as expectedVersion to change the referral' })
  version: number;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;
}

@ObjectType({ description: 'An event of the referral workflow, from the event log' })
export class ReferralEvent {
  @Field(() => ID, { description: 'Unique and stable: deduplicate on it' })
  id: string;

  @Field(() => ReferralEventTypeEnum)
  type: string;

  @Field(() => Date)
  occurredAt: Date;

  @Field(() => ID)
  referralId: string;

  @Field(() => ID)
  districtId: string;

  @Field(() => ID)
  jobCentreId: string;
}

@ObjectType()
export class ReferralEdge {
  @Field()
  cursor: string;

  @Field(() => Referral)
  node: Referral;
}

@ObjectType()
export class ReferralConnection {
  @Field(() => [ReferralEdge])
  edges: ReferralEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@ObjectType()
export class EventEdge {
  @Field()
  cursor: string;

  @Field(() => ReferralEvent)
  node: ReferralEvent;
}

@ObjectType({ description: 'A page of the event log, oldest first' })
export class EventConnection {
  @Field(() => [EventEdge])
  edges: EventEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@InputType({ description: 'Which events; all conditions must hold' })
export class EventFilter {
  @Field(() => [ReferralEventTypeEnum], { nullable: true })
  types?: string[] | null;

  @Field(() => ID, { nullable: true })
  districtId?: string | null;

  @Field(() => ID, { nullable: true })
  jobCentreId?: string | null;

  @Field(() => ID, { nullable: true })
  referralId?: string | null;
}

@InputType()
export class ReferralFilter {
  @Field(() => [ReferralStatusEnum], { nullable: true })
  status?: string[] | null;

  @Field(() => ID, { nullable: true })
  districtId?: string | null;

  @Field(() => ID, { nullable: true })
  jobCentreId?: string | null;

  @Field(() => ID, { nullable: true })
  personId?: string | null;
}

@ObjectType({
  description:
    'Status only of one of the person’s referrals: what an SFI provider or AF office may see with the person’s consent (scope REFERRAL_STATUS)',
})
export class ReferralStatusSummary {
  @Field(() => ReferralStatusEnum)
  status: string;

  @Field(() => Date)
  updatedAt: Date;
}
