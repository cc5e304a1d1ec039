import type { DataSource, EntityManager } from 'typeorm';

/**
 * The rows of a statement with RETURNING. TypeORM's `query()` on PostgreSQL returns
 * `[rows, affectedCount]` for UPDATE and DELETE but plain rows for INSERT and SELECT;
 * this gives the rows in every case.
 */
export async function queryReturning<T>(
  db: DataSource | EntityManager,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  return rowsOf<T>(await db.query(sql, params));
}

/** The rows of a `query()` result, whether TypeORM returned `[rows, count]` or rows. */
export function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
