/**
 * Hand-written persons for tests: each spec inserts a person into the hub's index and the
 * matching rows into the four source schemas, with person_link rows that mirror them.
 * Independent of the demo generator, so tests state exactly what exists.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { buildPersonnummer } from '../../src/domain/personnummer';

export interface PersonSpec {
  givenName?: string;
  familyName?: string;
  birthDate?: string; // YYYYMMDD
  protectedIdentity?: boolean;
  homeDistrictId: string;
  cases?: {
    districtId: string;
    active: boolean;
    supportBarrier?: string;
    targetGroup?: string;
    decisions?: number;
  }[];
  enrolment?: {
    jobCentreId: string;
    status?: 'ENROLLED' | 'ACTIVE' | 'CLOSED';
    interventions?: number;
  };
  sfi?: { providerId: string; status?: 'ONGOING' | 'COMPLETED' };
  af?: { officeId: string; registered: boolean; programme?: string };
  /** Consents recorded by the home district (valid 2026-01-01 … 2099-12-31 unless given). */
  consents?: {
    parties: string[];
    scope: string[];
    validFrom?: string;
    validUntil?: string;
    withdrawn?: boolean;
  }[];
}

export interface InsertedPerson {
  id: string;
  personnummer: string;
  spec: PersonSpec;
}

let serial = 100;

export async function insertPersons(
  ds: DataSource,
  specs: PersonSpec[],
): Promise<InsertedPerson[]> {
  const out: InsertedPerson[] = [];
  await ds.transaction(async (m) => {
    for (const spec of specs) {
      const id = randomUUID();
      const birthDate = spec.birthDate ?? '19850315';
      const personnummer = buildPersonnummer(birthDate, serial++ % 1000);
      await m.query(
        `INSERT INTO person (id, personnummer, given_name, family_name, birth_year, protected_identity, home_district_id, synthetic)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true)`,
        [
          id,
          personnummer,
          spec.givenName ?? 'Test',
          spec.familyName ?? `Person ${serial}`,
          Number(birthDate.slice(0, 4)),
          spec.protectedIdentity ?? false,
          spec.homeDistrictId,
        ],
      );
      const link = (
        org: string,
        relation: string,
        active: boolean,
        targetGroup: string | null = null,
      ) =>
        m.query(
          `INSERT INTO person_link (person_id, organisation_id, relation, target_group, active, since)
           VALUES ($1, $2, $3, $4, $5, '2026-01-01')`,
          [id, org, relation, targetGroup, active],
        );
      for (const c of spec.cases ?? []) {
        const caseId = randomUUID();
        await m.query(
          `INSERT INTO socialtjanst.assistance_case (id, person_id, district_id, caseworker, status, period_start, period_end, support_barrier, target_group)
           VALUES ($1, $2, $3, 'Handläggare 1', $4, '2026-01-01', $5, $6, $7)`,
          [
            caseId,
            id,
            c.districtId,
            c.active ? 'ACTIVE' : 'CLOSED',
            c.active ? null : '2026-06-30',
            c.supportBarrier ?? '02',
            c.targetGroup ?? 'ARBETSLOS',
          ],
        );
        for (let i = 0; i < (c.decisions ?? 0); i++) {
          await m.query(
            `INSERT INTO socialtjanst.decision (id, case_id, month, outcome, amount) VALUES ($1, $2, $3, 'GRANTED', 5400.50)`,
            [randomUUID(), caseId, `2026-0${i + 1}-01`],
          );
        }
        await link(c.districtId, 'ASSISTANCE_CASE', c.active, c.targetGroup ?? 'ARBETSLOS');
      }
      if (spec.enrolment) {
        const e = spec.enrolment;
        const enrolmentId = randomUUID();
        const status = e.status ?? 'ACTIVE';
        await m.query(
          `INSERT INTO jobbtorg.enrolment (id, person_id, job_centre_id, coach, first_visit_at, status, closure_reason, closed_at)
           VALUES ($1, $2, $3, 'Coach 1', '2026-02-02T09:00:00Z', $4, $5, $6)`,
          [
            enrolmentId,
            id,
            e.jobCentreId,
            status,
            status === 'CLOSED' ? 'ARBETE' : null,
            status === 'CLOSED' ? '2026-09-30' : null,
          ],
        );
        await m.query(
          `INSERT INTO jobbtorg.plan (id, enrolment_id, kind, goal, valid_from, valid_to, status)
           VALUES ($1, $2, 'INITIAL', 'Arbete inom lager', '2026-02-05', '2026-03-05', 'APPROVED')`,
          [randomUUID(), enrolmentId],
        );
        for (let i = 0; i < (e.interventions ?? 1); i++) {
          await m.query(
            `INSERT INTO jobbtorg.intervention (id, enrolment_id, intervention_type, provider, start_date, end_date, hours_per_week, attendance_percent)
             VALUES ($1, $2, 'KARTLAGGNING', 'Jobbtorg', '2026-02-10', NULL, 20, 90)`,
            [randomUUID(), enrolmentId],
          );
        }
        await link(e.jobCentreId, 'JOB_CENTRE_ENROLMENT', status !== 'CLOSED', 'ARBETSLOS');
      }
      if (spec.sfi) {
        await m.query(
          `INSERT INTO sfi.enrolment (id, person_id, provider_id, study_path, course, start_date, hours_per_week, status, grade)
           VALUES ($1, $2, $3, '2', 'B', '2026-01-15', 15, $4, $5)`,
          [
            randomUUID(),
            id,
            spec.sfi.providerId,
            spec.sfi.status ?? 'ONGOING',
            spec.sfi.status === 'COMPLETED' ? 'C' : null,
          ],
        );
        await link(
          spec.sfi.providerId,
          'SFI_ENROLMENT',
          (spec.sfi.status ?? 'ONGOING') === 'ONGOING',
        );
      }
      if (spec.af) {
        await m.query(
          `INSERT INTO arbetsformedlingen.job_seeker (person_id, office_id, registered, registered_since, category_code, extent_percent, activity_support)
           VALUES ($1, $2, $3, '2025-11-01', '11', 100, $4)`,
          [id, spec.af.officeId, spec.af.registered, Boolean(spec.af.programme)],
        );
        if (spec.af.programme) {
          await m.query(
            `INSERT INTO arbetsformedlingen.programme_assignment (id, person_id, programme_code, start_date) VALUES ($1, $2, $3, '2026-03-01')`,
            [randomUUID(), id, spec.af.programme],
          );
        }
        await link(spec.af.officeId, 'EMPLOYMENT_SERVICE', spec.af.registered);
      }
      for (const c of spec.consents ?? []) {
        await m.query(
          `INSERT INTO consent (id, person_id, parties, scope, valid_from, valid_until, recorded_by_org, recorded_by_sub, withdrawn_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'fixture', $8)`,
          [
            randomUUID(),
            id,
            c.parties,
            c.scope,
            c.validFrom ?? '2026-01-01',
            c.validUntil ?? '2099-12-31',
            spec.homeDistrictId,
            c.withdrawn ? new Date() : null,
          ],
        );
      }
      out.push({ id, personnummer, spec });
    }
  });
  return out;
}

/** A Skärholmen resident with a record in all four sources. */
export function fullSkarholmenPerson(extra: Partial<PersonSpec> = {}): PersonSpec {
  return {
    homeDistrictId: 'skarholmen',
    cases: [{ districtId: 'skarholmen', active: true, decisions: 2 }],
    enrolment: { jobCentreId: 'jobbtorg-sydvast', interventions: 2 },
    sfi: { providerId: 'sfi-kista' },
    af: { officeId: 'af-skarholmen', registered: true, programme: 'JOBB_OCH_UTVECKLINGSGARANTIN' },
    consents: [fullConsent(['skarholmen', 'jobbtorg-sydvast', 'sfi-kista', 'af-skarholmen'])],
    ...extra,
  };
}

/** A consent covering every scope between these organisations. */
export function fullConsent(parties: string[]): NonNullable<PersonSpec['consents']>[number] {
  return { parties, scope: ['REFERRAL_STATUS', 'JOB_CENTRE', 'SFI', 'EMPLOYMENT_SERVICE'] };
}
