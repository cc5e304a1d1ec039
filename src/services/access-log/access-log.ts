/**
 * The access log (DOMAIN.md, "Law and trust"): every read of a person's data and every
 * change is recorded with who, whose, what (field groups), purpose, when and the request.
 *
 * Reads are collected while an operation resolves and written in one statement before its
 * response leaves (the Apollo plugin): if the log cannot be written, the response is
 * withheld and the request fails. Changes are written by the mutation's own transaction.
 */
import { prepared } from '../../db/prepared';
import type { DataSource, EntityManager } from 'typeorm';
import { PERSON_FIELD_GROUPS, type PersonFieldGroup } from '../../auth/policy-table';
import type { AuthenticatedViewer, Viewer } from '../../auth/viewer';
import type { AccessLogRow, AccessPath } from '../../entities';

/** What was read or changed: a person field group of the policy table, or a referral. */
export type FieldGroup = PersonFieldGroup | 'referral';

export interface AccessEntry {
  personId: string;
  action: 'READ' | 'WRITE';
  operation: string;
  fieldGroups: FieldGroup[];
  /** `group=basis` for reads across authorities, e.g. `sfi=consent:<id>`. */
  bases?: string[];
  /** By which path the read came; `root` when not given. */
  via?: AccessPath;
}

/** A set's strings in order; the common sizes (none, one) without a sort. */
function sorted(set: ReadonlySet<string> | undefined): string[] {
  if (!set) return [];
  const list = [...set];
  return list.length > 1 ? list.sort() : list;
}

/**
 * Every field group in the order a row lists them (sorted, as the log has always stored
 * them): a row's groups are picked from it rather than sorted per person.
 */
const GROUP_ORDER: readonly FieldGroup[] = [...PERSON_FIELD_GROUPS, 'referral' as const].sort();

/** Collects what one operation reads, per person, merging field groups. */
export class AccessRecorder {
  private readonly reads = new Map<string, Set<FieldGroup>>();
  private readonly bases = new Map<string, Set<string>>();
  /**
   * `entities` once the operation is a federation gateway's `_entities`: everything it reads
   * then came by that path.
   */
  via: AccessPath = 'root';

  constructor(
    readonly viewer: Viewer,
    readonly requestId: string,
    readonly purpose: string,
  ) {}

  /** Records a read of `group`; `basis` when it crossed authorities (consent, statute). */
  read(personId: string, group: FieldGroup, basis?: string): void {
    let groups = this.reads.get(personId);
    if (!groups) {
      groups = new Set();
      this.reads.set(personId, groups);
    }
    groups.add(group);
    if (basis) {
      const bases = this.bases.get(personId) ?? new Set<string>();
      bases.add(`${group}=${basis}`);
      this.bases.set(personId, bases);
    }
  }

  /** The collected reads, then forgets them (a subscription flushes per event). */
  drain(operation: string): AccessEntry[] {
    const entries = [...this.reads].map(([personId, groups]) => ({
      personId,
      action: 'READ' as const,
      operation,
      fieldGroups: GROUP_ORDER.filter((g) => groups.has(g)),
      bases: sorted(this.bases.get(personId)),
      via: this.via,
    }));
    this.reads.clear();
    this.bases.clear();
    return entries;
  }
}

/**
 * The INSERT of `entries`' rows, its parameters numbered from `$first`: writeAccessLog's
 * statement, or a part of a statement that writes its change and its row together (a CTE).
 */
export function accessLogInsert(
  viewer: AuthenticatedViewer,
  requestId: string,
  purpose: string,
  entries: AccessEntry[],
  first = 1,
): { sql: string; params: unknown[] } {
  const $ = (n: number) => `$${first + n - 1}`;
  return {
    sql: `INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action, operation, field_groups, purpose, bases, via)
     SELECT ${$(1)}, ${$(2)}, ${$(3)}, ${$(4)}, p, a, o, string_to_array(g, ','), ${$(5)}, coalesce(string_to_array(b, E'\\n'), '{}'), v
       FROM unnest(${$(6)}::uuid[], ${$(7)}::text[], ${$(8)}::text[], ${$(9)}::text[], ${$(10)}::text[], ${$(11)}::text[]) AS x(p, a, o, g, b, v)`,
    params: [
      requestId,
      viewer.sub,
      viewer.role,
      viewer.orgId,
      purpose,
      entries.map((e) => e.personId),
      entries.map((e) => e.action),
      entries.map((e) => e.operation),
      entries.map((e) => e.fieldGroups.join(',')),
      // One string per entry (unnest needs equal-length arrays); bases never contain newlines.
      entries.map((e) => (e.bases?.length ? e.bases.join('\n') : null)),
      entries.map((e) => e.via ?? 'root'),
    ],
  };
}

export async function writeAccessLog(
  db: DataSource | EntityManager,
  viewer: AuthenticatedViewer,
  requestId: string,
  purpose: string,
  entries: AccessEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const insert = accessLogInsert(viewer, requestId, purpose, entries);
  // Named (src/db/prepared.ts): numbered from $1 here, one text.
  await db.query(prepared(insert.sql), insert.params);
}

/**
 * Newest first, keyset on id. The order names the table's column: the select list's `id` is
 * its text form, and ORDER BY an output name would sort "10" before "9".
 */
export async function readAccessLog(
  db: DataSource,
  filter: { personId?: string | null; actorSub?: string | null; actorOrg?: string | null },
  first: number,
  afterId: string | null,
): Promise<{ rows: AccessLogRow[]; hasNextPage: boolean }> {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (filter.personId) where.push(`person_id = ${p(filter.personId)}::uuid`);
  if (filter.actorSub) where.push(`actor_sub = ${p(filter.actorSub)}`);
  if (filter.actorOrg) where.push(`actor_org = ${p(filter.actorOrg)}`);
  if (afterId) where.push(`id < ${p(afterId)}::bigint`);
  const rows = await db.query<AccessLogRow[]>(
    `SELECT id::text AS id, at, request_id AS "requestId", actor_sub AS "actorSub", actor_role AS "actorRole",
            actor_org AS "actorOrg", person_id AS "personId", resource, action, operation, field_groups AS "fieldGroups", purpose, bases, via
       FROM access_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY access_log.id DESC LIMIT ${p(first + 1)}`,
    params,
  );
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** One actor's entries: who, under which request and purpose. */
export interface ActorEntries {
  viewer: AuthenticatedViewer;
  requestId: string;
  purpose: string;
  entries: readonly AccessEntry[];
}

/**
 * Writes what an operation read, before its response is sent. Throws when the log cannot
 * be written: the caller then withholds the response.
 */
export async function flushReads(
  db: DataSource,
  recorder: AccessRecorder,
  operation: string,
  /** Shares a statement with other requests' rows (batched-writer.ts); else one of its own. */
  writer?: { write(actor: ActorEntries): Promise<void> },
): Promise<void> {
  const viewer = recorder.viewer;
  const entries = recorder.drain(operation);
  if (viewer.kind !== 'authenticated' || entries.length === 0) return;
  if (writer)
    await writer.write({
      viewer,
      requestId: recorder.requestId,
      purpose: recorder.purpose,
      entries,
    });
  else await writeAccessLog(db, viewer, recorder.requestId, recorder.purpose, entries);
}

/** The message a client gets when its response was withheld. */
export const ACCESS_LOG_UNAVAILABLE =
  'The access log could not be written: the response was withheld';
