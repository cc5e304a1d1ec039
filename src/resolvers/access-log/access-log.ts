import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { AccessPath as StoredAccessPath } from '../../entities';
import { PageInfo } from '../common/relay';

/** GraphQL names for the stored paths ('root', 'entities'). */
export const AccessPath: Record<'ROOT' | 'ENTITIES', StoredAccessPath> = {
  ROOT: 'root',
  ENTITIES: 'entities',
};

registerEnumType(AccessPath, {
  name: 'AccessPath',
  description: 'By which path a read reached the data',
  valuesConfig: {
    ROOT: { description: 'The hub’s own root fields and subscriptions' },
    ENTITIES: { description: 'A federation gateway resolving entity references (`_entities`)' },
  },
});

@ObjectType({
  description:
    'One access to a person’s data (who, whose, what, why, when), or one change to a webhook endpoint (`resource`)',
})
export class AccessLogEntry {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  at: Date;

  @Field({ description: 'The request, to correlate with the application log' })
  requestId: string;

  @Field({ description: 'Token subject of the user or system' })
  actorSub: string;

  @Field()
  actorRole: string;

  @Field({ description: 'Organisation id of the actor' })
  actorOrg: string;

  @Field(() => ID, {
    nullable: true,
    description:
      'Whose data was read or changed. Null only for a change to something that is not a person’s data (see `resource`)',
  })
  personId: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What a change that is not to a person’s data was made to: `webhookEndpoint:<id>` (a webhook endpoint created, its secret rotated, disabled, enabled or replayed). Null for a person’s data',
  })
  resource: string | null;

  @Field({ description: 'READ or WRITE' })
  action: string;

  @Field({ description: 'GraphQL operation name, or the workflow step for a change' })
  operation: string;

  @Field(() => [String], {
    description:
      'Field groups read or changed (docs/authorization.md): identity, financialAid, assistanceDecisions, assistanceAmounts, jobCentre, sfi, employmentService, referrals, referralStatuses, consents, referral',
  })
  fieldGroups: string[];

  @Field(() => [String], {
    description:
      'The ground of each read across authorities, as `group=basis`: `sfi=consent:<consent id>`, `employmentService=legal-basis:<statute>`, `financialAid=referral`. Empty for the organisation’s own data.',
  })
  bases: string[];

  @Field({
    description:
      'Stated purpose (x-purpose header / connectionParams.purpose; default case-handling)',
  })
  purpose: string;

  @Field(() => AccessPath)
  via: StoredAccessPath;
}

@ObjectType()
export class AccessLogEdge {
  @Field()
  cursor: string;

  @Field(() => AccessLogEntry)
  node: AccessLogEntry;
}

@ObjectType({ description: 'The access log, newest first' })
export class AccessLogConnection {
  @Field(() => [AccessLogEdge])
  edges: AccessLogEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
