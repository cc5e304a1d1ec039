/**
 * THE policy table: role × operation × field, reviewed in one place.
 *
 * Three parts, all plain data:
 *  - OPERATION_ROLES: which roles may call each root field of the schema. A root field
 *    missing from this table is closed to everyone (deny by default); a test checks that
 *    every root field of the schema has an entry.
 *  - PERSON_FIELD_RULES: for a person the viewer may see at all (row rule: policy.ts
 *    `personScope`), which field groups each role gets and on what basis. A denied group
 *    resolves to null with a FORBIDDEN error on that path.
 *  - REFERRAL_NOTE_ROLES: the referral's free-text note stays with the two parties.
 *
 * Bases (DOMAIN.md, "Law and trust"): data crosses between authorities only with the
 * person's consent or another stated legal basis.
 *  - 'relation': the viewer's own organisation holds or receives this data through its own
 *    relation to the person (its case, its referral, its students, its job seekers).
 *  - 'deciding-district': only the district that holds the assistance case.
 *  - 'referral': the district shared it with the referral (target group, support barrier,
 *    that there is an active assistance case) — the receiving job centre needs it.
 *  - 'legal-basis': a statute names the flow; `reference` says which.
 *  - 'consent': a valid consent of the person naming the viewer's organisation as a party
 *    and this scope.
 */
import { Role } from './roles';

/** What a consent may cover: the cross-authority field groups. */
export const CONSENT_SCOPES = [
  'REFERRAL_STATUS',
  'JOB_CENTRE',
  'SFI',
  'EMPLOYMENT_SERVICE',
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/**
 * The field groups of a person. Each Person field belongs to exactly one group (the
 * access log records groups, not single fields).
 */
export const PERSON_FIELD_GROUPS = [
  /** personnummer, givenName, familyName, homeDistrict (also withheld for protected identity). */
  'identity',
  /** financialAid: that there is a case, its district, status, caseworker, period, target group, support barrier. */
  'financialAid',
  /** financialAid.decisions: the monthly decisions and their outcome. */
  'assistanceDecisions',
  /** financialAid.decisions.amount. */
  'assistanceAmounts',
  /** jobCentre: the job centres' enrolment (source jobbtorg). */
  'jobCentre',
  /** sfi: adult education's enrolments (source sfi). */
  'sfi',
  /** employmentService: Arbetsförmedlingen's status (source arbetsformedlingen). */
  'employmentService',
  /** referrals: the referrals the viewer's organisation is party to, in full. */
  'referrals',
  /** referralStatuses: status only of the person's referrals (for non-parties). */
  'referralStatuses',
  /** consents: the person's consents that concern the viewer's organisation. */
  'consents',
] as const;
export type PersonFieldGroup = (typeof PERSON_FIELD_GROUPS)[number];

export type FieldRule =
  | { basis: 'relation' }
  | { basis: 'deciding-district' }
  | { basis: 'referral' }
  | { basis: 'legal-basis'; reference: string }
  | { basis: 'consent'; scope: ConsentScope }
  | { basis: 'never' };

const RELATION: FieldRule = { basis: 'relation' };
const DECIDING_DISTRICT: FieldRule = { basis: 'deciding-district' };
const REFERRAL: FieldRule = { basis: 'referral' };
const NEVER: FieldRule = { basis: 'never' };
const consent = (scope: ConsentScope): FieldRule => ({ basis: 'consent', scope });

/** SSBTEK: social services' right to AF data for assistance cases. */
const SSBTEK: FieldRule = {
  basis: 'legal-basis',
  reference: 'SoL 11 kap. 11 § (SSBTEK: uppgiftsskyldighet för Arbetsförmedlingen)',
};

const NO_PERSON_DATA: Record<PersonFieldGroup, FieldRule> = {
  identity: NEVER,
  financialAid: NEVER,
  assistanceDecisions: NEVER,
  assistanceAmounts: NEVER,
  jobCentre: NEVER,
  sfi: NEVER,
  employmentService: NEVER,
  referrals: NEVER,
  referralStatuses: NEVER,
  consents: NEVER,
};

export const PERSON_FIELD_RULES: Record<Role, Record<PersonFieldGroup, FieldRule>> = {
  // The district: its own assistance case in full; AF status through SSBTEK; the job
  // centres' and adult education's data only with consent.
  [Role.DISTRICT_CASEWORKER]: {
    identity: RELATION,
    financialAid: DECIDING_DISTRICT,
    assistanceDecisions: DECIDING_DISTRICT,
    assistanceAmounts: DECIDING_DISTRICT,
    jobCentre: consent('JOB_CENTRE'),
    sfi: consent('SFI'),
    employmentService: SSBTEK,
    referrals: RELATION,
    referralStatuses: RELATION,
    consents: RELATION,
  },
  // The job centre: "active assistance case, support barrier" from the referral, never
  // decisions or amounts; its own enrolment; SFI and AF only with consent.
  [Role.JOB_CENTRE_COACH]: {
    identity: RELATION,
    financialAid: REFERRAL,
    assistanceDecisions: NEVER,
    assistanceAmounts: NEVER,
    jobCentre: RELATION,
    sfi: consent('SFI'),
    employmentService: consent('EMPLOYMENT_SERVICE'),
    referrals: RELATION,
    referralStatuses: RELATION,
    consents: RELATION,
  },
  // The SFI provider: its students' SFI data; referral status only with consent.
  [Role.SFI_ADMINISTRATOR]: {
    ...NO_PERSON_DATA,
    identity: RELATION,
    sfi: RELATION,
    referrals: RELATION,
    referralStatuses: consent('REFERRAL_STATUS'),
    consents: RELATION,
  },
  // The AF office: its job seekers' AF data; referral status and the job centre's
  // enrolment only with consent.
  [Role.EMPLOYMENT_SERVICE_OFFICER]: {
    ...NO_PERSON_DATA,
    identity: RELATION,
    jobCentre: consent('JOB_CENTRE'),
    employmentService: RELATION,
    referrals: RELATION,
    referralStatuses: consent('REFERRAL_STATUS'),
    consents: RELATION,
  },
  // Systems and city-wide roles never see a person: events, aggregates, the access log.
  [Role.PARTNER_SYSTEM]: NO_PERSON_DATA,
  [Role.ANALYST]: NO_PERSON_DATA,
  [Role.DATA_PROTECTION_OFFICER]: NO_PERSON_DATA,
  [Role.ADMIN]: NO_PERSON_DATA,
};

/** Roles that read persons (the row rule then narrows to their organisation's persons). */
const PERSON_READERS = [
  Role.DISTRICT_CASEWORKER,
  Role.JOB_CENTRE_COACH,
  Role.SFI_ADMINISTRATOR,
  Role.EMPLOYMENT_SERVICE_OFFICER,
] as const;

/** Roles that read referrals and their events (the row rule: parties, or all). */
const REFERRAL_READERS = [
  Role.DISTRICT_CASEWORKER,
  Role.JOB_CENTRE_COACH,
  Role.PARTNER_SYSTEM,
] as const;

/**
 * Who manages outbound webhook endpoints: the roles that may subscribe to events, each for
 * its own organisation and role only (an endpoint receives what that role's subscription
 * would). A partner system, and a district or job centre for its own systems.
 */
const WEBHOOK_MANAGERS = REFERRAL_READERS;

const DISTRICT = [Role.DISTRICT_CASEWORKER] as const;
const JOB_CENTRE = [Role.JOB_CENTRE_COACH] as const;

/**
 * `public`: anyone; `gateway`: only the federation gateway, proved by its shared secret,
 * whoever the end user is (what it then reads has its own rules); otherwise these roles.
 */
export type OperationRule = 'public' | 'gateway' | readonly Role[];

/** Every root field of the schema: who may call it. Not listed = nobody. */
export const OPERATION_ROLES: Record<string, OperationRule> = {
  // Reference data and the caller's own identity: open.
  'Query.viewer': 'public',
  'Query.organisations': 'public',
  'Query.organisation': 'public',
  'Query.codeList': 'public',
  'Query.codeListNames': 'public',
  // Federation: answered only to the gateway; each entity then applies the rule of the root
  // field it mirrors (Query.person, Query.referral, Query.organisation) and the same scope
  // and field rules to the end user's token.
  'Query._service': 'gateway',
  'Query._entities': 'gateway',
  // Persons.
  'Query.person': PERSON_READERS,
  'Query.personByPersonnummer': PERSON_READERS,
  'Query.persons': PERSON_READERS,
  // Referrals and events.
  'Query.referral': REFERRAL_READERS,
  'Query.referrals': REFERRAL_READERS,
  'Query.events': REFERRAL_READERS,
  'Subscription.referralEvents': REFERRAL_READERS,
  'Subscription.referralReturned': REFERRAL_READERS,
  // Aggregates (uppföljning): city-wide for analysts, admins and statistics services (small
  // cells suppressed), own organisation for districts and job centres (policy.ts
  // followUpAccess decides the scope).
  'Query.followUp': [
    Role.ANALYST,
    Role.ADMIN,
    Role.PARTNER_SYSTEM,
    Role.DISTRICT_CASEWORKER,
    Role.JOB_CENTRE_COACH,
  ],
  // The access log: the data protection officer reviews all of it; every user their own.
  'Query.accessLog': [Role.DATA_PROTECTION_OFFICER],
  'Query.myAccessLog': Object.values(Role),
  // The workflow: each step belongs to one side (the workflow table then checks the party
  // and the status).
  'Mutation.createReferral': DISTRICT,
  'Mutation.withdrawReferral': DISTRICT,
  'Mutation.decideJobPlan': DISTRICT,
  'Mutation.acknowledgeReturn': DISTRICT,
  'Mutation.acceptReferral': JOB_CENTRE,
  'Mutation.rejectReferral': JOB_CENTRE,
  'Mutation.registerFirstVisit': JOB_CENTRE,
  'Mutation.submitJobPlan': JOB_CENTRE,
  'Mutation.reportDeviation': JOB_CENTRE,
  'Mutation.interruptReferral': JOB_CENTRE,
  'Mutation.resumeReferral': JOB_CENTRE,
  'Mutation.returnReferral': JOB_CENTRE,
  'Mutation.closeReferral': JOB_CENTRE,
  // Consent is recorded by the district that holds the person's case.
  'Mutation.recordConsent': DISTRICT,
  'Mutation.withdrawConsent': DISTRICT,
  'Query.webhookEndpoints': WEBHOOK_MANAGERS,
  'Query.webhookEndpoint': WEBHOOK_MANAGERS,
  'Mutation.createWebhookEndpoint': WEBHOOK_MANAGERS,
  'Mutation.rotateWebhookSecret': WEBHOOK_MANAGERS,
  'Mutation.disableWebhookEndpoint': WEBHOOK_MANAGERS,
  'Mutation.enableWebhookEndpoint': WEBHOOK_MANAGERS,
  'Mutation.replayWebhookEndpoint': WEBHOOK_MANAGERS,
};

/**
 * The referral's note is free text written by the district for the job centre: it stays
 * with the parties (their caseworkers, coaches and their own partner systems), never with
 * city-wide systems.
 */
export const REFERRAL_NOTE_ROLES: readonly Role[] = [
  Role.DISTRICT_CASEWORKER,
  Role.JOB_CENTRE_COACH,
  Role.PARTNER_SYSTEM,
];
