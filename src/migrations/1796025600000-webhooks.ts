import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks (issue 17): endpoints with their durable cursor on the event log and
 * their lease, the recent deliveries per event, and the trail of changes to endpoints
 * (endpoints are not person data, so their changes have a trail of their own rather than
 * rows in the person-keyed access log).
 */
export class Webhooks1796025600000 implements MigrationInterface {
  name = 'Webhooks1796025600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoint (
        id uuid PRIMARY KEY,
        organisation_id text NOT NULL REFERENCES organisation (id),
        role text NOT NULL,
        created_by_sub text NOT NULL,
        url text NOT NULL,
        description text,
        filter jsonb NOT NULL DEFAULT '{}',
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        state text NOT NULL DEFAULT 'ENABLED',
        disabled_reason text,
        cursor_position bigint NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        failing_since timestamptz,
        last_error text,
        lease_owner text,
        lease_expires_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_endpoint_state_check CHECK (state IN ('ENABLED', 'DISABLED'))
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoint_owner_idx ON webhook_endpoint (organisation_id, role)`,
    );
    await q.query(`
      CREATE TABLE webhook_delivery (
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
        position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        last_attempt_at timestamptz,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        CONSTRAINT webhook_delivery_pkey PRIMARY KEY (endpoint_id, position),
        CONSTRAINT webhook_delivery_status_check CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED'))
      )`);
    await q.query(`
      CREATE TABLE webhook_endpoint_change (
        id bigserial PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
        action text NOT NULL,
        actor_sub text NOT NULL,
        actor_role text NOT NULL,
        actor_org text NOT NULL,
        request_id text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoint_change_endpoint_idx ON webhook_endpoint_change (endpoint_id, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_endpoint_change`);
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook_endpoint`);
  }
}
