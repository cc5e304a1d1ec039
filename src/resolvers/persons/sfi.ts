import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Float, ObjectType, registerEnumType } from 'type-graphql';

export enum SfiEnrolmentStatus {
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SfiEnrolmentStatus, {
  name: 'SfiEnrolmentStatus',
  description: 'Pågående (ongoing), avslutad med betyg (completed), avbruten (cancelled)',
});

@ObjectType({
  description:
    'An enrolment in SFI (svenska för invandrare, Swedish tuition for immigrants), from adult education (source `sfi`)',
})
export class SfiEnrolment {
  @Field(() => GraphQLLocalDate)
  startDate: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  endDate: string | null;

  @Field(() => Float, { description: 'Omfattning: hours per week' })
  hoursPerWeek: number;

  @Field(() => SfiEnrolmentStatus)
  status: SfiEnrolmentStatus;
}
