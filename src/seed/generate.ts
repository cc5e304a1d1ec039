/**
 * Deterministic synthetic demo data: persons in the hub's index, the rows the four
 * agencies' systems of record would hold about them, and person_link rows that mirror those
 * rows exactly. Pure: the same options give the same rows on every machine, because every
 * date is relative to `referenceDate` and every random choice comes from one seeded
 * sequence. Everything produced is synthetic (person.synthetic = true) and describes nobody.
 *
 * The shares and rules follow ../shared/DOMAIN.md (target groups, the path through the job
 * centre, the four sources); where a rule is a simplification it says so below.
 */
import {
  addMonths,
  addYears,
  compactDate,
  type DayNumber,
  dayNumber,
  firstOfMonth,
  isoDate,
  Random,
  type Weighted,
} from './random';
import { NAME_GROUPS } from './names';
import type {
  DemoData,
  JobCentreEnrolmentRow,
  LinkRelation,
  PersonRow,
  PlanRow,
  SfiEnrolmentRow,
} from './rows';
import {
  AF_NAME,
  ATTENDANCE,
  ATTENDANCE_LOW,
  checkCodes,
  CLOSURE_REASONS,
  COMPANIES,
  DECISION_OUTCOMES,
  DEFAULT_DISTRICT_WEIGHT,
  DEFAULT_INTERVENTION_DAYS,
  DISTRICT_WEIGHTS,
  EDUCATION_PROVIDERS,
  EMPLOYMENT_TYPES,
  EXTENT_PERCENT,
  FINAL_GRADES,
  FORMER_ORIGIN_PROFILE,
  GRADES,
  INITIAL_GOAL,
  INTERRUPTION_REASONS_FEMALE,
  INTERRUPTION_REASONS_MALE,
  INTERVENTION_DAYS,
  INTERVENTION_HOURS,
  MIXED_ORIGINS,
  NEAR_AF_OFFICE,
  NEAR_SFI_PROVIDER,
  PASSING_GRADES,
  PROFILE_SHARES,
  PROFILES,
  type ProfileSpec,
  PROGRAMME_CATEGORY,
  PROGRAMME_MIN_REGISTERED_DAYS,
  PROGRAMMES_AFTER_CLOSURE,
  SFI_COURSE_DAYS,
  SFI_COURSES_BY_PATH,
  SFI_HOURS,
  SFI_STATUS_CURRENT,
  SFI_STATUS_PAST,
  VOLUNTARY_ORGANISATIONS,
} from './population';
import { addWorkingDays, halfHours, onWeekday, stockholmOffset } from './calendar';
import {
  type Closure,
  type Organisations,
  organisationsOf,
  type PersonContext,
} from './person-context';
import {
  bundledReferenceFiles,
  type CodeListsFile,
  type OrganisationsFile,
} from '../reference/reference-files';
import { buildPersonnummer } from '../domain/personnummer';

export const DEFAULT_REFERENCE_DATE = '2026-11-01';
export const DEFAULT_SEED = 20261101;

export * from './rows';

export interface GenerateOptions {
  persons: number;
  seed?: number;
  /** 'YYYY-MM-DD', the demo's "today"; default 2026-11-01. */
  referenceDate?: string;
  /** Reference data to draw organisations and codes from; default the bundled files. */
  reference?: { organisations: OrganisationsFile; codeLists: CodeListsFile };
}

// --- the generator -------------------------------------------------------------------------

function emptyData(seed: number, referenceDate: string): DemoData {
  return {
    seed,
    referenceDate,
    persons: [],
    personLinks: [],
    assistanceCases: [],
    decisions: [],
    jobCentreEnrolments: [],
    plans: [],
    interventions: [],
    interruptions: [],
    sfiEnrolments: [],
    jobSeekers: [],
    programmeAssignments: [],
    profiles: [],
  };
}

/**
 * The generator, producing the data set a slice at a time: `generate(n)` draws the next n
 * persons, `take()` hands over the rows drawn since the last take. The slices concatenated
 * equal `generateDemoData` with the same options, so a writer can insert one slice while the
 * next is drawn, without holding the whole data set in memory.
 */
export class DemoDataStream {
  readonly total: number;
  private readonly seed: number;
  readonly referenceDate: string;
  private readonly rng: Random;
  private readonly ref: DayNumber;
  private readonly orgs: Organisations;
  private readonly districtWeights: Weighted<{ id: string; defaultJobCentreId: string }>;
  private readonly caseworkers = new Map<string, number>();
  private readonly coaches = new Map<string, number>();
  private readonly personnummers = new Set<string>();
  private out: DemoData;
  private produced = 0;
  private currentPerson: PersonRow | undefined;

  constructor(options: GenerateOptions) {
    const { persons } = options;
    if (!Number.isInteger(persons) || persons < 0)
      throw new Error('persons must be a non-negative integer');
    const seed = options.seed ?? DEFAULT_SEED;
    const referenceDate = options.referenceDate ?? DEFAULT_REFERENCE_DATE;
    const reference =
      options.reference ??
      (() => {
        const files = bundledReferenceFiles();
        return { organisations: files.organisations.data, codeLists: files.codeLists.data };
      })();
    checkCodes(reference.codeLists);
    const organisations = reference.organisations;
    this.total = persons;
    this.seed = seed;
    this.referenceDate = referenceDate;
    this.rng = new Random(seed);
    this.ref = dayNumber(referenceDate);
    this.orgs = organisationsOf(organisations);
    this.districtWeights = this.orgs.districts.map((d) => [
      d,
      DISTRICT_WEIGHTS[d.id] ?? DEFAULT_DISTRICT_WEIGHT,
    ]);
    this.sizeStaff();
    this.out = emptyData(seed, referenceDate);
  }

  get remaining(): number {
    return this.total - this.produced;
  }

  /** Draws up to n more persons (fewer when the total is reached). */
  generate(n: number): void {
    const count = Math.min(n, this.remaining);
    for (let i = 0; i < count; i++) this.person();
    this.produced += count;
  }

  /** The rows drawn since the previous take. */
  take(): DemoData {
    const out = this.out;
    this.out = emptyData(this.seed, this.referenceDate);
    return out;
  }

  /** About 40 cases per caseworker and 30 aspirants per coach, at least two of each. */
  private sizeStaff(): void {
    const total = this.districtWeights.reduce((s, [, w]) => s + w, 0);
    const perJobCentre = new Map<string, number>();
    for (const [d, w] of this.districtWeights) {
      const expected = (this.total * w) / total;
      this.caseworkers.set(d.id, Math.max(2, Math.round(expected / 40)));
      perJobCentre.set(
        d.defaultJobCentreId,
        (perJobCentre.get(d.defaultJobCentreId) ?? 0) + expected * 0.6,
      );
    }
    for (const jc of this.orgs.jobCentres)
      this.coaches.set(jc, Math.max(2, Math.round((perJobCentre.get(jc) ?? 0) / 30)));
  }

  private caseworker(districtId: string): string {
    return `Handläggare ${this.rng.int(1, this.caseworkers.get(districtId) ?? 2)} (${districtId})`;
  }

  private coach(jobCentreId: string): string {
    return `Coach ${this.rng.int(1, this.coaches.get(jobCentreId) ?? 2)} (${jobCentreId})`;
  }

  private near(map: Readonly<Record<string, string>>, jobCentreId: string, all: string[]): string {
    const near = map[jobCentreId];
    return near && all.includes(near) && this.rng.chance(0.85) ? near : this.rng.pick(all);
  }

  /** One link per (person, organisation, relation): the primary key; rows fold into it. */
  private link(
    ctx: PersonContext,
    organisationId: string,
    relation: LinkRelation,
    targetGroup: string | null,
    active: boolean,
    since: DayNumber,
  ): void {
    const key = `${organisationId}|${relation}`;
    const sinceIso = isoDate(since);
    const existing = ctx.links.get(key);
    if (!existing) {
      ctx.links.set(key, {
        personId: ctx.id,
        organisationId,
        relation,
        targetGroup,
        active,
        since: sinceIso,
      });
      return;
    }
    if (active && !existing.active) existing.targetGroup = targetGroup;
    existing.active ||= active;
    if (sinceIso < existing.since) existing.since = sinceIso;
  }

  private personnummer(birth: DayNumber, female: boolean, coordination: boolean): string {
    const r = this.rng;
    const compact = compactDate(birth);
    const date = coordination
      ? `${compact.slice(0, 6)}${String(Number(compact.slice(6)) + 60)}`
      : compact;
    // The third serial digit is odd for men and even for women.
    for (let attempt = 0; attempt < 200; attempt++) {
      const serial = 2 * r.int(1, 499) + (female ? 0 : 1);
      const pnr = buildPersonnummer(date, serial);
      if (!this.personnummers.has(pnr)) {
        this.personnummers.add(pnr);
        return pnr;
      }
    }
    // 499 serials per day and sex: only a data set far larger than Stockholm fills one.
    throw new Error(`no free personnummer serial left for ${date}`);
  }

  private person(): void {
    const r = this.rng;
    const profile = r.weighted(PROFILE_SHARES);
    const spec = PROFILES[profile === 'FORMER' ? r.weighted(FORMER_ORIGIN_PROFILE) : profile];
    const female = r.chance(spec.femaleShare);
    const age = r.int(spec.age[0], spec.age[1]);
    // Born after the day the person would have turned age + 1, at the latest on the
    // birthday that makes them `age`: so the age at the reference date is exact.
    const birth = r.day(addYears(this.ref, -(age + 1)) + 1, addYears(this.ref, -age));
    const personnummer = this.personnummer(birth, female, r.chance(0.05));
    const origin = r.weighted(spec.origins);
    const group = NAME_GROUPS[origin];
    // Some people carry a family name from another origin (marriage, adoption).
    const familyGroup = r.chance(0.08) ? NAME_GROUPS[r.weighted(MIXED_ORIGINS)] : group;
    const district = r.weighted(this.districtWeights);
    const moved = profile !== 'FORMER' && r.chance(0.03);

    const ctx: PersonContext = {
      id: r.uuid(),
      spec,
      female,
      districtId: district.id,
      jobCentreId:
        r.chance(0.95) || this.orgs.jobCentres.length < 2
          ? district.defaultJobCentreId
          : r.pick(this.orgs.jobCentres.filter((j) => j !== district.defaultJobCentreId)),
      targetGroup: spec.targetGroup,
      links: new Map(),
    };
    this.currentPerson = {
      id: ctx.id,
      personnummer,
      givenName: r.pick(female ? group.female : group.male),
      familyName: r.pick(familyGroup.family),
      birthYear: Number(personnummer.slice(0, 4)),
      protectedIdentity: r.chance(0.01),
      homeDistrictId: district.id,
      synthetic: true,
    };
    this.out.persons.push(this.currentPerson);
    this.out.profiles.push({ personId: ctx.id, profile, moved });

    if (profile === 'FORMER') this.formerParticipant(ctx);
    else this.currentRecipient(ctx, moved);

    for (const l of ctx.links.values()) this.out.personLinks.push(l);
  }

  // --- profiles ----------------------------------------------------------------------------

  private currentRecipient(ctx: PersonContext, moved: boolean): void {
    const r = this.rng;
    const { spec } = ctx;
    const caseStart = this.ref - r.int(spec.caseAgeDays[0], spec.caseAgeDays[1]);
    const barrier = r.weighted(spec.barriers);
    if (moved) {
      const others = this.districtWeights.filter(([d]) => d.id !== ctx.districtId);
      if (others.length > 0) {
        const earlier = r.weighted(others);
        const end = caseStart - r.int(1, 30);
        this.assistanceCase(ctx, earlier.id, end - r.int(60, 700), end, barrier);
      }
    }
    this.assistanceCase(ctx, ctx.districtId, caseStart, null, barrier);

    let firstVisit: DayNumber | null = null;
    if (r.chance(spec.jobCentre)) {
      const lo = Math.max(caseStart + 7, addMonths(this.ref, -18) + 3);
      const hi = this.ref - 1;
      if (lo <= hi) {
        // A share of fresh referrals, so the "enrolled, no plan yet" state is well populated.
        const day = r.chance(0.08) ? r.day(Math.max(lo, hi - 9), hi) : r.day(lo, hi);
        firstVisit = onWeekday(day);
        this.enrolment(ctx, firstVisit, null);
      }
    }
    if (r.chance(spec.sfi)) this.sfi(ctx, null);
    if (r.chance(spec.af)) this.registeredJobSeeker(ctx, caseStart, firstVisit);
  }

  private formerParticipant(ctx: PersonContext): void {
    const r = this.rng;
    const { spec } = ctx;
    const firstVisit = onWeekday(r.day(addMonths(this.ref, -18) + 3, this.ref - 60));
    const closedAt = r.day(firstVisit + 30, Math.min(firstVisit + 540, this.ref - 7));
    const reason = r.weighted(CLOSURE_REASONS);
    const caseStart = firstVisit - r.int(7, 400);
    const caseEnd = Math.min(this.ref - 1, closedAt + r.int(0, 45));
    this.assistanceCase(ctx, ctx.districtId, caseStart, caseEnd, r.weighted(spec.barriers));
    this.enrolment(ctx, firstVisit, { closedAt, reason });
    if ((spec.targetGroup === 'SFI' || spec.targetGroup === 'FLYKTING') && r.chance(0.8))
      this.sfi(ctx, closedAt);
    if (reason === 'ANNAN_FORSORJNING')
      this.jobSeekerInProgrammeAfterClosure(ctx, caseStart, closedAt);
    else this.deregisteredJobSeeker(ctx, caseStart, closedAt);
  }

  // --- socialtjanst ------------------------------------------------------------------------

  private assistanceCase(
    ctx: PersonContext,
    districtId: string,
    start: DayNumber,
    end: DayNumber | null,
    barrier: string,
  ): void {
    const r = this.rng;
    const id = r.uuid();
    this.out.assistanceCases.push({
      id,
      personId: ctx.id,
      districtId,
      caseworker: this.caseworker(districtId),
      status: end === null ? 'ACTIVE' : 'CLOSED',
      periodStart: isoDate(start),
      periodEnd: end === null ? null : isoDate(end),
      supportBarrier: barrier,
      targetGroup: ctx.targetGroup,
    });
    this.link(ctx, districtId, 'ASSISTANCE_CASE', ctx.targetGroup, end === null, start);
    // The person's home is where the latest case is: the active one, else the last closed.
    if (this.currentPerson) this.currentPerson.homeDistrictId = districtId;

    // Monthly decisions: the three months up to the reference month (or the closing month).
    const last = firstOfMonth(end ?? this.ref);
    const first = firstOfMonth(start);
    const baseOre = r.int(3500_00, 12000_00);
    for (let k = 2; k >= 0; k--) {
      const month = addMonths(last, -k);
      if (month < first) continue;
      const outcome = r.weighted(DECISION_OUTCOMES);
      let ore = Math.round(baseOre * r.float(0.9, 1.1));
      if (outcome === 'PARTLY_REFUSED') ore = Math.round(ore * r.float(0.55, 0.9));
      ore = Math.min(15000_00, Math.max(3000_00, ore));
      this.out.decisions.push({
        id: r.uuid(),
        caseId: id,
        month: isoDate(month),
        outcome,
        // A refusal pays nothing; the amount is what the decision grants.
        amount: outcome === 'REFUSED' ? '0.00' : (ore / 100).toFixed(2),
      });
    }
  }

  // --- jobbtorg ----------------------------------------------------------------------------

  private enrolment(ctx: PersonContext, firstVisit: DayNumber, closure: Closure | null): void {
    const r = this.rng;
    const id = r.uuid();
    const end = closure ? closure.closedAt : this.ref;
    const fresh = (d: DayNumber) => d >= this.ref - 21;

    // Job guarantee: the initial plan within 5 working days of the first visit; some miss it.
    const plans: PlanRow[] = [];
    const initialFrom = r.chance(0.9)
      ? addWorkingDays(firstVisit, r.int(1, 5))
      : addWorkingDays(firstVisit, r.int(6, 9));
    if (initialFrom <= Math.min(end, this.ref - 1)) {
      plans.push({
        id: r.uuid(),
        enrolmentId: id,
        kind: 'INITIAL',
        goal: INITIAL_GOAL,
        validFrom: isoDate(initialFrom),
        validTo: isoDate(initialFrom + 27),
        status: 'APPROVED',
      });
      // Then extended plans of at most six months each, reviewed when they run out.
      let cursor = initialFrom + 28;
      while (cursor <= Math.min(end, this.ref - 1)) {
        const to = Math.min(addMonths(cursor, 6) - 1, cursor + r.int(60, 183));
        plans.push({
          id: r.uuid(),
          enrolmentId: id,
          kind: 'EXTENDED',
          goal: r.pick(ctx.spec.goals),
          validFrom: isoDate(cursor),
          validTo: isoDate(to),
          status: 'APPROVED',
        });
        cursor = to + 1;
      }
      // Only a recent plan can still be waiting for the district, or just have been rejected.
      const latest = plans[plans.length - 1];
      if (!closure && fresh(dayNumber(latest.validFrom))) {
        latest.status = r.weighted<PlanRow['status']>(
          latest.kind === 'INITIAL'
            ? [
                ['APPROVED', 60],
                ['SUBMITTED', 35],
                ['REJECTED', 5],
              ]
            : [
                ['APPROVED', 80],
                ['SUBMITTED', 15],
                ['REJECTED', 5],
              ],
        );
      }
    }

    let status: JobCentreEnrolmentRow['status'];
    if (closure) status = 'CLOSED';
    else if (!plans.some((p) => p.status === 'APPROVED')) status = 'ENROLLED';
    else if (firstVisit <= this.ref - 30 && r.chance(0.08)) status = 'INTERRUPTED';
    else status = 'ACTIVE';

    const hour = r.int(8, 15);
    const minute = r.pick(['00', '15', '30', '45']);
    const employmentType = closure?.reason === 'ARBETE' ? r.weighted(EMPLOYMENT_TYPES) : null;
    this.out.jobCentreEnrolments.push({
      id,
      personId: ctx.id,
      jobCentreId: ctx.jobCentreId,
      coach: this.coach(ctx.jobCentreId),
      firstVisitAt: `${isoDate(firstVisit)}T${String(hour).padStart(2, '0')}:${minute}:00${stockholmOffset(firstVisit)}`,
      status,
      closureReason: closure?.reason ?? null,
      closureEmploymentType: employmentType,
      closedAt: closure ? isoDate(closure.closedAt) : null,
    });
    this.out.plans.push(...plans);
    this.interventions(ctx, id, firstVisit, end, closure !== null);

    const reasons = ctx.female ? INTERRUPTION_REASONS_FEMALE : INTERRUPTION_REASONS_MALE;
    if (status === 'INTERRUPTED') {
      this.out.interruptions.push({
        id: r.uuid(),
        enrolmentId: id,
        reason: r.weighted(reasons),
        fromDate: isoDate(r.day(Math.max(firstVisit + 14, this.ref - 120), this.ref - 1)),
        toDate: null,
      });
    } else if (end - firstVisit > 90 && r.chance(0.06)) {
      // An earlier pause that has ended (avbrott och nystart).
      const from = r.day(firstVisit + 14, end - 60);
      this.out.interruptions.push({
        id: r.uuid(),
        enrolmentId: id,
        reason: r.weighted(reasons),
        fromDate: isoDate(from),
        toDate: isoDate(from + r.int(7, 45)),
      });
    }

    this.link(ctx, ctx.jobCentreId, 'JOB_CENTRE_ENROLMENT', ctx.targetGroup, !closure, firstVisit);
  }

  private provider(ctx: PersonContext, type: string): string {
    const r = this.rng;
    const jobCentre = this.orgs.names.get(ctx.jobCentreId) ?? ctx.jobCentreId;
    switch (type) {
      case 'AF_UTBUD':
        return AF_NAME;
      case 'ARBETSTRANING':
        return r.weighted<string>([
          [jobCentre, 40],
          [r.pick(COMPANIES), 40],
          [r.pick(VOLUNTARY_ORGANISATIONS), 20],
        ]);
      case 'PRAKTIK_SPRAK_INTRO':
      case 'PRAKTIK_ARBETSTRANING':
      case 'PRAKTIK_FORSTA_STEG':
        return r.chance(0.85) ? r.pick(COMPANIES) : r.pick(VOLUNTARY_ORGANISATIONS);
      case 'KORT_YRKESUTBILDNING':
      case 'LANG_YRKESUTBILDNING':
      case 'VALIDERING':
      case 'STARTA_EGET':
        return r.pick(EDUCATION_PROVIDERS);
      default:
        return jobCentre;
    }
  }

  private interventions(
    ctx: PersonContext,
    enrolmentId: string,
    firstVisit: DayNumber,
    end: DayNumber,
    closed: boolean,
  ): void {
    const r = this.rng;
    const { spec } = ctx;
    const count = r.int(1, 3);
    let start = firstVisit;
    let previous = '';
    for (let i = 0; i < count && start <= Math.min(end, this.ref - 1); i++) {
      let type = i === 0 && r.chance(0.75) ? 'KARTLAGGNING' : r.weighted(spec.interventions);
      if (type === previous) type = r.weighted(spec.interventions);
      previous = type;
      const [minDays, maxDays] = INTERVENTION_DAYS[type] ?? DEFAULT_INTERVENTION_DAYS;
      let stop = start + r.int(minDays, maxDays);
      if (closed) stop = Math.min(stop, end);
      const [minH, maxH] = INTERVENTION_HOURS[type] ?? [4, 20];
      const hours = Math.max(1, halfHours(r.float(minH, maxH) * spec.intensity));
      this.out.interventions.push({
        id: r.uuid(),
        enrolmentId,
        interventionType: type,
        provider: this.provider(ctx, type),
        startDate: isoDate(start),
        // Coaching and matching often run until further notice.
        endDate: stop > this.ref && r.chance(0.3) ? null : isoDate(stop),
        hoursPerWeek: hours,
        attendancePercent: start > this.ref - 7 ? null : this.attendance(spec),
      });
      start += r.int(14, 60);
    }
  }

  private attendance(spec: ProfileSpec): number {
    const r = this.rng;
    const band = r.weighted(spec.intensity < 1 ? ATTENDANCE_LOW : ATTENDANCE);
    return r.int(band[0], band[1]);
  }

  // --- sfi ---------------------------------------------------------------------------------

  /** `pastUntil` set: a former participant whose SFI ended by then. */
  private sfi(ctx: PersonContext, pastUntil: DayNumber | null): void {
    const r = this.rng;
    const providerId = this.near(NEAR_SFI_PROVIDER, ctx.jobCentreId, this.orgs.sfiProviders);
    const path = r.weighted(ctx.spec.sfiPaths);
    const courses = SFI_COURSES_BY_PATH[path];
    const [minDays, maxDays] = SFI_COURSE_DAYS[path];
    let index = r.int(0, courses.length - 1);
    const duration = () => r.int(minDays, maxDays);
    const hours = () => r.weighted(SFI_HOURS);
    const gradeNear = (grade: string): string => {
      const i = GRADES.indexOf(grade as (typeof GRADES)[number]);
      return GRADES[Math.min(GRADES.length - 1, Math.max(0, i + r.int(-1, 1)))];
    };
    const completed = (start: DayNumber, stop: DayNumber, grades: Weighted<string>) => {
      const grade = r.weighted(grades);
      return {
        startDate: isoDate(start),
        endDate: isoDate(stop),
        status: 'COMPLETED' as const,
        grade,
        // National tests exist for courses B–D only.
        nationalTestGrade: courses[index] !== 'A' && r.chance(0.65) ? gradeNear(grade) : null,
      };
    };

    const rows: SfiEnrolmentRow[] = [];
    const push = (
      fields: Pick<
        SfiEnrolmentRow,
        'startDate' | 'endDate' | 'status' | 'grade' | 'nationalTestGrade'
      >,
    ) =>
      rows.push({
        id: r.uuid(),
        personId: ctx.id,
        providerId,
        studyPath: path,
        course: courses[index],
        hoursPerWeek: hours(),
        ...fields,
      });

    let start: DayNumber;
    const days = duration();
    const status =
      pastUntil === null ? r.weighted(SFI_STATUS_CURRENT) : r.weighted(SFI_STATUS_PAST);
    const latestEnd = pastUntil ?? this.ref - 1;
    if (status === 'ONGOING') {
      start = r.day(this.ref - days + 7, this.ref - 1);
      // The planned end of the course.
      push({
        startDate: isoDate(start),
        endDate: isoDate(start + days),
        status,
        grade: null,
        nationalTestGrade: null,
      });
    } else if (status === 'COMPLETED') {
      const stop = r.day(latestEnd - 200, latestEnd);
      start = stop - days;
      push(completed(start, stop, FINAL_GRADES));
    } else {
      const stop = r.day(latestEnd - 150, latestEnd);
      start = stop - r.int(14, days);
      push({
        startDate: isoDate(start),
        endDate: isoDate(stop),
        status,
        grade: null,
        nationalTestGrade: null,
      });
    }
    // Earlier courses on the same path, passed, back to back.
    while (index > 0 && r.chance(0.55)) {
      index -= 1;
      const stop = start - r.int(1, 30);
      start = stop - duration();
      push(completed(start, stop, PASSING_GRADES));
    }
    rows.reverse();
    this.out.sfiEnrolments.push(...rows);
    for (const row of rows)
      this.link(
        ctx,
        providerId,
        'SFI_ENROLMENT',
        null,
        row.status === 'ONGOING',
        dayNumber(row.startDate),
      );
  }

  // --- arbetsformedlingen --------------------------------------------------------------------

  private afOffice(ctx: PersonContext): string {
    return this.near(NEAR_AF_OFFICE, ctx.jobCentreId, this.orgs.afOffices);
  }

  private programme(personId: string, code: string, start: DayNumber, end: DayNumber | null): void {
    this.out.programmeAssignments.push({
      id: this.rng.uuid(),
      personId,
      programmeCode: code,
      startDate: isoDate(start),
      endDate: end === null ? null : isoDate(end),
    });
  }

  private registeredJobSeeker(
    ctx: PersonContext,
    caseStart: DayNumber,
    firstVisit: DayNumber | null,
  ): void {
    const r = this.rng;
    const { spec } = ctx;
    let since = Math.min(this.ref - 1, caseStart + r.int(-240, 45));
    // Everyone at a job centre who is not registered at AF gets registered.
    if (firstVisit !== null && since > firstVisit + 14) since = firstVisit + r.int(0, 14);
    since = Math.min(since, this.ref - 1);

    let programme: string | null = null;
    if (r.chance(spec.afProgramme.chance)) {
      const code = r.weighted(spec.afProgramme.programmes);
      const earliest = since + (PROGRAMME_MIN_REGISTERED_DAYS[code] ?? 14);
      // The establishment programme lasts at most 24 months, so a current one began later.
      const lo = code === 'ETABLERINGSPROGRAMMET' ? Math.max(earliest, this.ref - 700) : earliest;
      if (code === 'ETABLERINGSPROGRAMMET' && since < lo - 30) since = lo - r.int(0, 30);
      if (lo <= this.ref - 1) {
        programme = code;
        const start = r.day(lo, this.ref - 1);
        const end = code === 'ETABLERINGSPROGRAMMET' ? addMonths(start, 24) - 1 : null;
        // Now and then a finished programme before this one.
        if (start - since > 120 && r.chance(0.12)) {
          const s = r.day(since, start - 90);
          this.programme(
            ctx.id,
            r.pick(['ARBETSPRAKTIK', 'RUSTA_OCH_MATCHA']),
            s,
            s + r.int(30, 60),
          );
        }
        this.programme(ctx.id, code, start, end);
      }
    }
    const officeId = this.afOffice(ctx);
    this.out.jobSeekers.push({
      personId: ctx.id,
      officeId,
      registered: true,
      registeredSince: isoDate(since),
      deregisteredAt: null,
      categoryCode: programme
        ? (PROGRAMME_CATEGORY[programme] ?? '68')
        : r.weighted(spec.afCategories),
      extentPercent: r.weighted(EXTENT_PERCENT),
      lastActivityReport: r.chance(0.92)
        ? isoDate(r.day(Math.max(since, this.ref - 40), this.ref - 1))
        : null,
      // Etableringsersättning is its own benefit, not activity support.
      activitySupport: programme !== null && programme !== 'ETABLERINGSPROGRAMMET',
    });
    this.link(ctx, officeId, 'EMPLOYMENT_SERVICE', null, true, since);
  }

  private deregisteredJobSeeker(
    ctx: PersonContext,
    caseStart: DayNumber,
    closedAt: DayNumber,
  ): void {
    const r = this.rng;
    const since = Math.min(closedAt - 30, caseStart + r.int(-240, 45));
    const deregisteredAt = Math.min(this.ref - 1, closedAt + r.int(-5, 20));
    if (deregisteredAt - since > 90 && r.chance(0.2)) {
      const s = r.day(since + 14, deregisteredAt - 60);
      this.programme(ctx.id, r.weighted(PROGRAMMES_AFTER_CLOSURE), s, s + r.int(30, 55));
    }
    const officeId = this.afOffice(ctx);
    this.out.jobSeekers.push({
      personId: ctx.id,
      officeId,
      registered: false,
      registeredSince: isoDate(since),
      deregisteredAt: isoDate(deregisteredAt),
      categoryCode: null,
      extentPercent: null,
      lastActivityReport: r.chance(0.8) ? isoDate(deregisteredAt - r.int(1, 30)) : null,
      activitySupport: false,
    });
    this.link(ctx, officeId, 'EMPLOYMENT_SERVICE', null, false, since);
  }

  /** Closure "other support": the person left the job centre for an AF programme. */
  private jobSeekerInProgrammeAfterClosure(
    ctx: PersonContext,
    caseStart: DayNumber,
    closedAt: DayNumber,
  ): void {
    const r = this.rng;
    const since = Math.min(closedAt - 30, caseStart + r.int(-240, 45));
    const code = r.weighted(PROGRAMMES_AFTER_CLOSURE);
    const start = Math.min(this.ref - 1, closedAt + r.int(0, 14));
    this.programme(ctx.id, code, start, null);
    const officeId = this.afOffice(ctx);
    this.out.jobSeekers.push({
      personId: ctx.id,
      officeId,
      registered: true,
      registeredSince: isoDate(since),
      deregisteredAt: null,
      categoryCode: PROGRAMME_CATEGORY[code] ?? '68',
      extentPercent: 100,
      lastActivityReport: isoDate(r.day(Math.max(start, this.ref - 40), this.ref - 1)),
      activitySupport: true,
    });
    this.link(ctx, officeId, 'EMPLOYMENT_SERVICE', null, true, since);
  }
}

/** Generates the demo data set. Pure and deterministic; see the file comment. */
export function generateDemoData(options: GenerateOptions): DemoData {
  const stream = new DemoDataStream(options);
  stream.generate(stream.total);
  return stream.take();
}
