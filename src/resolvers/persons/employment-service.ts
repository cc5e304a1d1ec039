import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description: 'A programme assignment (anvisning till program) at Arbetsförmedlingen',
})
export class ProgrammeAssignment {
  @Field(() => GraphQLLocalDate)
  startDate: string;

  @Field(() => GraphQLLocalDate, { nullable: true })
  endDate: string | null;
}

@ObjectType({
  description:
    "Arbetsförmedlingen's (AF, the public employment service) status for the person, as social services see it through SSBTEK (source `arbetsformedlingen`)",
})
export class EmploymentServiceStatus {
  @Field({ description: 'Inskriven som arbetssökande: registered as a job seeker' })
  registered: boolean;

  @Field(() => GraphQLLocalDate, { nullable: true })
  registeredSince: string | null;

  @Field(() => GraphQLLocalDate, { nullable: true, description: 'Avaktualiserad: deregistered' })
  deregisteredAt: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Omfattning: extent of the search, percent of full time',
  })
  extentPercent: number | null;

  @Field(() => GraphQLLocalDate, {
    nullable: true,
    description: 'Senaste aktivitetsrapport: last activity report',
  })
  lastActivityReport: string | null;

  @Field({ description: 'Aktivitetsstöd: receives activity support in a programme' })
  activitySupport: boolean;

  @Field(() => Date, { description: 'When the hub read this from AF' })
  fetchedAt: Date;

  @Field({ description: 'True when AF could not be reached and this is the last known status' })
  stale: boolean;
}
