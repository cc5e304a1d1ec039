/** Grouping and ordering shared by the agency simulators (the contracts say "latest first"). */

export function byPerson<T extends { personId: string }>(rows: readonly T[]): Map<string, T[]> {
  return groupBy(rows, (r) => r.personId);
}

export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}

/** A copy sorted by an ISO date or instant, latest first; rows without one go last. */
export function latestFirst<T>(rows: readonly T[], at: (row: T) => string | null): T[] {
  return [...rows].sort((a, b) => compareDesc(at(a), at(b)));
}

export function compareDesc(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? 1 : -1;
}
