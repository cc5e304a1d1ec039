import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables for versioned reference data: organisations (with routing) and code lists. */
export class ReferenceData1795334400000 implements MigrationInterface {
  name = 'ReferenceData1795334400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        short_name text NOT NULL,
        location text,
        default_job_centre_id text REFERENCES organisation (id) DEFERRABLE INITIALLY DEFERRED,
        active boolean NOT NULL DEFAULT true,
        reference_version text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX organisation_kind_idx ON organisation (kind) WHERE active`);
    await q.query(`
      CREATE TABLE code_entry (
        list text NOT NULL,
        code text NOT NULL,
        label text NOT NULL,
        sort_order integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        reference_version text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (list, code)
      )`);
    await q.query(`
      CREATE TABLE reference_data_version (
        name text PRIMARY KEY,
        version text NOT NULL,
        checksum text NOT NULL,
        loaded_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reference_data_version`);
    await q.query(`DROP TABLE code_entry`);
    await q.query(`DROP TABLE organisation`);
  }
}
