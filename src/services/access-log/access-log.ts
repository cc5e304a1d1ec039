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

/**
 * Adds `value` to a list kept in order and without repeats (the order `Array.prototype.sort`
 * gives strings). A person's bases are a handful, recorded one field at a time: kept in order
 * as they come, the list needs no copy and sort per person when the operation's rows are
 * written (that sort was about 40 KB of garbage per caseload page).
 */
function insertInOrder(list: string[], value: string): void {
  let at = list.length;
  while (at > 0 && list[at - 1] > value) at--;
  if (at > 0 && list[at - 1] === value) return;
  if (at === list.length) list.push(value);
  else list.splice(at, 0, value);
}

/**
 * Every field group in the order a row lists them (sorted, as the log has always stored
 * them): a row's groups are picked from it rather than sorted per person.
 */
const GROUP_ORDER: readonly FieldGroup[] = [...PERSON_FIELD_GROUPS, 'referral' as const].sort();

/** What one operation read of one person: field groups, and the grounds as `group=basis`, in order. */
interface PersonReads {
  groups: Set<FieldGroup>;
  bases: string[];
}

/** Collects what one operation reads, per person, merging field groups. */
export class AccessRecorder {
  private readonly reads = new Map<string, PersonReads>();
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
    let person = this.reads.get(personId);
    if (!person) {
      person = { groups: new Set(), bases: [] };
      this.reads.set(personId, person);
    }
    person.groups.add(group);
    if (basis) insertInOrder(person.bases, `${group}=${basis}`);
  }

  /** The collected reads, then forgets them (a subscription flushes per event). */
  drain(operation: string): AccessEntry[] {
    const entries: AccessEntry[] = [];
    for (const [personId, { groups, bases }] of this.reads)
      entries.push({
        personId,
        action: 'READ',
        operation,
        fieldGroups: GROUP_ORDER.filter((g) => groups.has(g)),
        // Handed over as they are: the map that held them is cleared below.
        bases,
        via: this.via,
      });
    this.reads.clear();
    return entries;
  }
}

/**
 * Lone UTF-16 surrogates (a token's claims may hold one) as U+FFFD, which is what `pg`
 * sends for them in a text parameter: `jsonb` refuses them, and the write would fail.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\ufffd');

/**
 * An actor as the INSERT reads it: identity by index, then its entries. The identity's text
 * comes from outside (token, headers); the entries' from the hub (ids, names, codes).
 */
function actorJson(a: ActorEntries): unknown[] {
  return [
    wellFormed(a.requestId),
    wellFormed(a.viewer.sub),
    wellFormed(a.viewer.role),
    wellFormed(a.viewer.orgId),
    wellFormed(a.purpose),
    a.entries.map((e) => [
      e.personId,
      e.action,
      e.operation,
      e.fieldGroups.join(','),
      // Bases never contain newlines.
      e.bases?.length ? e.bases.join('\n') : null,
      e.via ?? 'root',
    ]),
  ];
}

/**
 * The INSERT of several actors' rows, its one parameter numbered `$first`: the batched
 * writer's statement, writeAccessLog's, or a part of a statement that writes its change and
 * its row together (a CTE). The rows travel as one `jsonb` value, per actor its identity once
 * and then its entries, rather than as parallel arrays: `pg` builds an array parameter
 * element by element (quoting each), which for a caseload page's 50 rows was a tenth of
 * everything the hub allocated per request, while `JSON.stringify` writes them in one pass.
 */
export function accessLogRows(
  actors: readonly ActorEntries[],
  first = 1,
): { sql: string; params: unknown[] } {
  return {
    sql: `INSERT INTO access_log (request_id, actor_sub, actor_role, actor_org, person_id, action, operation, field_groups, purpose, bases, via)
     SELECT a->>0, a->>1, a->>2, a->>3, (e->>0)::uuid, e->>1, e->>2, string_to_array(e->>3, ','), a->>4,
            coalesce(string_to_array(e->>4, E'\\n'), '{}'), e->>5
       FROM jsonb_array_elements($${first}::jsonb) AS actor(a), jsonb_array_elements(a->5) AS entry(e)`,
    params: [JSON.stringify(actors.map(actorJson))],
  };
}

/** One actor's rows (accessLogRows), its parameter numbered `$first`. */
export function accessLogInsert(
  viewer: AuthenticatedViewer,
  requestId: string,
  purpose: string,
  entries: AccessEntry[],
  first = 1,
): { sql: string; params: unknown[] } {
  return accessLogRows([{ viewer, requestId, purpose, entries }], first);
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
  // Named (src/db/prepared.ts): numbered from $1 here, one text (the batched writer's).
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
