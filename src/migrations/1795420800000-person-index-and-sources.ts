import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's person index (who the hub knows and which organisations relate to them) and
 * the embedded stand-ins for the four agencies' systems of record, each in its own schema.
 */
export class PersonIndexAndSources1795420800000 implements MigrationInterface {
  name = 'PersonIndexAndSources1795420800000';

  async up(q: QueryRunner): Promise<void> {
    // --- hub: person index -------------------------------------------------------------
    await q.query(`
      CREATE TABLE person (
        id uuid PRIMARY KEY,
        personnummer text NOT NULL UNIQUE,
        given_name text NOT NULL,
        family_name text NOT NULL,
        birth_year integer NOT NULL,
        protected_identity boolean NOT NULL DEFAULT false,
        home_district_id text REFERENCES organisation (id),
        synthetic boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Which organisation relates to a person, and how: the basis of "persons my
    // organisation may see" and of the caseload filters, without calling four systems.
    await q.query(`
      CREATE TABLE person_link (
        person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        organisation_id text NOT NULL REFERENCES organisation (id),
        relation text NOT NULL,
        target_group text,
        active boolean NOT NULL DEFAULT true,
        since date NOT NULL,
        PRIMARY KEY (person_id, organisation_id, relation)
      )`);
    await q.query(
      `CREATE INDEX person_link_org_idx ON person_link (organisation_id, relation, person_id) WHERE active`,
    );
    await q.query(
      `CREATE INDEX person_link_target_group_idx ON person_link (target_group, person_id) WHERE active`,
    );
    await q.query(
      `CREATE INDEX person_link_relation_idx ON person_link (relation, person_id) WHERE active`,
    );

    // --- socialtjanst: the district's case system for ekonomiskt bistånd -----------------
    await q.query(`CREATE SCHEMA socialtjanst`);
    await q.query(`
      CREATE TABLE socialtjanst.assistance_case (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        district_id text NOT NULL,
        caseworker text NOT NULL,
        status text NOT NULL,
        period_start date NOT NULL,
        period_end date,
        support_barrier text NOT NULL,
        target_group text
      )`);
    await q.query(
      `CREATE INDEX assistance_case_person_idx ON socialtjanst.assistance_case (person_id)`,
    );
    await q.query(`
      CREATE TABLE socialtjanst.decision (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES socialtjanst.assistance_case (id) ON DELETE CASCADE,
        month date NOT NULL,
        outcome text NOT NULL,
        amount numeric(10, 2) NOT NULL
      )`);
    await q.query(`CREATE INDEX decision_case_idx ON socialtjanst.decision (case_id, month DESC)`);

    // --- jobbtorg: the job centres' case system -----------------------------------------
    await q.query(`CREATE SCHEMA jobbtorg`);
    await q.query(`
      CREATE TABLE jobbtorg.enrolment (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        job_centre_id text NOT NULL,
        coach text NOT NULL,
        first_visit_at timestamptz,
        status text NOT NULL,
        closure_reason text,
        closure_employment_type text,
        closed_at date
      )`);
    await q.query(`CREATE INDEX enrolment_person_idx ON jobbtorg.enrolment (person_id)`);
    await q.query(`
      CREATE TABLE jobbtorg.plan (
        id uuid PRIMARY KEY,
        enrolment_id uuid NOT NULL REFERENCES jobbtorg.enrolment (id) ON DELETE CASCADE,
        kind text NOT NULL,
        goal text NOT NULL,
        valid_from date NOT NULL,
        valid_to date NOT NULL,
        status text NOT NULL
      )`);
    await q.query(`CREATE INDEX plan_enrolment_idx ON jobbtorg.plan (enrolment_id)`);
    await q.query(`
      CREATE TABLE jobbtorg.intervention (
        id uuid PRIMARY KEY,
        enrolment_id uuid NOT NULL REFERENCES jobbtorg.enrolment (id) ON DELETE CASCADE,
        intervention_type text NOT NULL,
        provider text NOT NULL,
        start_date date NOT NULL,
        end_date date,
        hours_per_week numeric(4, 1) NOT NULL,
        attendance_percent integer
      )`);
    await q.query(
      `CREATE INDEX intervention_enrolment_idx ON jobbtorg.intervention (enrolment_id)`,
    );
    await q.query(`
      CREATE TABLE jobbtorg.interruption (
        id uuid PRIMARY KEY,
        enrolment_id uuid NOT NULL REFERENCES jobbtorg.enrolment (id) ON DELETE CASCADE,
        reason text NOT NULL,
        from_date date NOT NULL,
        to_date date
      )`);
    await q.query(
      `CREATE INDEX interruption_enrolment_idx ON jobbtorg.interruption (enrolment_id)`,
    );

    // --- sfi: adult education (SS 12000 enrolments with schoolType SFI) ------------------
    await q.query(`CREATE SCHEMA sfi`);
    await q.query(`
      CREATE TABLE sfi.enrolment (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        provider_id text NOT NULL,
        study_path text NOT NULL,
        course text NOT NULL,
        start_date date NOT NULL,
        end_date date,
        hours_per_week numeric(4, 1) NOT NULL,
        status text NOT NULL,
        grade text,
        national_test_grade text
      )`);
    await q.query(`CREATE INDEX sfi_enrolment_person_idx ON sfi.enrolment (person_id)`);

    // --- arbetsformedlingen: AF status as social services see it through SSBTEK ----------
    await q.query(`CREATE SCHEMA arbetsformedlingen`);
    await q.query(`
      CREATE TABLE arbetsformedlingen.job_seeker (
        person_id uuid PRIMARY KEY,
        office_id text NOT NULL,
        registered boolean NOT NULL,
        registered_since date,
        deregistered_at date,
        category_code text,
        extent_percent integer,
        last_activity_report date,
        activity_support boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE arbetsformedlingen.programme_assignment (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        programme_code text NOT NULL,
        start_date date NOT NULL,
        end_date date
      )`);
    await q.query(
      `CREATE INDEX programme_assignment_person_idx ON arbetsformedlingen.programme_assignment (person_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA arbetsformedlingen CASCADE`);
    await q.query(`DROP SCHEMA sfi CASCADE`);
    await q.query(`DROP SCHEMA jobbtorg CASCADE`);
    await q.query(`DROP SCHEMA socialtjanst CASCADE`);
    await q.query(`DROP TABLE person_link`);
    await q.query(`DROP TABLE person`);
  }
}
