/** The synthetic demo data generator: deterministic, valid, and shaped like DOMAIN.md. */
import { parseSeedArgs } from '../../scripts/seed';
import { parsePersonnummer } from '../../src/domain/personnummer';
import { bundledReferenceFiles } from '../../src/reference/reference-files';
import {
  DemoDataStream,
  generateDemoData,
  type DemoData,
  type DemoProfile,
  type PersonLinkRow,
} from '../../src/seed/generate';
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from '../../src/seed/names';
import { addMonths, dayNumber, isoDate, Random, weekday } from '../../src/seed/random';

const REFERENCE_DATE = '2026-11-01';
const ref = dayNumber(REFERENCE_DATE);
const files = bundledReferenceFiles();
const organisations = new Map(files.organisations.data.organisations.map((o) => [o.id, o]));
const codes = (list: string) => new Set(files.codeLists.data.lists[list].codes.map((c) => c.code));

const N = 2000;
let data: DemoData;

beforeAll(() => {
  data = generateDemoData({ persons: N, seed: 4242, referenceDate: REFERENCE_DATE });
});

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

function personsOf(profile: DemoProfile): string[] {
  return data.profiles.filter((p) => p.profile === profile).map((p) => p.personId);
}

function share(ids: readonly string[], has: (id: string) => boolean): number {
  return ids.filter(has).length / ids.length;
}

/**
 * Collects rule violations, so a loop over thousands of rows makes one assertion (and the
 * failure lists every offending row, not just the first).
 */
function violations<T>(rows: readonly T[], rules: (row: T) => (string | false)[]): string[] {
  const out: string[] = [];
  for (const row of rows)
    for (const problem of rules(row)) if (problem) out.push(`${problem}: ${JSON.stringify(row)}`);
  return out.slice(0, 20);
}

function ageAt(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  const [ry, rm, rd] = REFERENCE_DATE.split('-').map(Number);
  return ry - y - (rm < m || (rm === m && rd < d) ? 1 : 0);
}

describe('random', () => {
  test('the same seed gives the same sequence; another seed another', () => {
    const a = new Random(1);
    const b = new Random(1);
    const c = new Random(2);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  test('helpers stay in range and uuids have the v4 layout', () => {
    const r = new Random(99);
    for (let i = 0; i < 2000; i++) {
      const n = r.int(-3, 3);
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
      expect(r.uuid()).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    const picks = Array.from({ length: 4000 }, () =>
      r.weighted([
        ['a', 3],
        ['b', 1],
      ] as const),
    );
    expect(picks.filter((p) => p === 'a').length / picks.length).toBeCloseTo(0.75, 1);
  });

  test('date helpers agree with the calendar', () => {
    expect(isoDate(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(isoDate(addMonths(dayNumber('2026-03-31'), -1))).toBe('2026-02-28');
    expect(isoDate(addMonths(dayNumber('2026-11-01'), -18))).toBe('2025-05-01');
    expect(() => dayNumber('2026-02-29')).toThrow('not a calendar date');
  });
});

describe('names', () => {
  test('at least 40 given names of each kind and 40 family names, no duplicates', () => {
    for (const list of [FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, FAMILY_NAMES]) {
      expect(list.length).toBeGreaterThanOrEqual(40);
      expect(new Set(list).size).toBe(list.length);
    }
  });
});

describe('determinism', () => {
  test('same seed → identical output; different seed → different output', () => {
    const a = generateDemoData({ persons: 300, seed: 7 });
    const b = generateDemoData({ persons: 300, seed: 7 });
    const c = generateDemoData({ persons: 300, seed: 8 });
    expect(b).toEqual(a);
    expect(c.persons.map((p) => p.personnummer)).not.toEqual(a.persons.map((p) => p.personnummer));
  });

  test('the default reference date is 2026-11-01 and the output never looks at the clock', () => {
    const a = generateDemoData({ persons: 50 });
    expect(a.referenceDate).toBe(REFERENCE_DATE);
    jest.useFakeTimers({ now: new Date('2031-01-01T00:00:00Z') });
    try {
      expect(generateDemoData({ persons: 50 })).toEqual(a);
    } finally {
      jest.useRealTimers();
    }
  });

  test('a stream drawn in slices concatenates to exactly the whole data set', () => {
    const whole = generateDemoData({ persons: 500, seed: 3 });
    const stream = new DemoDataStream({ persons: 500, seed: 3 });
    const slices: DemoData[] = [];
    while (stream.remaining > 0) {
      stream.generate(97);
      slices.push(stream.take());
    }
    expect(slices).toHaveLength(6);
    for (const key of Object.keys(whole) as (keyof DemoData)[]) {
      const value = whole[key];
      if (Array.isArray(value)) expect(slices.flatMap((s) => s[key] as unknown[])).toEqual(value);
    }
  });
});

describe('persons', () => {
  test('every personnummer is valid and unique; birth years match; ~5% coordination numbers', () => {
    let coordination = 0;
    const problems = violations(data.persons, (p) => {
      const parsed = parsePersonnummer(p.personnummer);
      if (!parsed.ok) return [`invalid personnummer (${parsed.problem})`];
      if (parsed.coordinationNumber) coordination++;
      return [
        parsed.value !== p.personnummer && 'not in 12-digit form',
        p.birthYear !== Number(parsed.birthDate.slice(0, 4)) && 'birth year',
      ];
    });
    expect(problems).toEqual([]);
    expect(new Set(data.persons.map((p) => p.personnummer)).size).toBe(N);
    expect(coordination / N).toBeGreaterThan(0.03);
    expect(coordination / N).toBeLessThan(0.07);
  });

  test('all synthetic, ~1% protected identity, names from the lists, unique ids', () => {
    expect(data.persons.every((p) => p.synthetic)).toBe(true);
    const protectedShare = data.persons.filter((p) => p.protectedIdentity).length / N;
    expect(protectedShare).toBeGreaterThan(0.003);
    expect(protectedShare).toBeLessThan(0.02);
    const given = new Set([...FEMALE_GIVEN_NAMES, ...MALE_GIVEN_NAMES]);
    expect(data.persons.every((p) => given.has(p.givenName))).toBe(true);
    expect(data.persons.every((p) => FAMILY_NAMES.includes(p.familyName))).toBe(true);
    const ids = [
      ...data.persons.map((p) => p.id),
      ...data.assistanceCases.map((r) => r.id),
      ...data.decisions.map((r) => r.id),
      ...data.jobCentreEnrolments.map((r) => r.id),
      ...data.plans.map((r) => r.id),
      ...data.interventions.map((r) => r.id),
      ...data.interruptions.map((r) => r.id),
      ...data.sfiEnrolments.map((r) => r.id),
      ...data.programmeAssignments.map((r) => r.id),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('all 13 districts are home to someone, with the suburbs larger than the inner city', () => {
    const districts = files.organisations.data.organisations.filter((o) => o.kind === 'DISTRICT');
    expect(districts).toHaveLength(13);
    const byDistrict = groupBy(data.persons, (p) => p.homeDistrictId);
    for (const d of districts) expect(byDistrict.get(d.id)?.length ?? 0).toBeGreaterThan(0);
    expect(byDistrict.get('rinkeby-kista')!.length).toBeGreaterThan(
      byDistrict.get('ostermalm')!.length * 3,
    );
  });

  test('the home district is that of the active case, else of the last closed one', () => {
    const cases = groupBy(data.assistanceCases, (c) => c.personId);
    const problems = violations(data.persons, (p) => {
      const own = cases.get(p.id) ?? [];
      const current =
        own.find((c) => c.status === 'ACTIVE') ??
        [...own].sort((a, b) => b.periodStart.localeCompare(a.periodStart))[0];
      return [!current && 'no case', current?.districtId !== p.homeDistrictId && 'home district'];
    });
    expect(problems).toEqual([]);
  });
});

describe('profiles', () => {
  const expected: Record<DemoProfile, number> = {
    UNEMPLOYED: 0.35,
    SFI_STUDENT: 0.2,
    REFUGEE: 0.1,
    YOUNG: 0.15,
    SOCIAL_MEDICAL: 0.1,
    FORMER: 0.1,
  };
  const targetGroup: Record<Exclude<DemoProfile, 'FORMER'>, string> = {
    UNEMPLOYED: 'ARBETSLOS',
    SFI_STUDENT: 'SFI',
    REFUGEE: 'FLYKTING',
    YOUNG: 'UNG',
    SOCIAL_MEDICAL: 'STEG2_SOCMED',
  };
  const barriers: Record<Exclude<DemoProfile, 'FORMER'>, string[]> = {
    UNEMPLOYED: ['01', '02', '03', '13'],
    SFI_STUDENT: ['10', '11'],
    REFUGEE: ['15', '40'],
    YOUNG: ['01', '02', '03', '13'],
    SOCIAL_MEDICAL: ['23', '06'],
  };
  const ages: Record<Exclude<DemoProfile, 'FORMER'>, [number, number]> = {
    UNEMPLOYED: [25, 60],
    SFI_STUDENT: [20, 55],
    REFUGEE: [20, 60],
    YOUNG: [16, 24],
    SOCIAL_MEDICAL: [30, 64],
  };

  let activeCase: Map<string, DemoData['assistanceCases'][number]>;
  let enrolmentOf: Map<string, DemoData['jobCentreEnrolments'][number]>;
  let jobSeekerOf: Map<string, DemoData['jobSeekers'][number]>;
  let sfiOf: Map<string, DemoData['sfiEnrolments']>;
  let programmesOf: Map<string, DemoData['programmeAssignments']>;

  beforeAll(() => {
    activeCase = new Map(
      data.assistanceCases.filter((c) => c.status === 'ACTIVE').map((c) => [c.personId, c]),
    );
    enrolmentOf = new Map(data.jobCentreEnrolments.map((e) => [e.personId, e]));
    jobSeekerOf = new Map(data.jobSeekers.map((s) => [s.personId, s]));
    sfiOf = groupBy(data.sfiEnrolments, (e) => e.personId);
    programmesOf = groupBy(data.programmeAssignments, (a) => a.personId);
  });

  test.each(Object.entries(expected))('%s is present at about %p of persons', (profile, p) => {
    const s = personsOf(profile as DemoProfile).length / N;
    expect(Math.abs(s - p)).toBeLessThan(0.03);
  });

  test.each(Object.keys(targetGroup))(
    '%s: active case with its target group, support barrier and age',
    (profile) => {
      const key = profile as Exclude<DemoProfile, 'FORMER'>;
      const ids = new Set(personsOf(key));
      const problems = violations(
        data.persons.filter((p) => ids.has(p.id)),
        (p) => {
          const c = activeCase.get(p.id);
          const parsed = parsePersonnummer(p.personnummer);
          const age = parsed.ok ? ageAt(parsed.birthDate) : -1;
          return [
            !c && 'no active case',
            c?.targetGroup !== targetGroup[key] && 'target group',
            !barriers[key].includes(c?.supportBarrier ?? '') && 'support barrier',
            !(age >= ages[key][0] && age <= ages[key][1]) && `age ${age}`,
          ];
        },
      );
      expect(problems).toEqual([]);
    },
  );

  test('unemployed: ~70% at their district’s job centre, ~90% at AF', () => {
    const ids = personsOf('UNEMPLOYED');
    expect(share(ids, (id) => enrolmentOf.has(id))).toBeCloseTo(0.7, 1);
    expect(share(ids, (id) => jobSeekerOf.get(id)?.registered === true)).toBeCloseTo(0.9, 1);
    const enrolled = ids.filter((id) => enrolmentOf.has(id));
    const atDefault = share(enrolled, (id) => {
      const district = organisations.get(activeCase.get(id)!.districtId)!;
      return enrolmentOf.get(id)!.jobCentreId === district.defaultJobCentreId;
    });
    expect(atDefault).toBeGreaterThan(0.9);
  });

  test('SFI students: an SFI enrolment each, ~50% at a job centre, ~60% at AF', () => {
    const ids = personsOf('SFI_STUDENT');
    expect(ids.every((id) => sfiOf.has(id))).toBe(true);
    expect(share(ids, (id) => enrolmentOf.has(id))).toBeCloseTo(0.5, 1);
    expect(share(ids, (id) => jobSeekerOf.has(id))).toBeCloseTo(0.6, 1);
    expect(share(ids, (id) => sfiOf.get(id)!.some((e) => e.status === 'ONGOING'))).toBeGreaterThan(
      0.75,
    );
  });

  test('refugees: ~80% at SFI, registered at AF in the establishment programme', () => {
    const ids = personsOf('REFUGEE');
    expect(share(ids, (id) => sfiOf.has(id))).toBeCloseTo(0.8, 1);
    const registered = ids.filter((id) => jobSeekerOf.get(id)?.registered);
    expect(registered.length / ids.length).toBeGreaterThan(0.85);
    expect(
      share(registered, (id) =>
        (programmesOf.get(id) ?? []).some((a) => a.programmeCode === 'ETABLERINGSPROGRAMMET'),
      ),
    ).toBeGreaterThan(0.9);
  });

  test('young people: ~70% at a job centre, about half at AF in the youth job guarantee', () => {
    const ids = personsOf('YOUNG');
    expect(share(ids, (id) => enrolmentOf.has(id))).toBeCloseTo(0.7, 1);
    const inGuarantee = share(ids, (id) =>
      (programmesOf.get(id) ?? []).some((a) => a.programmeCode === 'JOBBGARANTIN_FOR_UNGDOMAR'),
    );
    expect(inGuarantee).toBeGreaterThan(0.3);
    expect(inGuarantee).toBeLessThan(0.55);
  });

  test('second stage: ~30% at a job centre, mostly not at AF', () => {
    const ids = personsOf('SOCIAL_MEDICAL');
    expect(share(ids, (id) => enrolmentOf.has(id))).toBeCloseTo(0.3, 1);
    expect(share(ids, (id) => jobSeekerOf.has(id))).toBeLessThan(0.3);
  });

  test('former participants: closed case, closed enrolment with a reason, AF deregistered', () => {
    const ids = personsOf('FORMER');
    for (const id of ids) {
      const cases = data.assistanceCases.filter((c) => c.personId === id);
      expect(cases.every((c) => c.status === 'CLOSED' && c.periodEnd !== null)).toBe(true);
      const e = enrolmentOf.get(id)!;
      expect(e.status).toBe('CLOSED');
      expect(e.closureReason).not.toBeNull();
      expect(e.closedAt).not.toBeNull();
      expect(e.closureEmploymentType !== null).toBe(e.closureReason === 'ARBETE');
      const s = jobSeekerOf.get(id)!;
      // "Other support (e.g. an AF programme)" means the person moved on to AF.
      if (e.closureReason === 'ANNAN_FORSORJNING') {
        expect(s.registered).toBe(true);
        expect(programmesOf.get(id)).toBeDefined();
      } else {
        expect(s.registered).toBe(false);
        expect(s.deregisteredAt).not.toBeNull();
      }
    }
    expect(share(ids, (id) => enrolmentOf.get(id)!.closureReason === 'ARBETE')).toBeGreaterThan(
      0.3,
    );
  });

  test('~3% moved: a closed case in an earlier district and an active one at home', () => {
    const moved = data.profiles.filter((p) => p.moved);
    expect(moved.length / N).toBeGreaterThan(0.015);
    expect(moved.length / N).toBeLessThan(0.045);
    const home = new Map(data.persons.map((p) => [p.id, p.homeDistrictId]));
    for (const { personId } of moved) {
      const cases = data.assistanceCases.filter((c) => c.personId === personId);
      expect(cases).toHaveLength(2);
      const closed = cases.find((c) => c.status === 'CLOSED')!;
      const active = cases.find((c) => c.status === 'ACTIVE')!;
      expect(active.districtId).toBe(home.get(personId));
      expect(closed.districtId).not.toBe(active.districtId);
      expect(closed.periodEnd! < active.periodStart).toBe(true);
    }
    // Nobody else has more than one case.
    const movedIds = new Set(moved.map((m) => m.personId));
    for (const [personId, cases] of groupBy(data.assistanceCases, (c) => c.personId))
      if (!movedIds.has(personId)) expect(cases).toHaveLength(1);
  });
});

describe('sources', () => {
  test('decisions: the last three months of a case, mostly granted, 3,000–15,000 SEK', () => {
    const cases = new Map(data.assistanceCases.map((c) => [c.id, c]));
    const earliest = isoDate(addMonths(ref, -2));
    const problems = violations(data.decisions, (d) => {
      const c = cases.get(d.caseId);
      if (!c) return ['no case'];
      const amount = Number(d.amount);
      return [
        !d.month.endsWith('-01') && 'month not a first of month',
        c.status === 'ACTIVE' &&
          !(d.month >= earliest && d.month <= REFERENCE_DATE) &&
          'not in the last three months',
        c.status === 'CLOSED' && d.month > c.periodEnd! && 'after the case closed',
        !/^\d+\.\d{2}$/.test(d.amount) && 'amount not with two decimals',
        d.outcome === 'REFUSED' && amount !== 0 && 'refused but paid',
        d.outcome !== 'REFUSED' && (amount < 3000 || amount > 15000) && 'amount out of range',
      ];
    });
    expect(problems).toEqual([]);
    const granted = data.decisions.filter((d) => d.outcome === 'GRANTED').length;
    expect(granted / data.decisions.length).toBeGreaterThan(0.75);
  });

  test('job-centre enrolments follow the path: visit, plans, status', () => {
    const plans = groupBy(data.plans, (p) => p.enrolmentId);
    const interventions = groupBy(data.interventions, (i) => i.enrolmentId);
    const interruptions = groupBy(data.interruptions, (i) => i.enrolmentId);
    const earliest = isoDate(addMonths(ref, -18));
    const problems = violations(data.jobCentreEnrolments, (e) => {
      const visit = e.firstVisitAt!.slice(0, 10);
      const own = plans.get(e.id) ?? [];
      const approved = own.some((p) => p.status === 'APPROVED');
      const steps = interventions.get(e.id) ?? [];
      return [
        organisations.get(e.jobCentreId)?.kind !== 'JOB_CENTRE' && 'not a job centre',
        !(visit >= earliest && visit < REFERENCE_DATE) && 'first visit not in the last 18 months',
        weekday(dayNumber(visit)) >= 5 && 'first visit on a weekend',
        e.status === 'ENROLLED' && approved && 'enrolled with an approved plan',
        e.status !== 'ENROLLED' && !approved && `${e.status} without an approved plan`,
        own.filter((p) => p.kind === 'INITIAL').length > 1 && 'two initial plans',
        ...own.flatMap((p) => {
          const from = dayNumber(p.validFrom);
          const to = dayNumber(p.validTo);
          return [
            p.kind === 'INITIAL' && to - from !== 27 && 'initial plan not four weeks',
            p.kind === 'EXTENDED' && to >= addMonths(from, 6) && 'extended plan over six months',
            p.validFrom < visit && 'plan before the first visit',
          ];
        }),
        (steps.length < 1 || steps.length > 3) && `${steps.length} interventions`,
        ...steps.flatMap((i) => [
          !(i.startDate >= visit && i.startDate < REFERENCE_DATE) && 'intervention start',
          !(i.hoursPerWeek > 0 && i.hoursPerWeek <= 40) && 'hours per week',
          i.attendancePercent !== null &&
            !(i.attendancePercent >= 0 && i.attendancePercent <= 100) &&
            'attendance',
        ]),
        e.status === 'INTERRUPTED' &&
          !(interruptions.get(e.id) ?? []).some((x) => x.toDate === null) &&
          'interrupted without an open interruption',
        e.status !== 'CLOSED' && (e.closureReason ?? e.closedAt) !== null && 'closure when open',
      ];
    });
    expect(problems).toEqual([]);
    expect([...new Set(data.jobCentreEnrolments.map((e) => e.status))].sort()).toEqual([
      'ACTIVE',
      'CLOSED',
      'ENROLLED',
      'INTERRUPTED',
    ]);
    const kinds = new Set(data.plans.map((p) => `${p.kind}/${p.status}`));
    expect(kinds).toEqual(
      new Set([
        'INITIAL/APPROVED',
        'INITIAL/SUBMITTED',
        'INITIAL/REJECTED',
        'EXTENDED/APPROVED',
        'EXTENDED/SUBMITTED',
        'EXTENDED/REJECTED',
      ]),
    );
    const providers = new Set(data.interventions.map((i) => i.provider));
    expect(providers).toContain('Arbetsförmedlingen');
    expect(providers).toContain('Jobbtorg Sydväst');
  });

  test('SFI enrolments: course fits the study path, grades only when completed', () => {
    const allowed: Record<string, string[]> = {
      '1': ['A', 'B', 'C', 'D'],
      '2': ['B', 'C', 'D'],
      '3': ['C', 'D'],
    };
    const problems = violations(data.sfiEnrolments, (e) => [
      organisations.get(e.providerId)?.kind !== 'SFI_PROVIDER' && 'not an SFI provider',
      !allowed[e.studyPath].includes(e.course) && 'course not on the study path',
      (e.grade !== null) !== (e.status === 'COMPLETED') && 'grade without completion',
      e.nationalTestGrade !== null && e.course === 'A' && 'national test in course A',
      e.status === 'ONGOING' && e.endDate! <= REFERENCE_DATE && 'ongoing course already ended',
      e.status !== 'ONGOING' && e.endDate! >= REFERENCE_DATE && 'ended course ends later',
    ]);
    expect(problems).toEqual([]);
    expect([...new Set(data.sfiEnrolments.map((e) => e.status))].sort()).toEqual([
      'CANCELLED',
      'COMPLETED',
      'ONGOING',
    ]);
    expect(data.sfiEnrolments.some((e) => e.grade === 'F')).toBe(true);
    expect(data.sfiEnrolments.some((e) => e.nationalTestGrade !== null)).toBe(true);
  });

  test('AF: offices, categories, extent, activity support follows the programme', () => {
    const programmes = groupBy(data.programmeAssignments, (a) => a.personId);
    const persons = new Set(data.persons.map((p) => p.id));
    const problems = violations(data.jobSeekers, (s) => {
      const current = (programmes.get(s.personId) ?? []).filter(
        (a) => a.endDate === null || a.endDate >= REFERENCE_DATE,
      );
      return [
        !persons.has(s.personId) && 'unknown person',
        organisations.get(s.officeId)?.kind !== 'EMPLOYMENT_SERVICE_OFFICE' && 'not an AF office',
        s.registered && s.deregisteredAt !== null && 'registered and deregistered',
        s.registered && s.categoryCode === null && 'registered without a category',
        s.registered &&
          !(s.extentPercent! >= 25 && s.extentPercent! <= 100) &&
          'extent out of range',
        !s.registered && s.deregisteredAt === null && 'neither registered nor deregistered',
        s.activitySupport && current.length === 0 && 'activity support without a programme',
      ];
    });
    expect(problems).toEqual([]);
    expect(new Set(data.jobSeekers.map((s) => s.personId)).size).toBe(data.jobSeekers.length);
  });

  test('every code used exists in code-lists.json', () => {
    const check = (list: string, values: (string | null)[]) => {
      const known = codes(list);
      const unknown = values.filter((v): v is string => v !== null && !known.has(v));
      expect({ list, unknown: [...new Set(unknown)] }).toEqual({ list, unknown: [] });
    };
    check(
      'supportBarrier',
      data.assistanceCases.map((c) => c.supportBarrier),
    );
    check('targetGroup', [
      ...data.assistanceCases.map((c) => c.targetGroup),
      ...data.personLinks.map((l) => l.targetGroup),
    ]);
    check(
      'interventionType',
      data.interventions.map((i) => i.interventionType),
    );
    check(
      'closureReason',
      data.jobCentreEnrolments.map((e) => e.closureReason),
    );
    check(
      'employmentType',
      data.jobCentreEnrolments.map((e) => e.closureEmploymentType),
    );
    check(
      'interruptionReason',
      data.interruptions.map((i) => i.reason),
    );
    check(
      'sfiStudyPath',
      data.sfiEnrolments.map((e) => e.studyPath),
    );
    check(
      'sfiCourse',
      data.sfiEnrolments.map((e) => e.course),
    );
    check('sfiGrade', [
      ...data.sfiEnrolments.map((e) => e.grade),
      ...data.sfiEnrolments.map((e) => e.nationalTestGrade),
    ]);
    check(
      'afCategory',
      data.jobSeekers.map((s) => s.categoryCode),
    );
    check(
      'afProgramme',
      data.programmeAssignments.map((a) => a.programmeCode),
    );
  });

  test('nothing starts after the reference date', () => {
    const starts = [
      ...data.assistanceCases.map((c) => c.periodStart),
      ...data.sfiEnrolments.map((e) => e.startDate),
      ...data.programmeAssignments.map((a) => a.startDate),
      ...data.interruptions.map((i) => i.fromDate),
      ...data.jobSeekers.map((s) => s.registeredSince!),
      ...data.personLinks.map((l) => l.since),
    ];
    expect(starts.filter((d) => d > REFERENCE_DATE)).toEqual([]);
  });
});

describe('person_link mirrors the sources', () => {
  function expectedLinks(): PersonLinkRow[] {
    const targetGroupOf = new Map<string, string | null>();
    for (const c of data.assistanceCases)
      if (c.status === 'ACTIVE' || !targetGroupOf.has(c.personId))
        targetGroupOf.set(c.personId, c.targetGroup);
    const links = new Map<string, PersonLinkRow>();
    const add = (l: PersonLinkRow) => {
      const key = `${l.personId}|${l.organisationId}|${l.relation}`;
      const existing = links.get(key);
      if (!existing) links.set(key, { ...l });
      else {
        if (l.active && !existing.active) existing.targetGroup = l.targetGroup;
        existing.active ||= l.active;
        if (l.since < existing.since) existing.since = l.since;
      }
    };
    for (const c of data.assistanceCases)
      add({
        personId: c.personId,
        organisationId: c.districtId,
        relation: 'ASSISTANCE_CASE',
        targetGroup: c.targetGroup,
        active: c.status === 'ACTIVE',
        since: c.periodStart,
      });
    for (const e of data.jobCentreEnrolments)
      add({
        personId: e.personId,
        organisationId: e.jobCentreId,
        relation: 'JOB_CENTRE_ENROLMENT',
        targetGroup: targetGroupOf.get(e.personId) ?? null,
        active: e.status !== 'CLOSED',
        since: e.firstVisitAt!.slice(0, 10),
      });
    for (const e of data.sfiEnrolments)
      add({
        personId: e.personId,
        organisationId: e.providerId,
        relation: 'SFI_ENROLMENT',
        targetGroup: null,
        active: e.status === 'ONGOING',
        since: e.startDate,
      });
    for (const s of data.jobSeekers)
      add({
        personId: s.personId,
        organisationId: s.officeId,
        relation: 'EMPLOYMENT_SERVICE',
        targetGroup: null,
        active: s.registered,
        since: s.registeredSince!,
      });
    return [...links.values()];
  }

  const key = (l: PersonLinkRow) =>
    `${l.personId}|${l.organisationId}|${l.relation}|${l.targetGroup}|${l.active}|${l.since}`;

  test('every link has its source row and every source row its link', () => {
    expect(data.personLinks.map(key).sort()).toEqual(expectedLinks().map(key).sort());
  });

  test('one link per (person, organisation, relation), pointing at known organisations', () => {
    const pk = data.personLinks.map((l) => `${l.personId}|${l.organisationId}|${l.relation}`);
    expect(new Set(pk).size).toBe(pk.length);
    const kindOf: Record<PersonLinkRow['relation'], string> = {
      ASSISTANCE_CASE: 'DISTRICT',
      JOB_CENTRE_ENROLMENT: 'JOB_CENTRE',
      SFI_ENROLMENT: 'SFI_PROVIDER',
      EMPLOYMENT_SERVICE: 'EMPLOYMENT_SERVICE_OFFICE',
    };
    const problems = violations(data.personLinks, (l) => [
      organisations.get(l.organisationId)?.kind !== kindOf[l.relation] && 'organisation kind',
    ]);
    expect(problems).toEqual([]);
  });

  test('every active job-centre link carries the target group of the active case', () => {
    const active = new Map(
      data.assistanceCases.filter((c) => c.status === 'ACTIVE').map((c) => [c.personId, c]),
    );
    const links = data.personLinks.filter((x) => x.relation === 'JOB_CENTRE_ENROLMENT' && x.active);
    expect(links.length).toBeGreaterThan(0);
    const problems = violations(links, (l) => [
      l.targetGroup !== active.get(l.personId)?.targetGroup && 'target group',
    ]);
    expect(problems).toEqual([]);
  });
});

describe('seed CLI arguments', () => {
  test('parses persons, seed, reference date and reset', () => {
    expect(parseSeedArgs(['--persons', '100', '--seed', '5', '--reset'])).toEqual({
      persons: 100,
      seed: 5,
      referenceDate: undefined,
      reset: true,
    });
    expect(parseSeedArgs(['--persons', '1', '--reference-date', '2027-01-01'])).toMatchObject({
      persons: 1,
      referenceDate: '2027-01-01',
      reset: false,
    });
  });

  test('rejects a missing or malformed --persons', () => {
    expect(() => parseSeedArgs([])).toThrow('--persons N is required');
    expect(() => parseSeedArgs(['--persons', 'many'])).toThrow('--persons must be an integer');
    expect(() => parseSeedArgs(['--persons', '0'])).toThrow('--persons must be an integer');
  });
});
