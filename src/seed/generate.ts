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
import { buildPersonnummer } from '../domain/personnummer';
import {
  bundledReferenceFiles,
  type CodeListsFile,
  type OrganisationsFile,
} from '../reference/reference-files';
import { NAME_GROUPS, type NameOrigin } from './names';
import {
  addMonths,
  addYears,
  civilFromDays,
  compactDate,
  daysFromCivil,
  dayNumber,
  firstOfMonth,
  isoDate,
  Random,
  weekday,
  type DayNumber,
  type Weighted,
} from './random';

export const DEFAULT_REFERENCE_DATE = '2026-11-01';
export const DEFAULT_SEED = 20261101;

// --- rows: one interface per table, camelCase mirroring the SQL columns -------------------

export interface PersonRow {
  id: string;
  personnummer: string;
  givenName: string;
  familyName: string;
  birthYear: number;
  protectedIdentity: boolean;
  homeDistrictId: string;
  synthetic: boolean;
}

export type LinkRelation =
  'ASSISTANCE_CASE' | 'JOB_CENTRE_ENROLMENT' | 'SFI_ENROLMENT' | 'EMPLOYMENT_SERVICE';

export interface PersonLinkRow {
  personId: string;
  organisationId: string;
  relation: LinkRelation;
  targetGroup: string | null;
  active: boolean;
  since: string;
}

export interface AssistanceCaseRow {
  id: string;
  personId: string;
  districtId: string;
  caseworker: string;
  status: 'ACTIVE' | 'CLOSED';
  periodStart: string;
  periodEnd: string | null;
  supportBarrier: string;
  targetGroup: string | null;
}

export interface DecisionRow {
  id: string;
  caseId: string;
  /** First day of the month the decision covers. */
  month: string;
  outcome: 'GRANTED' | 'PARTLY_REFUSED' | 'REFUSED';
  /** SEK with two decimals, as a string so numeric(10,2) round-trips exactly. */
  amount: string;
}

export interface JobCentreEnrolmentRow {
  id: string;
  personId: string;
  jobCentreId: string;
  coach: string;
  /** ISO timestamp with the Stockholm offset of that day. */
  firstVisitAt: string | null;
  status: 'ENROLLED' | 'ACTIVE' | 'INTERRUPTED' | 'CLOSED';
  closureReason: string | null;
  closureEmploymentType: string | null;
  closedAt: string | null;
}

export interface PlanRow {
  id: string;
  enrolmentId: string;
  kind: 'INITIAL' | 'EXTENDED';
  goal: string;
  validFrom: string;
  validTo: string;
  status: 'SUBMITTED' | 'APPROVED' | 'REJECTED';
}

export interface InterventionRow {
  id: string;
  enrolmentId: string;
  interventionType: string;
  provider: string;
  startDate: string;
  endDate: string | null;
  hoursPerWeek: number;
  attendancePercent: number | null;
}

export interface InterruptionRow {
  id: string;
  enrolmentId: string;
  reason: string;
  fromDate: string;
  toDate: string | null;
}

export interface SfiEnrolmentRow {
  id: string;
  personId: string;
  providerId: string;
  studyPath: string;
  course: string;
  startDate: string;
  endDate: string | null;
  hoursPerWeek: number;
  status: 'ONGOING' | 'COMPLETED' | 'CANCELLED';
  grade: string | null;
  nationalTestGrade: string | null;
}

export interface JobSeekerRow {
  personId: string;
  officeId: string;
  registered: boolean;
  registeredSince: string | null;
  deregisteredAt: string | null;
  categoryCode: string | null;
  extentPercent: number | null;
  lastActivityReport: string | null;
  activitySupport: boolean;
}

export interface ProgrammeAssignmentRow {
  id: string;
  personId: string;
  programmeCode: string;
  startDate: string;
  endDate: string | null;
}

export type DemoProfile =
  'UNEMPLOYED' | 'SFI_STUDENT' | 'REFUGEE' | 'YOUNG' | 'SOCIAL_MEDICAL' | 'FORMER';

/** Not a table: how each person was drawn, so tests can check the shares. */
export interface PersonProfileRow {
  personId: string;
  profile: DemoProfile;
  moved: boolean;
}

export interface DemoData {
  seed: number;
  referenceDate: string;
  persons: PersonRow[];
  personLinks: PersonLinkRow[];
  assistanceCases: AssistanceCaseRow[];
  decisions: DecisionRow[];
  jobCentreEnrolments: JobCentreEnrolmentRow[];
  plans: PlanRow[];
  interventions: InterventionRow[];
  interruptions: InterruptionRow[];
  sfiEnrolments: SfiEnrolmentRow[];
  jobSeekers: JobSeekerRow[];
  programmeAssignments: ProgrammeAssignmentRow[];
  profiles: PersonProfileRow[];
}

export interface GenerateOptions {
  persons: number;
  seed?: number;
  /** 'YYYY-MM-DD', the demo's "today"; default 2026-11-01. */
  referenceDate?: string;
  /** Reference data to draw organisations and codes from; default the bundled files. */
  reference?: { organisations: OrganisationsFile; codeLists: CodeListsFile };
}

// --- the shape of the population ---------------------------------------------------------

/**
 * Relative sizes of the districts' caseloads: the northern and southern suburbs carry far
 * more economic assistance than the inner city. Districts not listed (after a
 * reorganisation) get the default weight.
 */
const DISTRICT_WEIGHTS: Readonly<Record<string, number>> = {
  'rinkeby-kista': 16,
  'spanga-tensta': 10,
  'hasselby-vallingby': 9,
  bromma: 4,
  kungsholmen: 3,
  norrmalm: 2,
  ostermalm: 1.5,
  sodermalm: 6,
  'enskede-arsta-vantor': 11,
  farsta: 9,
  skarpnack: 5,
  skarholmen: 12,
  'hagersten-alvsjo': 6,
};
const DEFAULT_DISTRICT_WEIGHT = 5;

/** Most people go to the SFI school and AF office near their job centre; unmapped → any. */
const NEAR_SFI_PROVIDER: Readonly<Record<string, string>> = {
  'jobbtorg-jarva': 'sfi-kista',
  'jobbtorg-vasterort': 'sfi-vallingby',
  'jobbtorg-innerstaden': 'sfi-kungsholmen',
  'jobbtorg-sydvast': 'sfi-varberg',
};
const NEAR_AF_OFFICE: Readonly<Record<string, string>> = {
  'jobbtorg-jarva': 'af-kista',
  'jobbtorg-vasterort': 'af-vallingby',
  'jobbtorg-innerstaden': 'af-stockholm-city',
  'jobbtorg-sydost': 'af-farsta',
  'jobbtorg-sydvast': 'af-skarholmen',
};

type ActiveProfile = Exclude<DemoProfile, 'FORMER'>;

interface ProfileSpec {
  targetGroup: string;
  /** Age in whole years at the reference date, inclusive. */
  age: readonly [number, number];
  femaleShare: number;
  barriers: Weighted<string>;
  origins: Weighted<NameOrigin>;
  /** How long ago the active case started, in days. */
  caseAgeDays: readonly [number, number];
  jobCentre: number;
  sfi: number;
  af: number;
  /** Programme for AF-registered persons, with the probability of being in one. */
  afProgramme: { chance: number; programmes: Weighted<string> };
  afCategories: Weighted<string>;
  interventions: Weighted<string>;
  goals: readonly string[];
  sfiPaths: Weighted<string>;
  /** Scales hours and attendance: second-stage participants work shorter weeks. */
  intensity: number;
}

const IMMIGRANT_ORIGINS: Weighted<NameOrigin> = [
  ['arabic', 26],
  ['somali', 16],
  ['persian', 16],
  ['tigrinya', 16],
  ['polish', 6],
  ['ukrainian', 10],
  ['turkish', 7],
  ['bosnian', 2],
  ['swedish', 1],
];
const MIXED_ORIGINS: Weighted<NameOrigin> = [
  ['swedish', 38],
  ['finnish', 6],
  ['arabic', 16],
  ['somali', 10],
  ['persian', 8],
  ['tigrinya', 6],
  ['polish', 6],
  ['ukrainian', 2],
  ['turkish', 5],
  ['bosnian', 3],
];

const WORK_GOALS = [
  'Arbete inom lager och logistik',
  'Arbete inom vård och omsorg',
  'Arbete inom restaurang och storkök',
  'Arbete inom handel',
  'Arbete inom bygg och anläggning',
  'Arbete inom städ och lokalvård',
  'Arbete som chaufför (körkort B och C)',
  'Arbete som barnskötare',
  'Studier inom komvux med sikte på yrkesexamen',
  'Arbete inom IT-support',
] as const;
const INITIAL_GOAL = 'Kartläggning: erfarenheter, hinder och mål för arbete eller studier';

const PROFILES: Readonly<Record<ActiveProfile, ProfileSpec>> = {
  UNEMPLOYED: {
    targetGroup: 'ARBETSLOS',
    age: [25, 60],
    femaleShare: 0.45,
    barriers: [
      ['02', 40],
      ['01', 22],
      ['03', 23],
      ['13', 15],
    ],
    origins: MIXED_ORIGINS,
    caseAgeDays: [14, 1100],
    jobCentre: 0.7,
    sfi: 0,
    af: 0.9,
    afProgramme: {
      chance: 0.22,
      programmes: [
        ['JOBB_OCH_UTVECKLINGSGARANTIN', 40],
        ['RUSTA_OCH_MATCHA', 25],
        ['ARBETSMARKNADSUTBILDNING', 20],
        ['ARBETSPRAKTIK', 10],
        ['INTRODUKTIONSJOBB', 5],
      ],
    },
    afCategories: [
      ['11', 72],
      ['21', 8],
      ['22', 8],
      ['31', 6],
      ['41', 2],
      ['14', 4],
    ],
    interventions: [
      ['MATCHNING', 20],
      ['COACHNING', 18],
      ['FORBEREDANDE', 14],
      ['PRAKTIK_FORSTA_STEG', 12],
      ['KORT_YRKESUTBILDNING', 8],
      ['VALIDERING', 5],
      ['REKRYTERING', 8],
      ['AF_UTBUD', 8],
      ['STUDIE_YRKESVAGLEDNING', 5],
      ['STARTA_EGET', 2],
    ],
    goals: WORK_GOALS,
    sfiPaths: [['2', 1]],
    intensity: 1,
  },
  SFI_STUDENT: {
    targetGroup: 'SFI',
    age: [20, 55],
    femaleShare: 0.6,
    barriers: [
      ['10', 60],
      ['11', 40],
    ],
    origins: IMMIGRANT_ORIGINS,
    caseAgeDays: [30, 900],
    jobCentre: 0.5,
    sfi: 1,
    af: 0.6,
    afProgramme: {
      chance: 0.1,
      programmes: [
        ['RUSTA_OCH_MATCHA', 60],
        ['ARBETSPRAKTIK', 40],
      ],
    },
    afCategories: [
      ['11', 85],
      ['22', 8],
      ['14', 7],
    ],
    interventions: [
      ['SFI_PRAKTIK', 30],
      ['PRAKTIK_SPRAK_INTRO', 25],
      ['SFI_TEST', 10],
      ['STUDIE_YRKESVAGLEDNING', 12],
      ['VALIDERING', 10],
      ['FORBEREDANDE', 8],
      ['COACHNING', 5],
    ],
    goals: [
      'Svenska i kombination med praktik, sedan arbete inom omsorg',
      'Svenska i kombination med praktik, sedan arbete inom handel',
      'Slutföra SFI och validera utländsk utbildning',
      'Svenska och yrkesutbildning inom restaurang',
    ],
    sfiPaths: [
      ['1', 30],
      ['2', 45],
      ['3', 25],
    ],
    intensity: 1,
  },
  REFUGEE: {
    targetGroup: 'FLYKTING',
    age: [20, 60],
    femaleShare: 0.5,
    barriers: [
      ['15', 80],
      ['40', 20],
    ],
    origins: [
      ['arabic', 30],
      ['persian', 22],
      ['tigrinya', 20],
      ['somali', 12],
      ['ukrainian', 8],
      ['turkish', 8],
    ],
    caseAgeDays: [14, 700],
    jobCentre: 0.4,
    sfi: 0.8,
    af: 0.95,
    afProgramme: { chance: 1, programmes: [['ETABLERINGSPROGRAMMET', 1]] },
    afCategories: [['68', 1]],
    interventions: [
      ['PRAKTIK_SPRAK_INTRO', 30],
      ['SFI_PRAKTIK', 25],
      ['KARTLAGGNING', 10],
      ['VALIDERING', 15],
      ['STUDIE_YRKESVAGLEDNING', 10],
      ['AF_UTBUD', 10],
    ],
    goals: [
      'Svenska och introduktionspraktik, sedan arbete',
      'Validering av yrkeskunskaper från hemlandet',
      'Svenska och yrkesutbildning inom vård',
    ],
    sfiPaths: [
      ['1', 40],
      ['2', 40],
      ['3', 20],
    ],
    intensity: 1,
  },
  YOUNG: {
    targetGroup: 'UNG',
    // The seeds say 16–24, but under-18s are part of their parents' assistance household,
    // so a case of their own starts at 18.
    age: [18, 24],
    femaleShare: 0.45,
    barriers: [
      ['02', 55],
      ['03', 20],
      ['13', 15],
      ['01', 10],
    ],
    origins: MIXED_ORIGINS,
    caseAgeDays: [14, 700],
    jobCentre: 0.7,
    sfi: 0.06,
    af: 0.5,
    afProgramme: { chance: 0.85, programmes: [['JOBBGARANTIN_FOR_UNGDOMAR', 1]] },
    afCategories: [
      ['11', 85],
      ['22', 10],
      ['31', 5],
    ],
    interventions: [
      ['STUDIE_YRKESVAGLEDNING', 20],
      ['PRAKTIK_FORSTA_STEG', 20],
      ['COACHNING', 18],
      ['FORBEREDANDE', 15],
      ['MATCHNING', 12],
      ['KORT_YRKESUTBILDNING', 10],
      ['REKRYTERING', 5],
    ],
    goals: [
      'Slutföra gymnasiestudier på komvux',
      'Arbete inom handel',
      'Arbete inom lager och logistik',
      'Yrkesutbildning och därefter arbete inom bygg',
    ],
    sfiPaths: [
      ['2', 50],
      ['3', 50],
    ],
    intensity: 1,
  },
  SOCIAL_MEDICAL: {
    targetGroup: 'STEG2_SOCMED',
    age: [30, 64],
    femaleShare: 0.5,
    barriers: [
      ['23', 70],
      ['06', 30],
    ],
    origins: MIXED_ORIGINS,
    caseAgeDays: [365, 2500],
    jobCentre: 0.3,
    sfi: 0,
    af: 0.15,
    afProgramme: { chance: 0, programmes: [['ARBETSPRAKTIK', 1]] },
    afCategories: [
      ['14', 80],
      ['11', 20],
    ],
    interventions: [
      ['ARBETSTRANING', 35],
      ['PRAKTIK_ARBETSTRANING', 25],
      ['KARTLAGGNING', 15],
      ['RADGIVNING', 15],
      ['COACHNING', 10],
    ],
    goals: [
      'Arbetsträning för att pröva och öka arbetsförmågan',
      'Stabil vardag och arbetsträning några timmar per dag',
      'Praktik som arbetsträning inom lager',
    ],
    sfiPaths: [['2', 1]],
    intensity: 0.6,
  },
};

const PROFILE_SHARES: Weighted<DemoProfile> = [
  ['UNEMPLOYED', 35],
  ['SFI_STUDENT', 20],
  ['REFUGEE', 10],
  ['YOUNG', 15],
  ['SOCIAL_MEDICAL', 10],
  ['FORMER', 10],
];

/** Which group a former participant was in while at the job centre. */
const FORMER_ORIGIN_PROFILE: Weighted<ActiveProfile> = [
  ['UNEMPLOYED', 55],
  ['YOUNG', 20],
  ['SFI_STUDENT', 12],
  ['REFUGEE', 8],
  ['SOCIAL_MEDICAL', 5],
];

const CLOSURE_REASONS: Weighted<string> = [
  ['ARBETE', 45],
  ['STUDIER', 15],
  ['ANNAN_FORSORJNING', 15],
  ['FLYTT', 10],
  ['OVRIGT', 15],
];
const EMPLOYMENT_TYPES: Weighted<string> = [
  ['TILLSVIDARE_HELTID', 15],
  ['TILLSVIDARE_DELTID', 10],
  ['TIDSBEGRANSAD_HELTID', 30],
  ['TIDSBEGRANSAD_DELTID', 25],
  ['ANSTALLNING_MED_STOD', 20],
];
const PROGRAMMES_AFTER_CLOSURE: Weighted<string> = [
  ['JOBB_OCH_UTVECKLINGSGARANTIN', 40],
  ['ARBETSMARKNADSUTBILDNING', 25],
  ['RUSTA_OCH_MATCHA', 20],
  ['ARBETSPRAKTIK', 15],
];
const INTERRUPTION_REASONS_FEMALE: Weighted<string> = [
  ['GRAVIDITET', 15],
  ['FORALDRALEDIGHET', 30],
  ['SJUKDOM', 45],
  ['OVRIGT', 10],
];
const INTERRUPTION_REASONS_MALE: Weighted<string> = [
  ['FORALDRALEDIGHET', 25],
  ['SJUKDOM', 60],
  ['OVRIGT', 15],
];
/** AF category while in a programme; everything else in a programme is '68'. */
const PROGRAMME_CATEGORY: Readonly<Record<string, string>> = {
  JOBB_OCH_UTVECKLINGSGARANTIN: '69',
  JOBBGARANTIN_FOR_UNGDOMAR: '70',
};
/** Days of registration before AF may assign the programme (eligibility rules, rounded). */
const PROGRAMME_MIN_REGISTERED_DAYS: Readonly<Record<string, number>> = {
  JOBBGARANTIN_FOR_UNGDOMAR: 90,
  JOB_OCH_UTVECKLINGSGARANTIN: 450,
};
const DECISION_OUTCOMES: Weighted<DecisionRow['outcome']> = [
  ['GRANTED', 85],
  ['PARTLY_REFUSED', 10],
  ['REFUSED', 5],
];
/** Attendance bands (percent); second-stage participants are absent more often. */
const ATTENDANCE: Weighted<readonly [number, number]> = [
  [[80, 100], 75],
  [[50, 79], 20],
  [[10, 49], 5],
];
const ATTENDANCE_LOW: Weighted<readonly [number, number]> = [
  [[80, 100], 55],
  [[50, 79], 35],
  [[10, 49], 10],
];
const SFI_HOURS: Weighted<number> = [
  [15, 45],
  [20, 25],
  [12.5, 15],
  [10, 15],
];
const SFI_STATUS_CURRENT: Weighted<SfiEnrolmentRow['status']> = [
  ['ONGOING', 85],
  ['COMPLETED', 8],
  ['CANCELLED', 7],
];
/** A former participant's SFI has ended one way or the other. */
const SFI_STATUS_PAST: Weighted<SfiEnrolmentRow['status']> = [
  ['COMPLETED', 80],
  ['CANCELLED', 20],
];
const EXTENT_PERCENT: Weighted<number> = [
  [100, 70],
  [75, 10],
  [50, 15],
  [25, 5],
];

const SFI_COURSES_BY_PATH: Readonly<Record<string, readonly string[]>> = {
  '1': ['A', 'B', 'C', 'D'],
  '2': ['B', 'C', 'D'],
  '3': ['C', 'D'],
};
/** Days a course usually takes: slower on path 1 (little schooling), faster on path 3. */
const SFI_COURSE_DAYS: Readonly<Record<string, readonly [number, number]>> = {
  '1': [140, 210],
  '2': [84, 140],
  '3': [56, 98],
};
const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
const FINAL_GRADES: Weighted<string> = [
  ['A', 8],
  ['B', 14],
  ['C', 24],
  ['D', 24],
  ['E', 20],
  ['F', 10],
];
const PASSING_GRADES: Weighted<string> = FINAL_GRADES.filter(([g]) => g !== 'F');

/** Made-up organisations; the suffix keeps anyone from mistaking them for real ones. */
const COMPANIES = [
  'Norrviken Lager & Logistik AB (fiktivt)',
  'Solgläntans Omsorg AB (fiktivt)',
  'Bryggans Kök & Catering AB (fiktivt)',
  'Stenhagens Bygg AB (fiktivt)',
  'Kvarnbackens Städservice AB (fiktivt)',
  'Torgets Livs AB (fiktivt)',
  'Hamnens Fastighetsservice AB (fiktivt)',
] as const;
const VOLUNTARY_ORGANISATIONS = [
  'Föreningen Grannkraft (fiktiv)',
  'Stiftelsen Nystart i Söder (fiktiv)',
] as const;
const EDUCATION_PROVIDERS = [
  'Yrkesakademin Exempel AB (fiktivt)',
  'Kompetenscentrum Mälardalen AB (fiktivt)',
] as const;
const AF_NAME = 'Arbetsförmedlingen';

/** Typical hours per week by intervention type, before the profile's intensity. */
const INTERVENTION_HOURS: Readonly<Record<string, readonly [number, number]>> = {
  KARTLAGGNING: [8, 20],
  STUDIE_YRKESVAGLEDNING: [2, 6],
  RADGIVNING: [1, 4],
  COACHNING: [2, 8],
  MATCHNING: [4, 12],
  SFI_TEST: [2, 4],
  SFI_PRAKTIK: [15, 25],
  FORBEREDANDE: [6, 16],
  ARBETSTRANING: [10, 30],
  PRAKTIK_SPRAK_INTRO: [16, 30],
  PRAKTIK_ARBETSTRANING: [10, 30],
  PRAKTIK_FORSTA_STEG: [30, 40],
  KORT_YRKESUTBILDNING: [20, 40],
  VALIDERING: [10, 30],
  LANG_YRKESUTBILDNING: [30, 40],
  AF_UTBUD: [20, 40],
  REKRYTERING: [4, 16],
  STARTA_EGET: [2, 8],
};
/** Typical length in days. */
const INTERVENTION_DAYS: Readonly<Record<string, readonly [number, number]>> = {
  KARTLAGGNING: [14, 35],
  SFI_TEST: [1, 7],
  RADGIVNING: [14, 90],
  STUDIE_YRKESVAGLEDNING: [14, 60],
  LANG_YRKESUTBILDNING: [120, 300],
};
const DEFAULT_INTERVENTION_DAYS = [28, 180] as const;

/** Every code the generator writes, checked against the code lists before generating. */
function codesInUse(): Record<string, Iterable<string>> {
  const profiles = Object.values(PROFILES);
  return {
    targetGroup: profiles.map((p) => p.targetGroup),
    supportBarrier: profiles.flatMap((p) => p.barriers.map(([c]) => c)),
    interventionType: [
      ...Object.keys(INTERVENTION_HOURS),
      ...profiles.flatMap((p) => p.interventions.map(([c]) => c)),
    ],
    closureReason: CLOSURE_REASONS.map(([c]) => c),
    employmentType: EMPLOYMENT_TYPES.map(([c]) => c),
    interruptionReason: [...INTERRUPTION_REASONS_FEMALE, ...INTERRUPTION_REASONS_MALE].map(
      ([c]) => c,
    ),
    afCategory: [
      ...profiles.flatMap((p) => p.afCategories.map(([c]) => c)),
      ...Object.values(PROGRAMME_CATEGORY),
      '68',
    ],
    afProgramme: [
      ...profiles.flatMap((p) => p.afProgramme.programmes.map(([c]) => c)),
      ...PROGRAMMES_AFTER_CLOSURE.map(([c]) => c),
    ],
    sfiStudyPath: Object.keys(SFI_COURSES_BY_PATH),
    sfiCourse: Object.values(SFI_COURSES_BY_PATH).flat(),
    sfiGrade: GRADES,
  };
}

function checkCodes(codeLists: CodeListsFile): void {
  const missing: string[] = [];
  for (const [list, codes] of Object.entries(codesInUse())) {
    const known = new Set(codeLists.lists[list]?.codes.map((c) => c.code) ?? []);
    for (const code of codes) if (!known.has(code)) missing.push(`${list}/${code}`);
  }
  if (missing.length)
    throw new Error(
      `demo generator uses codes the code lists lack: ${[...new Set(missing)].join(', ')}`,
    );
}

// --- helpers -------------------------------------------------------------------------------

/** Last Sunday of a month (1–11), as a day number. */
function lastSunday(year: number, month: number): DayNumber {
  const last = daysFromCivil(year, month + 1, 1) - 1;
  return last - ((weekday(last) + 1) % 7);
}

/** Stockholm's UTC offset on a day (CEST from the last Sunday of March to that of October). */
function stockholmOffset(day: DayNumber): string {
  const [year] = civilFromDays(day);
  const summer = day >= lastSunday(year, 3) && day < lastSunday(year, 10);
  return summer ? '+02:00' : '+01:00';
}

/** Saturday and Sunday move back to Friday: job centres book visits on weekdays. */
function onWeekday(day: DayNumber): DayNumber {
  const wd = weekday(day);
  return wd === 5 ? day - 1 : wd === 6 ? day - 2 : day;
}

/** n working days later, Monday–Friday; public holidays are ignored in the demo data. */
function addWorkingDays(day: DayNumber, n: number): DayNumber {
  let d = day;
  let left = n;
  while (left > 0) {
    d += 1;
    if (weekday(d) < 5) left -= 1;
  }
  return d;
}

function halfHours(value: number): number {
  return Math.round(value * 2) / 2;
}

interface PersonContext {
  id: string;
  spec: ProfileSpec;
  female: boolean;
  districtId: string;
  jobCentreId: string;
  targetGroup: string;
  links: Map<string, PersonLinkRow>;
}

interface Closure {
  closedAt: DayNumber;
  reason: string;
}

interface Organisations {
  districts: { id: string; defaultJobCentreId: string }[];
  jobCentres: string[];
  sfiProviders: string[];
  afOffices: string[];
  names: Map<string, string>;
}

function organisationsOf(file: OrganisationsFile): Organisations {
  const ofKind = (kind: string) => file.organisations.filter((o) => o.kind === kind);
  const districts = ofKind('DISTRICT').map((o) => ({
    id: o.id,
    // The reference file's validation guarantees every district names its job centre.
    defaultJobCentreId: o.defaultJobCentreId ?? '',
  }));
  const orgs: Organisations = {
    districts,
    jobCentres: ofKind('JOB_CENTRE').map((o) => o.id),
    sfiProviders: ofKind('SFI_PROVIDER').map((o) => o.id),
    afOffices: ofKind('EMPLOYMENT_SERVICE_OFFICE').map((o) => o.id),
    names: new Map(file.organisations.map((o) => [o.id, o.name])),
  };
  for (const [what, list] of Object.entries(orgs))
    if (Array.isArray(list) && list.length === 0)
      throw new Error(`reference data has no ${what}: cannot generate demo data`);
  return orgs;
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
