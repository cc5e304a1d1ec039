/**
 * Field resolvers of the source types: codes become `Code`s from the reference data,
 * organisation ids become `Organisation`s, and the policy withholds what the viewer may
 * not see (a protected person's district, assistance amounts outside the district).
 */
import { Ctx, Float, FieldResolver, Resolver, Root } from 'type-graphql';
import type {
  AssistanceDecisionRecord,
  EmploymentServiceStatusRecord,
  InterruptionRecord,
  InterventionRecord,
  JobCentreEnrolmentRecord,
  SfiEnrolmentRecord,
} from '../../connectors/types';
import type { Context } from '../../context';
import type { CodeRecord, OrganisationRecord } from '../../services/reference/reference-service';
import { codeOf } from '../reference/code-of';
import { afterDecision } from '../../services/persons/field-access';
import type { FinancialAidCaseView } from './person-resolver';
import { Code } from '../reference/code';
import { EmploymentServiceStatus, ProgrammeAssignment } from './employment-service';
import { AssistanceDecision, FinancialAidCase } from './financial-aid';
import { EnrolmentClosure, Interruption, Intervention, JobCentreEnrolment } from './job-centre';
import { Organisation } from '../reference/organisation';
import { SfiEnrolment } from './sfi';

type DecisionView = AssistanceDecisionRecord & Pick<FinancialAidCaseView, 'districtId' | 'person'>;

@Resolver(() => FinancialAidCase)
export class FinancialAidCaseResolver {
  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'The district (stadsdel) that holds the case; null when withheld',
  })
  district(
    @Root() c: FinancialAidCaseView,
    @Ctx() ctx: Context,
  ): OrganisationRecord | null | Promise<OrganisationRecord | null> {
    // Where the case is says where a protected person lives.
    return afterDecision(
      ctx.fields.allow(c.person, 'identity'),
      () => ctx.services.reference.organisation(c.districtId) ?? null,
    );
  }

  @FieldResolver(() => Code, {
    description: 'Försörjningshinder: the support barrier (code list supportBarrier)',
  })
  supportBarrier(@Root() c: FinancialAidCaseView, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'supportBarrier', c.supportBarrier);
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: 'Målgrupp assessed by the district (code list targetGroup)',
  })
  targetGroup(@Root() c: FinancialAidCaseView, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'targetGroup', c.targetGroup);
  }

  @FieldResolver(() => [AssistanceDecision], {
    nullable: true,
    description:
      'Monthly decisions, latest first: the deciding district only (null with FORBIDDEN for others)',
  })
  decisions(
    @Root() c: FinancialAidCaseView,
    @Ctx() ctx: Context,
  ): DecisionView[] | Promise<DecisionView[]> {
    return afterDecision(ctx.fields.allow(c.person, 'assistanceDecisions', c.districtId), () => {
      // Read whenever the operation selects `decisions` (source-details.ts): absent is a bug,
      // and an error says so where an empty list would say "no decisions".
      if (!c.decisions) throw new Error('decisions were not read for this operation');
      return c.decisions.map((d) => ({ ...d, districtId: c.districtId, person: c.person }));
    });
  }
}

@Resolver(() => AssistanceDecision)
export class AssistanceDecisionResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description: 'Belopp in SEK: only the deciding district sees it (FORBIDDEN otherwise)',
  })
  amount(@Root() d: DecisionView, @Ctx() ctx: Context): number | Promise<number> {
    return afterDecision(ctx.fields.allow(d.person, 'assistanceAmounts', d.districtId), () =>
      Number(d.amount),
    );
  }
}

@Resolver(() => JobCentreEnrolment)
export class JobCentreEnrolmentResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: 'The job centre (Jobbtorg)' })
  jobCentre(@Root() e: JobCentreEnrolmentRecord, @Ctx() ctx: Context): OrganisationRecord | null {
    return ctx.services.reference.organisation(e.jobCentreId) ?? null;
  }
}

@Resolver(() => Intervention)
export class InterventionResolver {
  @FieldResolver(() => Code, { description: 'Insatstyp (code list interventionType)' })
  interventionType(@Root() i: InterventionRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'interventionType', i.interventionType);
  }
}

@Resolver(() => Interruption)
export class InterruptionResolver {
  @FieldResolver(() => Code, { description: 'Orsak till avbrott (code list interruptionReason)' })
  reason(@Root() i: InterruptionRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'interruptionReason', i.reason);
  }
}

@Resolver(() => EnrolmentClosure)
export class EnrolmentClosureResolver {
  @FieldResolver(() => Code, { description: 'Avslutsorsak (code list closureReason)' })
  reason(
    @Root() c: NonNullable<JobCentreEnrolmentRecord['closure']>,
    @Ctx() ctx: Context,
  ): CodeRecord | null {
    return codeOf(ctx.services.reference, 'closureReason', c.reason);
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: 'Anställningsform when closed to work (code list employmentType)',
  })
  employmentType(
    @Root() c: NonNullable<JobCentreEnrolmentRecord['closure']>,
    @Ctx() ctx: Context,
  ): CodeRecord | null {
    return codeOf(ctx.services.reference, 'employmentType', c.employmentType);
  }
}

@Resolver(() => SfiEnrolment)
export class SfiEnrolmentResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: 'SFI-anordnare: the provider' })
  provider(@Root() e: SfiEnrolmentRecord, @Ctx() ctx: Context): OrganisationRecord | null {
    return ctx.services.reference.organisation(e.providerId) ?? null;
  }

  @FieldResolver(() => Code, { description: 'Studieväg 1–3 (code list sfiStudyPath)' })
  studyPath(@Root() e: SfiEnrolmentRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'sfiStudyPath', e.studyPath);
  }

  @FieldResolver(() => Code, { description: 'Kurs A–D (code list sfiCourse)' })
  course(@Root() e: SfiEnrolmentRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'sfiCourse', e.course);
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: 'Betyg A–F, F = not passed (code list sfiGrade)',
  })
  grade(@Root() e: SfiEnrolmentRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'sfiGrade', e.grade);
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: 'Nationellt prov (courses B–D): the national test grade',
  })
  nationalTestGrade(@Root() e: SfiEnrolmentRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'sfiGrade', e.nationalTestGrade);
  }
}

@Resolver(() => EmploymentServiceStatus)
export class EmploymentServiceStatusResolver {
  @FieldResolver(() => Organisation, { nullable: true, description: 'The AF office' })
  office(@Root() s: EmploymentServiceStatusRecord, @Ctx() ctx: Context): OrganisationRecord | null {
    return ctx.services.reference.organisation(s.officeId) ?? null;
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: "Sökandekategori: AF's job-seeker category (opaque code plus text)",
  })
  category(@Root() s: EmploymentServiceStatusRecord, @Ctx() ctx: Context): CodeRecord | null {
    return codeOf(ctx.services.reference, 'afCategory', s.categoryCode);
  }

  @FieldResolver(() => Code, {
    nullable: true,
    description: 'The current programme (code list afProgramme), if any',
  })
  programme(@Root() s: EmploymentServiceStatusRecord, @Ctx() ctx: Context): CodeRecord | null {
    const current = s.programmes.find((p) => p.endDate === null);
    return codeOf(ctx.services.reference, 'afProgramme', current?.programmeCode);
  }

  @FieldResolver(() => [ProgrammeAssignment], {
    description: 'Programme assignments, latest first',
  })
  programmes(
    @Root() s: EmploymentServiceStatusRecord,
  ): EmploymentServiceStatusRecord['programmes'] {
    return s.programmes;
  }
}

@Resolver(() => ProgrammeAssignment)
export class ProgrammeAssignmentResolver {
  @FieldResolver(() => Code, { description: 'Program (code list afProgramme)' })
  programme(
    @Root() a: EmploymentServiceStatusRecord['programmes'][number],
    @Ctx() ctx: Context,
  ): CodeRecord | null {
    return codeOf(ctx.services.reference, 'afProgramme', a.programmeCode);
  }
}
