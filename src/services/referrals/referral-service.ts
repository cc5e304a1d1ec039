/**
 * The referral workflow's write side. Every mutation runs in one transaction: check who
 * acts (policy), check the step against the workflow table, compare-and-set on the
 * version, write, and append the events (outbox) last. Input is validated before the
 * transaction, so bad input changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { inReferralScope, personScope, referralParty, referralScope } from '../../auth/policy';
import { Role } from '../../auth/roles';
import type { AuthenticatedViewer, Viewer } from '../../auth/viewer';
import { parsePersonnummer } from '../../domain/personnummer';
import {
  FINAL_STATUSES,
  transition,
  type ReferralStatus,
  type Step,
} from '../../domain/referral-workflow';
import { addWorkingDays, stockholmDate } from '../../domain/working-days';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
} from '../../errors';
import type { NewEvent, ReferralEventType } from '../../events/event-types';
import {
  appendEvents,
  eventInsert,
  eventStatement,
  eventTransaction,
  toBeStored,
} from '../../events/outbox';
import { AuditedWriter } from '../access-log/audited-writer';
import { consentStatus, findConsent } from '../consent/consent-store';
import {
  checkIdempotencyKey,
  validIdempotencyKey,
  earlierClaim,
  idempotencyScope,
  replayIfSeen,
  requestHash,
} from '../idempotency/idempotency';
import {
  decidePlan,
  findDeviation,
  findPlan,
  createReferralWith,
  findReferral,
  insertDeviation,
  insertPlan,
  plansOf,
  syncReferralLink,
  updateReferral,
  type DeviationRecord,
  type JobPlanRecord,
  type PlanActivity,
  type ReferralRecord,
} from './referral-store';

/** Clocks of the caller and the hub may differ this much when a time is checked. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export const JOB_GUARANTEE_WORKING_DAYS = 5;
const INITIAL_PLAN_DAYS = 28; // the initial plan covers the first four weeks
const MAX_PLAN_MONTHS = 6;
const MAX_TOTAL_MONTHS = 18;
const NOTE_MAX = 2000;

export interface CreateReferralInput {
  personId?: string | null;
  personnummer?: string | null;
  targetGroup: string;
  supportBarrier: string;
  note?: string | null;
  toJobCentreId?: string | null;
  firstAppointmentAt: Date;
  consentId?: string | null;
  idempotencyKey?: string | null;
}

export interface SubmitJobPlanInput {
  referralId: string;
  expectedVersion: number;
  kind: 'INITIAL' | 'EXTENDED';
  goal: string;
  activities: PlanActivity[];
  idempotencyKey?: string | null;
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID_SHAPE = /^[0-9a-f-]{36}$/i;
/** A UUID as PostgreSQL prints it (any case): lower-cased, it equals the stored id. */
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSON_NOT_FOUND = 'No such person among the district’s residents with a case';

function requireText(value: string | null | undefined, field: string, max = NOTE_MAX): string {
  const v = (value ?? '').trim();
  if (!v) throw new BadUserInputError(`${field} is required`, field);
  if (v.length > max)
    throw new BadUserInputError(`${field} is longer than ${max} characters`, field);
  return v;
}

function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  if (value.length > NOTE_MAX)
    throw new BadUserInputError(`${field} is longer than ${NOTE_MAX} characters`, field);
  return value;
}

/** Job-guarantee dates of a referral: deadline and the plan limits. */
export function referralLimits(r: Pick<ReferralRecord, 'firstVisitAt'>): {
  maxEndDate: string | null;
} {
  return {
    maxEndDate: r.firstVisitAt ? addMonths(stockholmDate(r.firstVisitAt), MAX_TOTAL_MONTHS) : null,
  };
}

export class ReferralService extends AuditedWriter {
  protected readonly changes = 'referral' as const;

  private requireCode(list: string, code: string | null | undefined, field: string): string {
    const c = (code ?? '').trim();
    const found = c ? this.reference.code(list, c) : undefined;
    if (!found || !found.active) throw new BadUserInputError(`Unknown ${list} code`, field);
    return c;
  }

  private event(
    type: ReferralEventType,
    r: ReferralRecord,
    viewer: AuthenticatedViewer | null,
    payload: Record<string, unknown> = {},
  ): NewEvent {
    return {
      type,
      referralId: r.id,
      personId: r.personId,
      districtId: r.fromDistrictId,
      jobCentreId: r.toJobCentreId,
      actor: viewer ? { sub: viewer.sub, orgId: viewer.orgId } : null,
      payload,
    };
  }

  /** A replay function for `step` when the client sent an idempotency key. */
  private idempotent<T>(
    v: AuthenticatedViewer,
    key: string | null | undefined,
    operation: string,
    input: object,
    resultId: string,
    load: (m: EntityManager, id: string) => Promise<T | null>,
  ): ((m: EntityManager) => Promise<T | null>) | undefined {
    if (key === null || key === undefined) return undefined;
    return (m) =>
      replayIfSeen(m, v, key, operation, { ...input, idempotencyKey: undefined }, resultId, load);
  }

  /**
   * Loads the referral, checks party and step, applies `changes` with compare-and-set,
   * runs `more` and writes the events — all in one transaction.
   */
  private async step<T = ReferralRecord>(
    viewer: Viewer,
    id: string,
    /** null: no optimistic check (steps that append rather than change, e.g. a deviation). */
    expectedVersion: number | null,
    step: Step,
    changes: (r: ReferralRecord, status: ReferralStatus) => Partial<ReferralRecord>,
    events: (updated: ReferralRecord, previous: ReferralRecord) => NewEvent[],
    more?: (m: EntityManager, updated: ReferralRecord) => Promise<T>,
    /** Idempotent replay, claimed in the same transaction: returns the earlier result, if any. */
    replay?: (m: EntityManager) => Promise<T | null>,
  ): Promise<T extends ReferralRecord ? ReferralRecord : T> {
    const v = this.actor(viewer);
    // Answers once the events are in the log (positioned), so a client reads its own change.
    return eventTransaction(this.ds, async (m) => {
      // The referral's row lock first: it gives this transaction its id, and event positions
      // follow transaction ids, so two steps on one referral keep the order they took it in
      // (an idempotency claim before it would take the id earlier).
      if (UUID_SHAPE.test(id))
        await m.query('SELECT 1 FROM referral WHERE id = $1 FOR UPDATE', [id]);
      const earlier = replay ? await replay(m) : null;
      if (earlier) return earlier as T extends ReferralRecord ? ReferralRecord : T;
      const r = await this.loadForStep(m, v, id);
      const party = referralParty(v, r);
      if (!party)
        throw new ForbiddenError(
          'Only the referring district or the receiving job centre may do this',
        );
      const t = transition(step, party, r.status, r.statusBeforeInterruption);
      if (!t.ok) {
        if (t.reason === 'WRONG_PARTY')
          throw new ForbiddenError(
            `This step is taken by the ${party === 'DISTRICT' ? 'job centre' : 'district'}`,
          );
        throw new InvalidTransitionError(`Not allowed when the referral is ${r.status}`);
      }
      if (expectedVersion !== null && r.version !== expectedVersion)
        throw new ConflictError('The referral has changed: reload it (stale expectedVersion)');
      // `changes` may refine the status the table gives (a plan approval activates).
      const updated = await updateReferral(m, id, expectedVersion ?? r.version, {
        status: t.status,
        ...changes(r, t.status),
      });
      if (!updated)
        throw new ConflictError('The referral has changed: reload it (stale expectedVersion)');
      if (FINAL_STATUSES.includes(updated.status) && !FINAL_STATUSES.includes(r.status)) {
        await syncReferralLink(m, updated.personId, updated.toJobCentreId, updated.targetGroup);
      }
      const result = more ? await more(m, updated) : updated;
      await this.logWrite(m, v, updated.personId, step);
      await appendEvents(m, events(updated, r));
      return result as T extends ReferralRecord ? ReferralRecord : T;
    });
  }

  private async loadForStep(
    m: EntityManager,
    viewer: AuthenticatedViewer,
    id: string,
  ): Promise<ReferralRecord> {
    const r = /^[0-9a-f-]{36}$/i.test(id) ? await findReferral(m, id) : null;
    if (
      !r ||
      !inReferralScope(referralScope(viewer), {
        districtId: r.fromDistrictId,
        jobCentreId: r.toJobCentreId,
      })
    ) {
      throw new NotFoundError('Referral not found');
    }
    return r;
  }

  // --- create -------------------------------------------------------------------------

  async createReferral(viewer: Viewer, input: CreateReferralInput): Promise<ReferralRecord> {
    const v = this.actor(viewer);
    if (v.role !== Role.DISTRICT_CASEWORKER)
      throw new ForbiddenError('Only a district caseworker refers a person');
    const targetGroup = this.requireCode('targetGroup', input.targetGroup, 'targetGroup');
    const supportBarrier = this.requireCode(
      'supportBarrier',
      input.supportBarrier,
      'supportBarrier',
    );
    const note = optionalText(input.note, 'note');
    const district = this.reference.organisation(v.orgId);
    const toJobCentreId = input.toJobCentreId ?? district?.defaultJobCentreId ?? null;
    const jobCentre = toJobCentreId ? this.reference.organisation(toJobCentreId) : undefined;
    if (!jobCentre || jobCentre.kind !== 'JOB_CENTRE' || !jobCentre.active) {
      throw new BadUserInputError('Unknown job centre', 'toJobCentreId');
    }
    if (
      !(input.firstAppointmentAt instanceof Date) ||
      Number.isNaN(input.firstAppointmentAt.getTime())
    ) {
      throw new BadUserInputError('firstAppointmentAt is required', 'firstAppointmentAt');
    }
    if (input.firstAppointmentAt.getTime() < this.now().getTime() - 24 * 3600 * 1000) {
      throw new BadUserInputError(
        'firstAppointmentAt must not be in the past',
        'firstAppointmentAt',
      );
    }
    const key = input.idempotencyKey;
    // The common request (a person by id, no consent cited, a well-formed key or none) has
    // the person's visibility tested by the writing statement itself; the others look the
    // person (and the consent) up first, so their errors come in the same order.
    const inline =
      input.personId != null &&
      !input.personnummer &&
      CANONICAL_UUID.test(input.personId) &&
      input.consentId == null &&
      (key == null || validIdempotencyKey(key));
    const personId = inline ? input.personId!.toLowerCase() : await this.resolvePersonId(v, input);
    if (input.consentId != null) await this.requireConsent(input.consentId, personId, jobCentre.id);
    if (key != null) checkIdempotencyKey(key);
    const scope = personScope(v);

    const claim =
      key == null
        ? null
        : {
            scope: idempotencyScope(v),
            key,
            operation: 'createReferral',
            hash: requestHash('createReferral', { ...input, personId, idempotencyKey: undefined }),
          };
    const id = randomUUID();
    const [event] = toBeStored([
      {
        type: 'REFERRAL_SENT',
        referralId: id,
        personId,
        districtId: v.orgId,
        jobCentreId: jobCentre.id,
        actor: { sub: v.sub, orgId: v.orgId },
        payload: { targetGroup, supportBarrier },
      },
    ]);
    // One statement (its own transaction): the person's visibility, the key's claim, the
    // referral, the person link, the access-log row and the event (createReferralWith).
    const { referral, allowed } = await eventStatement(this.ds, [event], async () => {
      const written = await createReferralWith(
        this.writes,
        {
          id,
          personId,
          fromDistrictId: v.orgId,
          toJobCentreId: jobCentre.id,
          targetGroup,
          supportBarrier,
          note,
          consentId: input.consentId ?? null,
          status: 'SENT',
          firstAppointmentAt: input.firstAppointmentAt,
          createdBy: v.sub,
        },
        claim,
        [
          this.logWriteInsert(v, personId, 'createReferral'),
          (first) => eventInsert([event], first),
        ],
        inline ? (first) => this.persons.visibleCondition(personId, scope, first) : null,
      );
      if (written.referral) event.occurredAt = written.referral.createdAt; // the same now()
      return { result: written, written: written.referral !== null };
    });
    if (referral) return referral;
    if (!allowed) throw new NotFoundError(PERSON_NOT_FOUND);
    // The key was claimed before: the same request's referral, or CONFLICT.
    const earlier = await findReferral(
      this.ds,
      await earlierClaim(this.ds, claim!.scope, claim!.key, claim!.operation, claim!.hash),
    );
    if (!earlier)
      throw new ConflictError(
        'The earlier createReferral with this idempotency key left no result',
      );
    return earlier;
  }

  /** The consent a referral cites must be the person's, valid today, naming the job centre. */
  private async requireConsent(consentId: string, personId: string, jobCentreId: string) {
    const consent = /^[0-9a-f-]{36}$/i.test(consentId)
      ? await findConsent(this.ds, consentId)
      : null;
    if (!consent || consent.personId !== personId)
      throw new BadUserInputError('No such consent for this person', 'consentId');
    if (consentStatus(consent, stockholmDate(this.now())) !== 'ACTIVE')
      throw new BadUserInputError('The consent is not valid today', 'consentId');
    if (!consent.parties.includes(jobCentreId))
      throw new BadUserInputError('The consent does not name the job centre', 'consentId');
  }

  private async resolvePersonId(
    v: AuthenticatedViewer,
    input: CreateReferralInput,
  ): Promise<string> {
    const scope = personScope(v);
    if (input.personId && input.personnummer) {
      throw new BadUserInputError('Give personId or personnummer, not both', 'personId');
    }
    if (input.personId) {
      const found = /^[0-9a-f-]{36}$/i.test(input.personId)
        ? (await this.persons.findVisible([input.personId.toLowerCase()], scope)).get(
            input.personId.toLowerCase(),
          )
        : undefined;
      if (!found) throw new NotFoundError(PERSON_NOT_FOUND);
      return found.id;
    }
    if (input.personnummer) {
      const parsed = parsePersonnummer(input.personnummer);
      if (!parsed.ok) throw new BadUserInputError('personnummer is not valid', 'personnummer');
      const found = await this.persons.findVisibleByPersonnummer(parsed.value, scope);
      if (!found) throw new NotFoundError(PERSON_NOT_FOUND);
      return found.id;
    }
    throw new BadUserInputError('personId or personnummer is required', 'personId');
  }

  // --- steps --------------------------------------------------------------------------

  accept(
    viewer: Viewer,
    i: {
      id: string;
      expectedVersion: number;
      coachId?: string | null;
      firstAppointmentAt?: Date | null;
    },
  ) {
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'accept',
      (r) => ({
        coachId: optionalText(i.coachId, 'coachId'),
        firstAppointmentAt: i.firstAppointmentAt ?? r.firstAppointmentAt,
      }),
      (u) => [this.event('REFERRAL_ACCEPTED', u, this.actor(viewer))],
    );
  }

  reject(viewer: Viewer, i: { id: string; expectedVersion: number; reason: string }) {
    const reason = requireText(i.reason, 'reason');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'reject',
      () => ({ rejectionReason: reason }),
      (u) => [this.event('REFERRAL_REJECTED', u, this.actor(viewer))],
    );
  }

  withdraw(viewer: Viewer, i: { id: string; expectedVersion: number; reason: string }) {
    const reason = requireText(i.reason, 'reason');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'withdraw',
      () => ({ withdrawalReason: reason }),
      (u) => [this.event('REFERRAL_WITHDRAWN', u, this.actor(viewer))],
    );
  }

  registerFirstVisit(viewer: Viewer, i: { id: string; expectedVersion: number; visitedAt: Date }) {
    if (!(i.visitedAt instanceof Date) || Number.isNaN(i.visitedAt.getTime())) {
      throw new BadUserInputError('visitedAt is required', 'visitedAt');
    }
    if (i.visitedAt.getTime() > this.now().getTime() + CLOCK_SKEW_MS) {
      throw new BadUserInputError('visitedAt must not be in the future', 'visitedAt');
    }
    const deadline = addWorkingDays(stockholmDate(i.visitedAt), JOB_GUARANTEE_WORKING_DAYS);
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'registerFirstVisit',
      (r) => {
        // The referral's first visit cannot precede the referral; the job guarantee's
        // deadline would otherwise start before the job centre was asked to act.
        if (i.visitedAt.getTime() < r.createdAt.getTime() - CLOCK_SKEW_MS) {
          throw new BadUserInputError(
            'visitedAt must not be before the referral was sent',
            'visitedAt',
          );
        }
        return { firstVisitAt: i.visitedAt, planDeadline: deadline };
      },
      (u) => [
        this.event('FIRST_VISIT_REGISTERED', u, this.actor(viewer), { planDeadline: deadline }),
      ],
    );
  }

  async submitJobPlan(viewer: Viewer, i: SubmitJobPlanInput): Promise<JobPlanRecord> {
    const goal = requireText(i.goal, 'goal');
    if (!Array.isArray(i.activities) || i.activities.length === 0) {
      throw new BadUserInputError('A plan needs at least one activity', 'activities');
    }
    const activities = i.activities.map((a, n) => this.validActivity(a, n));
    const planId = randomUUID();
    const today = stockholmDate(this.now());
    return this.step<JobPlanRecord>(
      viewer,
      i.referralId,
      i.expectedVersion,
      'submitPlan',
      () => ({}),
      (u) => [this.event('PLAN_SUBMITTED', u, this.actor(viewer), { planId, kind: i.kind })],
      async (m, r) => {
        const plans = await plansOf(m, [r.id]);
        if (plans.some((p) => p.status === 'SUBMITTED')) {
          throw new InvalidTransitionError('A plan is already waiting for the district’s decision');
        }
        const approvedInitial = plans.some((p) => p.kind === 'INITIAL' && p.status === 'APPROVED');
        if (i.kind === 'EXTENDED' && !approvedInitial) {
          throw new InvalidTransitionError('An extended plan follows an approved initial plan');
        }
        if (i.kind === 'INITIAL' && approvedInitial) {
          throw new InvalidTransitionError(
            'The initial plan is already approved: submit an extended plan',
          );
        }
        const { maxEndDate } = referralLimits(r);
        const validFrom = today;
        const latestEnd = activities.reduce(
          (max, a) => (a.endDate > max ? a.endDate : max),
          validFrom,
        );
        const validUntil = i.kind === 'INITIAL' ? addDays(validFrom, INITIAL_PLAN_DAYS) : latestEnd;
        if (validUntil > addMonths(validFrom, MAX_PLAN_MONTHS)) {
          throw new BadUserInputError('A plan runs at most 6 months', 'activities');
        }
        if (maxEndDate && latestEnd > maxEndDate) {
          throw new BadUserInputError(
            `Activities must end by ${maxEndDate} (18 months at the job centres)`,
            'activities',
          );
        }
        return insertPlan(m, {
          id: planId,
          referralId: r.id,
          kind: i.kind,
          goal,
          status: 'SUBMITTED',
          activities,
          validFrom,
          validUntil,
          submittedBy: this.actor(viewer).sub,
        });
      },
      this.idempotent(this.actor(viewer), i.idempotencyKey, 'submitJobPlan', i, planId, findPlan),
    );
  }

  private validActivity(a: PlanActivity, n: number): PlanActivity {
    const field = (f: string) => `activities.${n}.${f}`;
    const interventionType = this.requireCode(
      'interventionType',
      a.interventionType,
      field('interventionType'),
    );
    const provider = requireText(a.provider, field('provider'), 200);
    if (!ISO_DATE.test(a.startDate))
      throw new BadUserInputError('startDate must be YYYY-MM-DD', field('startDate'));
    if (!ISO_DATE.test(a.endDate))
      throw new BadUserInputError('endDate must be YYYY-MM-DD', field('endDate'));
    if (a.endDate < a.startDate)
      throw new BadUserInputError('endDate is before startDate', field('endDate'));
    if (!(a.hoursPerWeek > 0 && a.hoursPerWeek <= 40)) {
      throw new BadUserInputError(
        'hoursPerWeek must be more than 0 and at most 40',
        field('hoursPerWeek'),
      );
    }
    return {
      interventionType,
      provider,
      startDate: a.startDate,
      endDate: a.endDate,
      hoursPerWeek: a.hoursPerWeek,
    };
  }

  async decideJobPlan(
    viewer: Viewer,
    i: {
      planId: string;
      decision: 'APPROVED' | 'REJECTED';
      comment?: string | null;
      expectedVersion?: number | null;
    },
  ): Promise<JobPlanRecord> {
    const v = this.actor(viewer);
    const comment = optionalText(i.comment, 'comment');
    if (i.decision === 'REJECTED' && !comment)
      throw new BadUserInputError('A rejection needs a comment', 'comment');
    const plan = /^[0-9a-f-]{36}$/i.test(i.planId) ? await findPlan(this.ds, i.planId) : null;
    if (!plan) throw new NotFoundError('Plan not found');
    return this.step<JobPlanRecord>(
      v,
      plan.referralId,
      i.expectedVersion ?? null,
      i.decision === 'APPROVED' ? 'approvePlan' : 'rejectPlan',
      // An approved plan makes an enrolled participation active.
      (cur, status) => {
        if (i.decision !== 'APPROVED') return {};
        if (status === 'ENROLLED') return { status: 'ACTIVE' };
        if (status === 'INTERRUPTED' && cur.statusBeforeInterruption === 'ENROLLED') {
          return { statusBeforeInterruption: 'ACTIVE' };
        }
        return {};
      },
      (u) => [
        this.event(i.decision === 'APPROVED' ? 'PLAN_APPROVED' : 'PLAN_REJECTED', u, v, {
          planId: plan.id,
          kind: plan.kind,
        }),
      ],
      async (m) => {
        const decided = await decidePlan(m, plan.id, i.decision, v.sub, comment);
        if (!decided) throw new InvalidTransitionError('The plan has already been decided');
        return decided;
      },
    );
  }

  async reportDeviation(
    viewer: Viewer,
    i: {
      referralId: string;
      kind: string;
      date: string;
      note?: string | null;
      idempotencyKey?: string | null;
      expectedVersion?: number | null;
    },
  ): Promise<DeviationRecord> {
    const v = this.actor(viewer);
    const kind = this.requireCode('deviationKind', i.kind, 'kind');
    if (!ISO_DATE.test(i.date)) throw new BadUserInputError('date must be YYYY-MM-DD', 'date');
    const note = optionalText(i.note, 'note');
    const id = randomUUID();
    return this.step<DeviationRecord>(
      v,
      i.referralId,
      i.expectedVersion ?? null,
      'reportDeviation',
      () => ({}),
      (u) => [this.event('DEVIATION_REPORTED', u, v, { deviationId: id, kind, date: i.date })],
      (m, r) =>
        insertDeviation(m, { id, referralId: r.id, kind, date: i.date, note, reportedBy: v.sub }),
      this.idempotent(
        v,
        i.idempotencyKey,
        'reportDeviation',
        { ...i, expectedVersion: undefined },
        id,
        findDeviation,
      ),
    );
  }

  interrupt(
    viewer: Viewer,
    i: { id: string; expectedVersion: number; reason: string; from: string },
  ) {
    const reason = this.requireCode('interruptionReason', i.reason, 'reason');
    if (!ISO_DATE.test(i.from)) throw new BadUserInputError('from must be YYYY-MM-DD', 'from');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'interrupt',
      (r) => ({ statusBeforeInterruption: r.status }),
      (u) => [this.event('REFERRAL_INTERRUPTED', u, this.actor(viewer), { reason, from: i.from })],
      async (m, u) => {
        await m.query(
          `INSERT INTO referral_interruption (id, referral_id, reason, from_date) VALUES ($1, $2, $3, $4)`,
          [randomUUID(), u.id, reason, i.from],
        );
        return u;
      },
    );
  }

  resume(viewer: Viewer, i: { id: string; expectedVersion: number; at: string }) {
    if (!ISO_DATE.test(i.at)) throw new BadUserInputError('at must be YYYY-MM-DD', 'at');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'resume',
      () => ({ statusBeforeInterruption: null }),
      (u) => [this.event('REFERRAL_RESUMED', u, this.actor(viewer), { at: i.at })],
      async (m, u) => {
        await m.query(
          `UPDATE referral_interruption SET resumed_at = $2 WHERE referral_id = $1 AND resumed_at IS NULL`,
          [u.id, i.at],
        );
        return u;
      },
    );
  }

  returnReferral(
    viewer: Viewer,
    i: { id: string; expectedVersion: number; reason: string; note?: string | null },
  ) {
    const reason = this.requireCode('returnReason', i.reason, 'reason');
    const note = optionalText(i.note, 'note');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'return',
      () => ({ returnReason: reason, returnNote: note, returnedAt: this.now() }),
      (u) => [this.event('REFERRAL_RETURNED', u, this.actor(viewer), { reason })],
    );
  }

  acknowledgeReturn(viewer: Viewer, i: { id: string; expectedVersion: number }) {
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'acknowledgeReturn',
      (r) => {
        if (r.returnAcknowledgedAt)
          throw new InvalidTransitionError('The return is already acknowledged');
        return { returnAcknowledgedAt: this.now() };
      },
      (u) => [this.event('RETURN_ACKNOWLEDGED', u, this.actor(viewer))],
    );
  }

  close(
    viewer: Viewer,
    i: {
      id: string;
      expectedVersion: number;
      reason: string;
      employmentType?: string | null;
      note?: string | null;
    },
  ) {
    const reason = this.requireCode('closureReason', i.reason, 'reason');
    const employmentType = i.employmentType
      ? this.requireCode('employmentType', i.employmentType, 'employmentType')
      : null;
    if (reason === 'ARBETE' && !employmentType) {
      throw new BadUserInputError('A closure to work needs the employment type', 'employmentType');
    }
    const note = optionalText(i.note, 'note');
    return this.step(
      viewer,
      i.id,
      i.expectedVersion,
      'close',
      () => ({
        closureReason: reason,
        closureEmploymentType: employmentType,
        closureNote: note,
        closedAt: this.now(),
      }),
      (u) => [this.event('REFERRAL_CLOSED', u, this.actor(viewer), { reason, employmentType })],
    );
  }
}
