import type { NonEmptyArray } from 'type-graphql';
import { AccessLogResolver } from './access-log/access-log-resolver';
import { ConsentResolver, PersonConsentsResolver } from './consent/consent-resolver';
import { EventResolver } from './referrals/event-resolver';
import { FollowUpResolver } from './follow-up/follow-up-resolver';
import { PersonConnectionResolver, PersonResolver } from './persons/person-resolver';
import { ReferralMutationResolver } from './referrals/referral-mutation-resolver';
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
} from './referrals/referral-resolver';
import { ReferenceResolver } from './reference/reference-resolver';
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
} from './persons/source-resolvers';
import { ViewerResolver } from './viewer/viewer-resolver';
import { WebhookResolver } from './webhooks/webhook-resolver';

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
  WebhookResolver,
];
