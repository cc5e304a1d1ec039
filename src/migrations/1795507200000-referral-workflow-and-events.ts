import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The referral workflow (referrals, job plans, deviations, interruptions), the event log
 * (transactional outbox) with its position counter, and idempotency keys.
 */
export class ReferralWorkflowAndEvents1795507200000 implements MigrationInterface {
  name = 'ReferralWorkflowAndEvents1795507200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES person (id),
        from_district_id text NOT NULL REFERENCES organisation (id),
        to_job_centre_id text NOT NULL REFERENCES organisation (id),
        target_group text NOT NULL,
        support_barrier text NOT NULL,
        note text,
        consent_id uuid,
        status text NOT NULL,
        status_before_interruption text,
        coach_id text,
        first_appointment_at timestamptz NOT NULL,
        first_visit_at timestamptz,
        plan_deadline date,
        deadline_missed_at timestamptz,
        rejection_reason text,
        withdrawal_reason text,
        return_reason text,
        return_note text,
        returned_at timestamptz,
        return_acknowledged_at timestamptz,
        closure_reason text,
        closure_employment_type text,
        closure_note text,
        closed_at timestamptz,
        created_by text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX referral_person_idx ON referral (person_id)`);
    await q.query(
      `CREATE INDEX referral_district_idx ON referral (from_district_id, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX referral_job_centre_idx ON referral (to_job_centre_id, created_at, id)`,
    );
    // The job-guarantee checker looks only at enrolled referrals whose deadline is not yet marked.
    await q.query(
      `CREATE INDEX referral_open_deadline_idx ON referral (plan_deadline) WHERE deadline_missed_at IS NULL AND plan_deadline IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE job_plan (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral (id),
        kind text NOT NULL,
        goal text NOT NULL,
        status text NOT NULL,
        activities jsonb NOT NULL,
        valid_from date NOT NULL,
        valid_until date NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        submitted_by text NOT NULL,
        decided_at timestamptz,
        decided_by text,
        decision_comment text
      )`);
    await q.query(`CREATE INDEX job_plan_referral_idx ON job_plan (referral_id, submitted_at)`);
    await q.query(`
      CREATE TABLE deviation (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral (id),
        kind text NOT NULL,
        date date NOT NULL,
        note text,
        reported_at timestamptz NOT NULL DEFAULT now(),
        reported_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX deviation_referral_idx ON deviation (referral_id, date)`);
    await q.query(`
      CREATE TABLE referral_interruption (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral (id),
        reason text NOT NULL,
        from_date date NOT NULL,
        resumed_at date
      )`);
    await q.query(
      `CREATE INDEX referral_interruption_referral_idx ON referral_interruption (referral_id, from_date)`,
    );

    // The event log. `position` is assigned from event_sequence inside the writing
    // transaction; the row lock on the counter is held until commit, so positions become
    // visible strictly in order and a reader that has passed N never finds a new event below N.
    await q.query(`
      CREATE TABLE event (
        position bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        referral_id uuid NOT NULL,
        person_id uuid NOT NULL,
        district_id text NOT NULL,
        job_centre_id text NOT NULL,
        actor_sub text,
        actor_org text,
        payload jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX event_referral_idx ON event (referral_id, position)`);
    await q.query(`CREATE INDEX event_district_idx ON event (district_id, position)`);
    await q.query(`CREATE INDEX event_job_centre_idx ON event (job_centre_id, position)`);
    // The job guarantee is missed once per referral, however often the checker runs.
    await q.query(
      `CREATE UNIQUE INDEX event_deadline_missed_once ON event (referral_id) WHERE type = 'PLAN_DEADLINE_MISSED'`,
    );
    await q.query(
      `CREATE TABLE event_sequence (id integer PRIMARY KEY CHECK (id = 1), last_position bigint NOT NULL)`,
    );
    await q.query(`INSERT INTO event_sequence (id, last_position) VALUES (1, 0)`);

    await q.query(`
      CREATE TABLE idempotency_key (
        scope text NOT NULL,
        key text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        result_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
    await q.query(`DROP TABLE event_sequence`);
    await q.query(`DROP TABLE event`);
    await q.query(`DROP TABLE referral_interruption`);
    await q.query(`DROP TABLE deviation`);
    await q.query(`DROP TABLE job_plan`);
    await q.query(`DROP TABLE referral`);
  }
}
