/**
 * A deterministic, synthetic data set of referrals for the follow-up figures: persons,
 * referrals in every status, initial and extended job plans with activities, and the
 * REFERRAL_ACCEPTED events — written straight into the hub's tables with set-based
 * INSERTs (fast enough for the 100,000-referral bench). The job-guarantee checker is then
 * run for real to mark missed deadlines. All data is synthetic.
 */
import type { DataSource } from 'typeorm';
import { addWorkingDays, stockholmDate } from '../../src/domain/working-days';
import organisations from '../../src/reference/data/organisations.json';
import { markMissedDeadlines } from '../../src/services/referrals/job-guarantee';

const TARGET_GROUPS = ['ARBETSLOS', 'NYSOKANDE', 'SFI', 'FLYKTING', 'UNG', 'STEG2_SOCMED'];
const INTERVENTIONS = [
  'KARTLAGGNING',
  'COACHNING',
  'MATCHNING',
  'PRAKTIK_FORSTA_STEG',
  'SFI_PRAKTIK',
];
const RETURN_REASONS = ['VARD_BEHANDLING', 'SJUKSKRIVEN', 'EJ_AKTUELL_ARBETSMARKNAD', 'FLYTT'];
const CLOSURE_REASONS = ['ARBETE', 'ARBETE', 'ARBETE', 'STUDIER', 'ANNAN_FORSORJNING', 'OVRIGT'];
const EMPLOYMENT_TYPES = ['TILLSVIDARE_HELTID', 'TIDSBEGRANSAD_HELTID', 'ANSTALLNING_MED_STOD'];

const DISTRICTS = (
  organisations.organisations as { id: string; kind: string; defaultJobCentreId?: string }[]
)
  .filter((o) => o.kind === 'DISTRICT')
  .map((o) => ({ id: o.id, jobCentre: o.defaultJobCentreId as string }));

/** mulberry32: small, seedable, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (kind: number, n: number) =>
  `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

const DAY = 86_400_000;

export interface GenerateFollowUpOptions {
  referrals: number;
  seed?: number;
  /** Referrals are created between these instants. */
  start?: Date;
  end?: Date;
  /** Only distinct districts used (to make small cells). */
  districts?: number;
}

export interface FollowUpRows {
  persons: Record<string, unknown>[];
  referrals: Record<string, unknown>[];
  plans: Record<string, unknown>[];
  events: Record<string, unknown>[];
}

export function generateFollowUpRows(o: GenerateFollowUpOptions): FollowUpRows {
  const r = rng(o.seed ?? 8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const start = (o.start ?? new Date('2025-01-01T00:00:00Z')).getTime();
  const end = (o.end ?? new Date('2026-09-30T00:00:00Z')).getTime();
  const now = Date.now();
  const districts = DISTRICTS.slice(0, o.districts ?? DISTRICTS.length);
  const out: FollowUpRows = { persons: [], referrals: [], plans: [], events: [] };
  let plan = 0;
  for (let i = 0; i < o.referrals; i++) {
    const id = uuid(1, i);
    // Every tenth person has a second referral.
    const personN = i % 10 === 9 ? i - 1 : i;
    const personId = uuid(2, personN);
    if (personN === i)
      out.persons.push({
        id: personId,
        personnummer: `19${String(i).padStart(10, '0')}`,
        given_name: 'Test',
        family_name: `Syntetisk ${i}`,
        birth_year: 1980,
        synthetic: true,
      });
    const d = pick(districts);
    // Some referrals just before midnight UTC: the next day (and maybe month) in Stockholm.
    const created = new Date(
      r() < 0.1
        ? Math.floor((start + r() * (end - start)) / DAY) * DAY + 23.5 * 3_600_000
        : start + r() * (end - start),
    );
    const row: Record<string, unknown> = {
      id,
      person_id: personId,
      from_district_id: d.id,
      to_job_centre_id: r() < 0.9 ? d.jobCentre : pick(districts).jobCentre,
      target_group: pick(TARGET_GROUPS),
      support_barrier: '02',
      status: 'SENT',
      first_appointment_at: new Date(created.getTime() + 3 * DAY).toISOString(),
      first_visit_at: null,
      plan_deadline: null,
      returned_at: null,
      return_reason: null,
      closed_at: null,
      closure_reason: null,
      closure_employment_type: null,
      created_by: 'test-data',
      created_at: created.toISOString(),
    };
    out.referrals.push(row);
    const path = r();
    if (path < 0.08) continue; // still SENT
    if (path < 0.15) {
      row.status = 'REJECTED';
      continue;
    }
    if (path < 0.19) {
      row.status = 'WITHDRAWN';
      continue;
    }
    const acceptedAt = new Date(created.getTime() + r() * 2 * DAY);
    out.events.push({
      id: uuid(3, i),
      type: 'REFERRAL_ACCEPTED',
      at: acceptedAt.toISOString(),
      referral: row,
    });
    row.status = 'ACCEPTED';
    if (path < 0.23) {
      row.status = 'WITHDRAWN';
      continue;
    }
    const visit = new Date(acceptedAt.getTime() + Math.floor(r() * 21) * DAY + r() * DAY);
    if (visit.getTime() > now) continue;
    row.status = 'ENROLLED';
    row.first_visit_at = visit.toISOString();
    const deadline = addWorkingDays(stockholmDate(visit), 5);
    row.plan_deadline = deadline;
    let lastEnd = visit.getTime();
    if (r() < 0.85) {
      // Initial plan, mostly in time, then sometimes an extended plan.
      const kinds = r() < 0.6 ? ['INITIAL', 'EXTENDED'] : ['INITIAL'];
      let submitted = visit.getTime() + Math.floor(r() * 10) * DAY + r() * 8 * 3_600_000;
      for (const kind of kinds) {
        if (submitted > now) break;
        const activities = [];
        const n = 1 + Math.floor(r() * 3);
        for (let a = 0; a < n; a++) {
          const s = submitted + Math.floor(r() * 7) * DAY;
          const e = s + (14 + Math.floor(r() * 150)) * DAY;
          lastEnd = Math.max(lastEnd, e);
          activities.push({
            interventionType: pick(INTERVENTIONS),
            provider: 'Syntetisk anordnare',
            startDate: new Date(s).toISOString().slice(0, 10),
            endDate: new Date(e).toISOString().slice(0, 10),
            hoursPerWeek: 20,
          });
        }
        const status = r() < 0.85 ? 'APPROVED' : r() < 0.5 ? 'REJECTED' : 'SUBMITTED';
        if (status === 'APPROVED') row.status = 'ACTIVE';
        out.plans.push({
          id: uuid(4, plan++),
          referral_id: id,
          kind,
          goal: 'Syntetiskt mål',
          status,
          activities,
          valid_from: new Date(submitted).toISOString().slice(0, 10),
          valid_until: new Date(submitted + 180 * DAY).toISOString().slice(0, 10),
          submitted_at: new Date(submitted).toISOString(),
          submitted_by: 'test-data',
        });
        submitted += (20 + Math.floor(r() * 20)) * DAY;
      }
    }
    // Leaving: around or after the activities, sometimes well before (returned early).
    const outcome = r();
    const leave =
      outcome < 0.1
        ? visit.getTime() + Math.floor(r() * 8) * DAY
        : lastEnd + Math.floor(r() * 400 - 30) * DAY;
    if (leave > now || outcome > 0.75) continue;
    if (outcome < 0.3) {
      row.status = 'RETURNED';
      row.returned_at = new Date(leave).toISOString();
      row.return_reason = pick(RETURN_REASONS);
    } else {
      row.status = 'CLOSED';
      row.closed_at = new Date(leave).toISOString();
      row.closure_reason = pick(CLOSURE_REASONS);
      if (row.closure_reason === 'ARBETE') row.closure_employment_type = pick(EMPLOYMENT_TYPES);
    }
  }
  return out;
}

async function insertJson(ds: DataSource, sql: string, rows: unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000)
    await ds.query(sql, [JSON.stringify(rows.slice(i, i + 5000))]);
}

/** Writes the rows and runs the job-guarantee checker as the hub would. */
export async function insertFollowUpRows(ds: DataSource, rows: FollowUpRows): Promise<void> {
  await insertJson(
    ds,
    `INSERT INTO person (id, personnummer, given_name, family_name, birth_year, synthetic)
     SELECT id, personnummer, given_name, family_name, birth_year, synthetic
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, personnummer text, given_name text,
         family_name text, birth_year int, synthetic boolean)`,
    rows.persons,
  );
  await insertJson(
    ds,
    `INSERT INTO referral (id, person_id, from_district_id, to_job_centre_id, target_group,
       support_barrier, status, first_appointment_at, first_visit_at, plan_deadline,
       returned_at, return_reason, closed_at, closure_reason, closure_employment_type,
       created_by, created_at, updated_at)
     SELECT id, person_id, from_district_id, to_job_centre_id, target_group, support_barrier,
       status, first_appointment_at, first_visit_at, plan_deadline, returned_at, return_reason,
       closed_at, closure_reason, closure_employment_type, created_by, created_at, created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, person_id uuid, from_district_id text,
         to_job_centre_id text, target_group text, support_barrier text, status text,
         first_appointment_at timestamptz, first_visit_at timestamptz, plan_deadline date,
         returned_at timestamptz, return_reason text, closed_at timestamptz,
         closure_reason text, closure_employment_type text, created_by text,
         created_at timestamptz)`,
    rows.referrals,
  );
  await insertJson(
    ds,
    `INSERT INTO job_plan (id, referral_id, kind, goal, status, activities, valid_from,
       valid_until, submitted_at, submitted_by)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, referral_id uuid, kind text,
       goal text, status text, activities jsonb, valid_from date, valid_until date,
       submitted_at timestamptz, submitted_by text)`,
    rows.plans,
  );
  const [{ last }] = await ds.query<{ last: number }[]>(
    `SELECT last_position::int AS last FROM event_sequence WHERE id = 1`,
  );
  const events = rows.events.map((e, n) => {
    const ref = e.referral as Record<string, unknown>;
    return {
      position: last + n + 1,
      id: e.id,
      type: e.type,
      occurred_at: e.at,
      referral_id: ref.id,
      person_id: ref.person_id,
      district_id: ref.from_district_id,
      job_centre_id: ref.to_job_centre_id,
    };
  });
  await insertJson(
    ds,
    `INSERT INTO event (position, id, type, occurred_at, referral_id, person_id, district_id,
       job_centre_id)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(position bigint, id uuid, type text,
       occurred_at timestamptz, referral_id uuid, person_id uuid, district_id text,
       job_centre_id text)`,
    events,
  );
  await ds.query(`UPDATE event_sequence SET last_position = $1 WHERE id = 1`, [
    last + events.length,
  ]);
  await markMissedDeadlines(ds);
}
