import { GraphQLLocalDate } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { CONSENT_SCOPES } from '../../auth/policy-table';

export const ConsentScopeEnum = Object.fromEntries(CONSENT_SCOPES.map((s) => [s, s])) as {
  [K in (typeof CONSENT_SCOPES)[number]]: K;
};
registerEnumType(ConsentScopeEnum, {
  name: 'ConsentScope',
  description: 'Which data a consent (samtycke) lets cross between the parties',
  valuesConfig: {
    REFERRAL_STATUS: {
      description: 'The status of the person’s referrals (for SFI providers and AF offices)',
    },
    JOB_CENTRE: {
      description: 'The job centres’ enrolment: coach, plan, interventions (jobbtorg)',
    },
    SFI: { description: 'Adult education’s SFI enrolments and grades (sfi)' },
    EMPLOYMENT_SERVICE: { description: 'Arbetsförmedlingen’s status (arbetsformedlingen)' },
  },
});

export enum ConsentStatusEnum {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  EXPIRED = 'EXPIRED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(ConsentStatusEnum, {
  name: 'ConsentStatus',
  description: 'Whether a consent allows sharing today',
  valuesConfig: {
    PENDING: { description: 'validFrom is still ahead' },
    ACTIVE: { description: 'Valid today: data in its scope may cross between its parties' },
    EXPIRED: { description: 'validUntil has passed' },
    WITHDRAWN: { description: 'Återkallat: the person withdrew it; no effect from that moment' },
  },
});

@ObjectType({
  description:
    'Samtycke: the person’s consent that data in `scope` may be shared between `parties`, from validFrom to validUntil (inclusive, Stockholm dates), until withdrawn',
})
export class Consent {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  personId: string;

  @Field(() => [ConsentScopeEnum])
  scope: string[];

  @Field(() => GraphQLLocalDate)
  validFrom: string;

  @Field(() => GraphQLLocalDate)
  validUntil: string;

  @Field(() => Date)
  recordedAt: Date;

  @Field(() => Date, { nullable: true })
  withdrawnAt: Date | null;
}

@InputType({
  description:
    'Samtycke: record what the person agreed to. The district that holds the person’s assistance case records it.',
})
export class RecordConsentInput {
  @Field(() => ID)
  personId: string;

  @Field(() => [ID], {
    description:
      'Organisations that may share the data (districts, job centres, SFI providers, AF offices); at least one besides the recording district',
  })
  parties: string[];

  @Field(() => [ConsentScopeEnum], { description: 'Which data may be shared' })
  scope: (typeof CONSENT_SCOPES)[number][];

  @Field(() => GraphQLLocalDate, {
    nullable: true,
    description: 'Defaults to today; not in the past',
  })
  validFrom?: string | null;

  @Field(() => GraphQLLocalDate, { description: 'Last day the consent is valid' })
  validUntil: string;

  @Field(() => String, {
    nullable: true,
    description: 'Same key and same input returns the first result',
  })
  idempotencyKey?: string | null;
}

@InputType({ description: 'The person withdrew a consent: it stops allowing reads at once' })
export class WithdrawConsentInput {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Why (no personal details)' })
  reason?: string | null;
}
