/**
 * The shape of the synthetic population: how caseloads spread over districts, the profiles
 * persons are drawn from (DOMAIN.md's target groups) and their shares, the code values the
 * generator writes and the check that the code lists still have them.
 */
import type { Weighted } from './random';
import type { NameOrigin } from './names';
import type { DecisionRow, DemoProfile, SfiEnrolmentRow } from './rows';
import type { CodeListsFile } from '../reference/reference-files';

/**
 * Relative sizes of the districts' caseloads: the northern and southern suburbs carry far
 * more economic assistance than the inner city. Districts not listed (after a
 * reorganisation) get the default weight.
 */
export const DISTRICT_WEIGHTS: Readonly<Record<string, number>> = {
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
export const DEFAULT_DISTRICT_WEIGHT = 5;

/** Most people go to the SFI school and AF office near their job centre; unmapped → any. */
export const NEAR_SFI_PROVIDER: Readonly<Record<string, string>> = {
  'jobbtorg-jarva': 'sfi-kista',
  'jobbtorg-vasterort': 'sfi-vallingby',
  'jobbtorg-innerstaden': 'sfi-kungsholmen',
  'jobbtorg-sydvast': 'sfi-varberg',
};
export const NEAR_AF_OFFICE: Readonly<Record<string, string>> = {
  'jobbtorg-jarva': 'af-kista',
  'jobbtorg-vasterort': 'af-vallingby',
  'jobbtorg-innerstaden': 'af-stockholm-city',
  'jobbtorg-sydost': 'af-farsta',
  'jobbtorg-sydvast': 'af-skarholmen',
};

type ActiveProfile = Exclude<DemoProfile, 'FORMER'>;

export interface ProfileSpec {
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
export const MIXED_ORIGINS: Weighted<NameOrigin> = [
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
export const INITIAL_GOAL = 'Kartläggning: erfarenheter, hinder och mål för arbete eller studier';

export const PROFILES: Readonly<Record<ActiveProfile, ProfileSpec>> = {
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

export const PROFILE_SHARES: Weighted<DemoProfile> = [
  ['UNEMPLOYED', 35],
  ['SFI_STUDENT', 20],
  ['REFUGEE', 10],
  ['YOUNG', 15],
  ['SOCIAL_MEDICAL', 10],
  ['FORMER', 10],
];

/** Which group a former participant was in while at the job centre. */
export const FORMER_ORIGIN_PROFILE: Weighted<ActiveProfile> = [
  ['UNEMPLOYED', 55],
  ['YOUNG', 20],
  ['SFI_STUDENT', 12],
  ['REFUGEE', 8],
  ['SOCIAL_MEDICAL', 5],
];

export const CLOSURE_REASONS: Weighted<string> = [
  ['ARBETE', 45],
  ['STUDIER', 15],
  ['ANNAN_FORSORJNING', 15],
  ['FLYTT', 10],
  ['OVRIGT', 15],
];
export const EMPLOYMENT_TYPES: Weighted<string> = [
  ['TILLSVIDARE_HELTID', 15],
  ['TILLSVIDARE_DELTID', 10],
  ['TIDSBEGRANSAD_HELTID', 30],
  ['TIDSBEGRANSAD_DELTID', 25],
  ['ANSTALLNING_MED_STOD', 20],
];
export const PROGRAMMES_AFTER_CLOSURE: Weighted<string> = [
  ['JOBB_OCH_UTVECKLINGSGARANTIN', 40],
  ['ARBETSMARKNADSUTBILDNING', 25],
  ['RUSTA_OCH_MATCHA', 20],
  ['ARBETSPRAKTIK', 15],
];
export const INTERRUPTION_REASONS_FEMALE: Weighted<string> = [
  ['GRAVIDITET', 15],
  ['FORALDRALEDIGHET', 30],
  ['SJUKDOM', 45],
  ['OVRIGT', 10],
];
export const INTERRUPTION_REASONS_MALE: Weighted<string> = [
  ['FORALDRALEDIGHET', 25],
  ['SJUKDOM', 60],
  ['OVRIGT', 15],
];
/** AF category while in a programme; everything else in a programme is '68'. */
export const PROGRAMME_CATEGORY: Readonly<Record<string, string>> = {
  JOBB_OCH_UTVECKLINGSGARANTIN: '69',
  JOBBGARANTIN_FOR_UNGDOMAR: '70',
};
/** Days of registration before AF may assign the programme (eligibility rules, rounded). */
export const PROGRAMME_MIN_REGISTERED_DAYS: Readonly<Record<string, number>> = {
  JOBBGARANTIN_FOR_UNGDOMAR: 90,
  JOB_OCH_UTVECKLINGSGARANTIN: 450,
};
export const DECISION_OUTCOMES: Weighted<DecisionRow['outcome']> = [
  ['GRANTED', 85],
  ['PARTLY_REFUSED', 10],
  ['REFUSED', 5],
];
/** Attendance bands (percent); second-stage participants are absent more often. */
export const ATTENDANCE: Weighted<readonly [number, number]> = [
  [[80, 100], 75],
  [[50, 79], 20],
  [[10, 49], 5],
];
export const ATTENDANCE_LOW: Weighted<readonly [number, number]> = [
  [[80, 100], 55],
  [[50, 79], 35],
  [[10, 49], 10],
];
export const SFI_HOURS: Weighted<number> = [
  [15, 45],
  [20, 25],
  [12.5, 15],
  [10, 15],
];
export const SFI_STATUS_CURRENT: Weighted<SfiEnrolmentRow['status']> = [
  ['ONGOING', 85],
  ['COMPLETED', 8],
  ['CANCELLED', 7],
];
/** A former participant's SFI has ended one way or the other. */
export const SFI_STATUS_PAST: Weighted<SfiEnrolmentRow['status']> = [
  ['COMPLETED', 80],
  ['CANCELLED', 20],
];
export const EXTENT_PERCENT: Weighted<number> = [
  [100, 70],
  [75, 10],
  [50, 15],
  [25, 5],
];

export const SFI_COURSES_BY_PATH: Readonly<Record<string, readonly string[]>> = {
  '1': ['A', 'B', 'C', 'D'],
  '2': ['B', 'C', 'D'],
  '3': ['C', 'D'],
};
/** Days a course usually takes: slower on path 1 (little schooling), faster on path 3. */
export const SFI_COURSE_DAYS: Readonly<Record<string, readonly [number, number]>> = {
  '1': [140, 210],
  '2': [84, 140],
  '3': [56, 98],
};
export const GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const FINAL_GRADES: Weighted<string> = [
  ['A', 8],
  ['B', 14],
  ['C', 24],
  ['D', 24],
  ['E', 20],
  ['F', 10],
];
export const PASSING_GRADES: Weighted<string> = FINAL_GRADES.filter(([g]) => g !== 'F');

/** Made-up organisations; the suffix keeps anyone from mistaking them for real ones. */
export const COMPANIES = [
  'Norrviken Lager & Logistik AB (fiktivt)',
  'Solgläntans Omsorg AB (fiktivt)',
  'Bryggans Kök & Catering AB (fiktivt)',
  'Stenhagens Bygg AB (fiktivt)',
  'Kvarnbackens Städservice AB (fiktivt)',
  'Torgets Livs AB (fiktivt)',
  'Hamnens Fastighetsservice AB (fiktivt)',
] as const;
export const VOLUNTARY_ORGANISATIONS = [
  'Föreningen Grannkraft (fiktiv)',
  'Stiftelsen Nystart i Söder (fiktiv)',
] as const;
export const EDUCATION_PROVIDERS = [
  'Yrkesakademin Exempel AB (fiktivt)',
  'Kompetenscentrum Mälardalen AB (fiktivt)',
] as const;
export const AF_NAME = 'Arbetsförmedlingen';

/** Typical hours per week by intervention type, before the profile's intensity. */
export const INTERVENTION_HOURS: Readonly<Record<string, readonly [number, number]>> = {
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
export const INTERVENTION_DAYS: Readonly<Record<string, readonly [number, number]>> = {
  KARTLAGGNING: [14, 35],
  SFI_TEST: [1, 7],
  RADGIVNING: [14, 90],
  STUDIE_YRKESVAGLEDNING: [14, 60],
  LANG_YRKESUTBILDNING: [120, 300],
};
export const DEFAULT_INTERVENTION_DAYS = [28, 180] as const;

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

export function checkCodes(codeLists: CodeListsFile): void {
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
