import type { NonEmptyArray } from 'type-graphql';
import { AccessLogResolver } from './access-log-resolver';
import { ConsentResolver, PersonConsentsResolver } from './consent-resolver';
import { EventResolver } from './event-resolver';
import { FollowUpResolver } from './follow-up-resolver';
import { PersonConnectionResolver, PersonResolver } from './person-resolver';
import { ReferralMutationResolver } from './referral-mutation-resolver';
import {
  ClosureResolver,
  DeviationResolver,
  JobPlanActivityResolver,
  JobPlanResolver,
  PersonReferralsResolver,
  ReferralConnectionResolver,
  ReferralResolver,
  ReferralReturnResolver,
  ReferralStatusSummaryResolver,
} from './referral-resolver';
import { ReferenceResolver } from './reference-resolver';
import {
  AssistanceDecisionResolver,
  EmploymentServiceStatusResolver,
  EnrolmentClosureResolver,
  FinancialAidCaseResolver,
  InterruptionResolver,
  InterventionResolver,
  JobCentreEnrolmentResolver,
  ProgrammeAssignmentResolver,
  SfiEnrolmentResolver,
} from './source-resolvers';
import { ViewerResolver } from './viewer-resolver';

/** Every resolver class of the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [
  ViewerResolver,
  ReferenceResolver,
  PersonResolver,
  PersonConnectionResolver,
  FinancialAidCaseResolver,
  AssistanceDecisionResolver,
  JobCentreEnrolmentResolver,
  InterventionResolver,
  InterruptionResolver,
  EnrolmentClosureResolver,
  SfiEnrolmentResolver,
  EmploymentServiceStatusResolver,
  ProgrammeAssignmentResolver,
  ReferralResolver,
  PersonReferralsResolver,
  ReferralConnectionResolver,
  JobPlanResolver,
  JobPlanActivityResolver,
  DeviationResolver,
  ReferralReturnResolver,
  ClosureResolver,
  ReferralMutationResolver,
  EventResolver,
  AccessLogResolver,
  ConsentResolver,
  PersonConsentsResolver,
  ReferralStatusSummaryResolver,
  FollowUpResolver,
];
