import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@shareable')
@ObjectType({
  description:
    'A value from a versioned code list (e.g. försörjningshinder, insatstyp). Code lists change over time, so they are data, not GraphQL enums.',
})
export class Code {
  @Field({ description: 'The stable code, e.g. `01`' })
  code: string;

  @Field({ description: 'Swedish label' })
  label: string;

  @Field({ description: 'Name of the code list, e.g. `supportBarrier`' })
  list: string;

  @Field({
    description: 'False when the current list no longer offers this code (old records keep it)',
  })
  active: boolean;
}
