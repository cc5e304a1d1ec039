import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consents (samtycken): the person allows data to cross between the listed organisations
 * (parties), for the listed scopes, from valid_from to valid_until inclusive (Stockholm
 * dates), until withdrawn. Never deleted: a withdrawal is recorded, so the access log's
 * earlier reads keep their basis.
 */
export class Consent1795680000000 implements MigrationInterface {
  name = 'Consent1795680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consent (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        parties text[] NOT NULL CHECK (cardinality(parties) > 0),
        scope text[] NOT NULL CHECK (cardinality(scope) > 0),
        valid_from date NOT NULL,
        valid_until date NOT NULL,
        recorded_by_org text NOT NULL REFERENCES organisation (id),
        recorded_by_sub text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        withdrawn_by_sub text,
        withdrawal_reason text,
        CHECK (valid_until >= valid_from)
      )`);
    await q.query(`CREATE INDEX consent_person_idx ON consent (person_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent`);
  }
}
