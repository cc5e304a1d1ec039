import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ORGANISATION_KINDS } from '../../reference/reference-files';

export const OrganisationKind = Object.fromEntries(ORGANISATION_KINDS.map((k) => [k, k])) as {
  [K in (typeof ORGANISATION_KINDS)[number]]: K;
};

registerEnumType(OrganisationKind, {
  name: 'OrganisationKind',
  description: 'What kind of organisation takes part in the collaboration',
  valuesConfig: {
    DISTRICT: {
      description:
        'Stadsdelsförvaltning: a district administration; decides and pays försörjningsstöd',
    },
    JOB_CENTRE: {
      description: 'Jobbtorg: one of the city job centres for labour-market interventions',
    },
    SFI_PROVIDER: { description: 'SFI-anordnare: provider of Swedish tuition for immigrants' },
    EMPLOYMENT_SERVICE_OFFICE: {
      description: 'Arbetsförmedlingen office (the national public employment service)',
    },
    CITY_ADMINISTRATION: {
      description: 'City-wide administration (follow-up, data protection, operations)',
    },
    PARTNER: { description: 'Partner system that subscribes to events' },
  },
});

@Directive('@key(fields: "id")')
@Directive('@shareable')
@ObjectType({ description: 'An organisation from the versioned reference data' })
export class Organisation {
  @Field(() => ID, { description: 'Stable id, e.g. `skarholmen` or `jobbtorg-sydvast`' })
  id: string;

  @Field(() => OrganisationKind)
  kind: keyof typeof OrganisationKind;

  @Field({ description: 'Full Swedish name' })
  name: string;

  @Field()
  shortName: string;

  @Field(() => String, {
    nullable: true,
    description: 'Where it is located (job centres, offices)',
  })
  location: string | null;

  @Field({ description: 'False when a newer reference file no longer lists it' })
  active: boolean;
}
