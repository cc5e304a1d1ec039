/**
 * The example operations the playground opens with: one document, one named operation per
 * user story, so "run" offers a choice. A test validates it against the schema, so an
 * example never rots when the schema moves.
 */
export const PLAYGROUND_EXAMPLES = `# samverkan-hub — example operations. Pick a role and organisation in the bar above
# ("Use token"), then choose an operation with the run button.

# Who am I? (any token, or none)
query Viewer {
  viewer { role organisation { id name kind } }
}

# A job-centre coach's caseload (JOB_CENTRE_COACH, e.g. jobbtorg-sydvast): the job centre's
# persons with all four sources. Without the person's consent SFI and AF data are null
# with FORBIDDEN (extensions.requires says why).
query CoachCaseload($after: String) {
  persons(first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id givenName familyName birthYear
      financialAid { active supportBarrier { code label } }
      jobCentre { coach status firstVisitAt currentPlan { kind status validTo } }
      sfi { provider { name } course { code } status }
      employmentService { registered category { label } programme { label } fetchedAt stale }
      referrals(first: 3) { edges { node { id status planDeadline } } }
    } }
  }
}

# A district caseworker refers a person (DISTRICT_CASEWORKER, e.g. skarholmen): take a person
# id from CaseworkerResidents, put it in the variables, keep the idempotency key for retries.
query CaseworkerResidents {
  persons(first: 5, filter: { hasActiveAssistanceCase: true }) {
    edges { node { id givenName familyName financialAid { supportBarrier { code label } } } }
  }
}

mutation CaseworkerReferral($personId: ID!) {
  createReferral(input: {
    personId: $personId
    targetGroup: "ARBETSLOS"
    supportBarrier: "02"
    note: "Syntetisk remiss från lekplatsen"
    firstAppointmentAt: "2099-01-15T09:00:00Z"
    idempotencyKey: "playground-referral-1"
  }) { id status version toJobCentre { name } firstAppointmentAt }
}

# The job-guarantee view (jobbgarantin): enrolled referrals with their plan deadline —
# the initial plan is due within 5 working days of the first visit.
query JobGuarantee {
  referrals(first: 20, filter: { status: [ENROLLED, ACTIVE] }) {
    edges { node {
      id status firstVisitAt planDeadline planDeadlineMissed planValidUntil
      plans { kind status validFrom validUntil }
    } }
  }
}

# A partner's event subscription with resume (PARTNER_SYSTEM or a party): pass the last
# cursor you processed as "after" to receive everything since, then live events.
# Deduplicate on id.
subscription PartnerEvents($after: String) {
  referralEvents(after: $after) {
    id cursor type occurredAt referralId districtId jobCentreId
    referral { status version }
  }
}

# Replay of the event log (the same events, paginated).
query EventReplay($after: String) {
  events(first: 50, after: $after) {
    edges { cursor node { id type occurredAt referralId } }
    pageInfo { hasNextPage endCursor }
  }
}
`;
