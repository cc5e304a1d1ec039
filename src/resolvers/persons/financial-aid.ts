import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum AssistanceCaseStatus {
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}
registerEnumType(AssistanceCaseStatus, {
  name: 'AssistanceCaseStatus',
  description: 'Status of the försörjningsstöd case at the district',
});

export enum DecisionOutcome {
  GRANTED = 'GRANTED',
  PARTLY_REFUSED = 'PARTLY_REFUSED',
  REFUSED = 'REFUSED',
}
registerEnumType(DecisionOutcome, {
  name: 'DecisionOutcome',
  description: 'Beslut: bifall (granted), delvis avslag (partly refused), avslag (refused)',
});

@ObjectType({ description: 'A monthly decision on försörjningsstöd (ekonomiskt bistånd)' })
export class AssistanceDecision {
  @Field(() => GraphQLLocalDate, { description: 'The month decided (first day)' })
  month: string;

  @Field(() => DecisionOutcome)
  outcome: DecisionOutcome;

  // `amount` is a field resolver: only the deciding district sees it.
}

@ObjectType({
  description:
    "Försörjningsstöd (economic assistance): the district's case, from its case system (source `socialtjanst`)",
})
export class FinancialAidCase {
  @Field(() => ID, { description: "The case id in the district's system" })
  caseId: string;

  @Field(() => AssistanceCaseStatus)
  status: AssistanceCaseStatus;

  @Field({ description: 'True while the case is active (aktuellt ärende)' })
  active: boolean;

  @Field({ description: 'Socialsekreterare (caseworker) responsible at the district' })
  caseworker: string;

  @Field(() => GraphQLLocalDate)
  periodStart: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  periodEnd: string | null;
}
