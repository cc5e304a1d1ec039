/**
 * A list of ids as the text of a PostgreSQL array, for a `$n::uuid[]` parameter. `pg` turns
 * a JavaScript array into that text itself, quoting and escaping element by element; for
 * the batch reads of a page (50 ids per source) that was a visible part of what the hub
 * allocated per request. Ids that are all canonical UUIDs need no quoting, so one `join`
 * gives the same value. Anything else is passed as the array it is, for `pg` to quote and
 * the cast to refuse as before.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidArray(ids: readonly string[]): string | readonly string[] {
  for (const id of ids) if (!UUID.test(id)) return ids;
  return `{${ids.join(',')}}`;
}
