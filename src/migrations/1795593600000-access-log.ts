import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The access log: who (sub, role, organisation) read or changed whose data (person id),
 * which field groups, for what purpose, when, in which request. Append-only.
 */
export class AccessLog1795593600000 implements MigrationInterface {
  name = 'AccessLog1795593600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        request_id text NOT NULL,
        actor_sub text NOT NULL,
        actor_role text NOT NULL,
        actor_org text NOT NULL,
        person_id uuid NOT NULL,
        action text NOT NULL,
        operation text NOT NULL,
        field_groups text[] NOT NULL,
        purpose text NOT NULL
      )`);
    await q.query(`CREATE INDEX access_log_person_idx ON access_log (person_id, id)`);
    await q.query(`CREATE INDEX access_log_actor_idx ON access_log (actor_sub, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
  }
}
