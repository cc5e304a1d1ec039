import { Kind, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type {
  EmploymentServiceStatusRecord,
  FinancialAidCaseRecord,
  JobCentreEnrolmentRecord,
  SfiEnrolmentRecord,
} from '../../connectors/types';
import type { Context } from '../../context';
import { afterDecision, type FieldAccess } from '../../services/persons/field-access';
import type { PersonFieldGroup } from '../../auth/policy-table';
import type { PersonRecord } from '../../services/persons/person-directory';
import { encodePersonCursor } from '../../services/persons/person-service';
import { toConnection, type ConnectionValue } from '../common/connection';
import type { OrganisationRecord } from '../../services/reference/reference-service';
import { EmploymentServiceStatus } from './employment-service';
import { FinancialAidCase } from './financial-aid';
import { JobCentreEnrolment } from './job-centre';
import { Organisation } from '../reference/organisation';
import { Person, PersonConnection, PersonFilter } from './person';
import { SfiEnrolment } from './sfi';

/** What the FinancialAidCase resolvers receive: the source record plus its person. */
export type FinancialAidCaseView = FinancialAidCaseRecord & {
  person: PersonRecord;
  active: boolean;
};

/** True when the field's own selection names `name` (not through a fragment: then false). */
function selectsDirectly(info: GraphQLResolveInfo, name: string): boolean {
  return info.fieldNodes.some((node) =>
    node.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === name),
  );
}

/**
 * The source fields ask the policy, then the source, without an `async` function's extra
 * promises per person (a caseload page resolves 200 of these). As from an `async` resolver,
 * the answer is always a promise, and a denial a rejected one.
 */
function allowThen<T>(
  ctx: Context,
  p: PersonRecord,
  group: PersonFieldGroup,
  next: () => Promise<T>,
): Promise<T> {
  let decision: ReturnType<FieldAccess['allow']>;
  try {
    decision = ctx.fields.allow(p, group);
  } catch (err) {
    // allow() throws FORBIDDEN (an Error); anything else would be a fault, kept as one.
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return decision instanceof Promise ? decision.then(next) : next();
}

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
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => PersonFilter, { nullable: true }) filter?: PersonFilter | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0–100 (default 20)' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<PersonConnectionValue> {
    // The page, the consents its field decisions need and the total: one statement.
    const page = await ctx.persons.persons(filter ?? {}, first, after, {
      consents: ctx.fields.decidesByConsent(),
      count: selectsDirectly(info, 'totalCount'),
    });
    if (page.consents) ctx.fields.knowConsents(page.consents);
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
  personnummer(@Root() p: PersonRecord, @Ctx() ctx: Context): string | Promise<string> {
    return afterDecision(ctx.fields.allow(p, 'identity'), () => p.personnummer);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Förnamn; null when withheld' })
  givenName(@Root() p: PersonRecord, @Ctx() ctx: Context): string | Promise<string> {
    return afterDecision(ctx.fields.allow(p, 'identity'), () => p.givenName);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Efternamn; null when withheld' })
  familyName(@Root() p: PersonRecord, @Ctx() ctx: Context): string | Promise<string> {
    return afterDecision(ctx.fields.allow(p, 'identity'), () => p.familyName);
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'Folkbokföringsdistrikt: the district the person lives in; null when withheld',
  })
  homeDistrict(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): OrganisationRecord | null | Promise<OrganisationRecord | null> {
    return afterDecision(ctx.fields.allow(p, 'identity'), () =>
      p.homeDistrictId ? (ctx.services.reference.organisation(p.homeDistrictId) ?? null) : null,
    );
  }

  @FieldResolver(() => FinancialAidCase, {
    nullable: true,
    description:
      'Försörjningsstöd: the district case (source socialtjanst). The deciding district sees it in full; the receiving job centre sees that there is a case and its support barrier (shared with the referral), never decisions or amounts; others get FORBIDDEN.',
  })
  financialAid(@Root() p: PersonRecord, @Ctx() ctx: Context): Promise<FinancialAidCaseView | null> {
    const load = () =>
      ctx.sources.load('socialtjanst', p.id).then((record) =>
        record
          ? afterDecision(ctx.fields.allow(p, 'financialAid', record.districtId), () => ({
              ...record,
              person: p,
              active: record.status === 'ACTIVE',
            }))
          : null,
      );
    // Denied before the source is asked: data minimisation starts with not fetching.
    return ctx.fields.never('financialAid') ? allowThen(ctx, p, 'financialAid', load) : load();
  }

  @FieldResolver(() => JobCentreEnrolment, {
    nullable: true,
    description:
      'Jobbtorg enrolment (source jobbtorg). Outside the job centres only with the person’s consent (scope JOB_CENTRE).',
  })
  jobCentre(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): Promise<JobCentreEnrolmentRecord | null> {
    return allowThen(ctx, p, 'jobCentre', () => ctx.sources.load('jobbtorg', p.id));
  }

  @FieldResolver(() => [SfiEnrolment], {
    nullable: true,
    description:
      'SFI enrolments, latest first (source sfi). Outside adult education only with the person’s consent (scope SFI).',
  })
  sfi(@Root() p: PersonRecord, @Ctx() ctx: Context): Promise<SfiEnrolmentRecord[] | null> {
    return allowThen(ctx, p, 'sfi', () =>
      ctx.sources
        .load('sfi', p.id)
        // No record means no enrolments, unless the source failed: then it is unknown.
        .then((record) => record ?? (ctx.sources.failed('sfi') ? null : [])),
    );
  }

  @FieldResolver(() => EmploymentServiceStatus, {
    nullable: true,
    description:
      'Arbetsförmedlingen status; null when the person is not known to AF (source arbetsformedlingen). Districts read it through SSBTEK; job centres and others only with the person’s consent (scope EMPLOYMENT_SERVICE).',
  })
  employmentService(
    @Root() p: PersonRecord,
    @Ctx() ctx: Context,
  ): Promise<EmploymentServiceStatusRecord | null> {
    return allowThen(ctx, p, 'employmentService', () =>
      ctx.sources.load('arbetsformedlingen', p.id),
    );
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
