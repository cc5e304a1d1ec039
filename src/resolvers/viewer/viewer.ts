import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/roles';

registerEnumType(Role, {
  name: 'Role',
  description: 'What the token holder does; with the organisation it decides what they may see',
  valuesConfig: {
    DISTRICT_CASEWORKER: {
      description:
        'Socialsekreterare at a district: handles försörjningsstöd, refers to job centres',
    },
    JOB_CENTRE_COACH: { description: 'Coach at a Jobbtorg' },
    SFI_ADMINISTRATOR: { description: 'Administrator at an SFI provider' },
    EMPLOYMENT_SERVICE_OFFICER: { description: 'Handläggare at Arbetsförmedlingen' },
    PARTNER_SYSTEM: { description: 'A system (not a person) that subscribes to events' },
    ANALYST: { description: 'Follow-up analyst: aggregates only' },
    DATA_PROTECTION_OFFICER: { description: 'Dataskyddsombud: reviews the access log' },
    ADMIN: { description: 'Operates the hub' },
  },
});

@ObjectType('Viewer', { description: 'Who is asking, from the verified token (or nobody)' })
export class ViewerType {
  @Field({ description: 'True when a valid token was presented' })
  authenticated: boolean;

  @Field(() => String, { nullable: true, description: 'Token subject: a user or system id' })
  sub: string | null;

  @Field(() => Role, { nullable: true })
  role: Role | null;

  @Field(() => [String], { description: 'Scopes from the token' })
  scopes: string[];

  /** Organisation id; resolved to an Organisation by the resolver. */
  orgId: string | null;

  @Field(() => Date, { nullable: true, description: 'When the token expires' })
  expiresAt: Date | null;
}
