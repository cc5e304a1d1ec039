/**
 * Changes to what is not a person's data, in the access log beside the reads and changes of
 * persons' data: today webhook endpoints (created, secret rotated, disabled by a user or by
 * the delivery worker, enabled, replayed). Written in the change's own transaction, so a
 * change is never without its row. The row names its `resource` instead of a person.
 */
import type { DataSource, EntityManager } from 'typeorm';

export interface ResourceChange {
  /** e.g. `webhookEndpoint:<id>` */
  resource: string;
  /** The mutation, or the worker's step, that made the change. */
  operation: string;
  /** What was changed, as a field group would name it (`webhookEndpoint`). */
  fieldGroup: string;
  requestId: string;
  actor: { sub: string; role: string; orgId: string };
  purpose: string;
}

export async function writeResourceChange(
  db: DataSource | EntityManager,
  change: ResourceChange,
): Promise<void> {
  await db.query(
    `INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, resource, action, operation, field_groups, purpose)
     VALUES ($1, $2, $3, $4, NULL, $5, 'WRITE', $6, ARRAY[$7::text], $8)`,
    [
      change.requestId,
      change.actor.sub,
      change.actor.role,
      change.actor.orgId,
      change.resource,
      change.operation,
      change.fieldGroup,
      change.purpose,
    ],
  );
}
