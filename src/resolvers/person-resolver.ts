import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { maySeeIdentity } from '../auth/policy';
import type {
  EmploymentServiceStatusRecord,
  FinancialAidCaseRecord,
  JobCentreEnrolmentRecord,
  SfiEnrolmentRecord,
} from '../connectors/types';
import type { Context } from '../context';
import type { PersonRecord } from '../services/person-directory';
import { encodePersonCursor } from '../services/person-service';
import { toConnection, type ConnectionValue } from './connection';
import type { OrganisationRecord } from '../services/reference-service';
import { EmploymentServiceStatus } from './types/employment-service';
import { FinancialAidCase } from './types/financial-aid';
import { JobCentreEnrolment } from './types/job-centre';
import { Organisation } from './types/organisation';
import { Person, PersonConnection, PersonFilter } from './types/person';
import { SfiEnrolment } from './types/sfi';

/** What the FinancialAidCase resolvers receive: the source record plus its person. */
export type FinancialAidCaseView = FinancialAidCaseRecord & {
  person: PersonRecord;
  active: boolean;
};

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, {
    nullable: true,
    description: 'A person by id; null when unknown or not visible to the viewer',
  })
  person(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PersonRecord | null> {
    return ctx.persons.person(id);
  }

  @Query(() => Person, {
    nullable: true,
    description:
      'A person by personnummer (12 digits, YYYYMMDDNNNC; the check digit is validated); null when unknown or not visible',
  })
  personByPersonnummer(
    @Arg('personnummer') personnummer: string,
    @Ctx() ctx: Context,
  ): Promise<PersonRecord | null> {
    return ctx.persons.personByPersonnummer(personnummer);
  }

  @Query(() => PersonConnection, {
    description:
      "Persons the viewer's organisation has a relation to (a district: residents with an active assistance case; a job centre: persons referred or enrolled there; an SFI provider: its students; an AF office: its job seekers), ordered by id",
  })
  async persons(
    @Ctx() ctx: Context,
    @Arg('filter', () => PersonFilter, { nullable: true }) filter?: PersonFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0–100 (default 20)' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<PersonConnectionValue> {
    const page = await ctx.persons.persons(filter ?? {}, first, after);
    return toConnection(
      page.persons,
      (p) => encodePersonCursor(p.id),
      page.hasNextPage,
      page.totalCount,
    );
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Personnummer, 12 digits; null when withheld (protected identity)',
  })
  personnummer(@Root() p: PersonRecord, @Ctx() ctx: Context): string | null {
    return maySeeIdentity(ctx.viewer, p) ? p.personnummer : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Förnamn; null when withheld' })
  givenName(@Root() p: PersonRecord, @Ctx() ctx: Context): string | null {
    return maySeeIdentity(ctx.viewer, p) ? p.givenName : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Efternamn; null when withheld' })
  familyName(@Root() p: PersonRecord, @Ctx() ctx: Context): string | null {
    return maySeeIdentity(ctx.viewer, p) ? p.familyName : null;
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'Folkbokföringsdistrikt: the district the person lives in; null when withheld',
  })
  homeDistrict(@Root() p: PersonRecord, @Ctx() ctx: Context): OrganisationRecord | null {
    if (!p.homeDistrictId || !maySeeIdentity(ctx.viewer, p)) return null;
    return ctx.services.reference.organisation(p.homeDistrictId) ?? null;
  }

  @FieldResolver(() => FinancialAidCase, {
    nullable: true,
    description: 'Försörjningsstöd: the district case (source socialtjanst)',
  })
  async financialAid(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): Promise<FinancialAidCaseView | null> {
    const record = await ctx.sources.load('socialtjanst', p.id);
    if (!record) return null;
    ctx.access.read(p.id, 'financialAid');
    return { ...record, person: p, active: record.status === 'ACTIVE' };
  }

  @FieldResolver(() => JobCentreEnrolment, {
    nullable: true,
    description: 'Jobbtorg enrolment (source jobbtorg)',
  })
  async jobCentre(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): Promise<JobCentreEnrolmentRecord | null> {
    const record = await ctx.sources.load('jobbtorg', p.id);
    if (record) ctx.access.read(p.id, 'jobCentre');
    return record;
  }

  @FieldResolver(() => [SfiEnrolment], {
    nullable: true,
    description: 'SFI enrolments, latest first (source sfi)',
  })
  async sfi(@Root() p: PersonRecord, @Ctx() ctx: Context): Promise<SfiEnrolmentRecord[] | null> {
    const record = await ctx.sources.load('sfi', p.id);
    if (record) {
      ctx.access.read(p.id, 'sfi');
      return record;
    }
    // No record means no enrolments, unless the source failed: then it is unknown.
    return ctx.sources.failed('sfi') ? null : [];
  }

  @FieldResolver(() => EmploymentServiceStatus, {
    nullable: true,
    description:
      'Arbetsförmedlingen status; null when the person is not known to AF (source arbetsformedlingen)',
  })
  async employmentService(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): Promise<EmploymentServiceStatusRecord | null> {
    const record = await ctx.sources.load('arbetsformedlingen', p.id);
    if (record) ctx.access.read(p.id, 'employmentService');
    return record;
  }
}

type PersonConnectionValue = ConnectionValue<PersonRecord>;

@Resolver(() => PersonConnection)
export class PersonConnectionResolver {
  @FieldResolver(() => Int, {
    description: 'All persons matching the filter (counted only when asked for)',
  })
  totalCount(@Root() connection: PersonConnectionValue): Promise<number> {
    return connection.count();
  }
}
