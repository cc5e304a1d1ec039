import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/relay';

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    'A person known to the hub. Each source field comes from one agency; a field is null when that agency has no record (or, with a SOURCE_UNAVAILABLE error, when it could not be reached).',
})
export class Person {
  @Field(() => ID)
  id: string;

  @Field(() => Int, { description: 'Födelseår' })
  birthYear: number;

  @Field({
    description:
      'Skyddad folkbokföring / sekretessmarkering: name, personnummer and district are withheld outside the owning district',
  })
  protectedIdentity: boolean;
}

@ObjectType()
export class PersonEdge {
  @Field()
  cursor: string;

  @Field(() => Person)
  node: Person;
}

@ObjectType({ description: 'A page of persons (Relay connection)' })
export class PersonConnection {
  @Field(() => [PersonEdge])
  edges: PersonEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;

  // totalCount is a field resolver: counted only when asked for.
}

@InputType({ description: 'Narrows persons(); all conditions must hold' })
export class PersonFilter {
  @Field(() => ID, {
    nullable: true,
    description: 'Persons with an active assistance case in this district',
  })
  districtId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Persons referred to or enrolled at this job centre',
  })
  jobCentreId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Målgrupp: a code of the targetGroup code list',
  })
  targetGroup?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Has (true) or has no (false) active assistance case',
  })
  hasActiveAssistanceCase?: boolean | null;
}
