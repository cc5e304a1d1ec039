/**
 * Reading the access log: pages newest first, for the data protection officer (any person,
 * any user) and for each user's own view of what they read and changed. Input is validated
 * here; who may ask which filter is the policy's decision (the resolver asks it first).
 */
import type { DataSource } from 'typeorm';
import { BadUserInputError } from '../../errors';
import type { AccessLogRow } from '../../entities';
import { readAccessLog } from './access-log';

export const ACCESS_LOG_DEFAULT_PAGE = 50;
export const ACCESS_LOG_MAX_PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeAccessLogCursor(r: AccessLogRow): string {
  return Buffer.from(`access:${r.id}`).toString('base64url');
}

function decodeCursor(after: string | null | undefined): string | null {
  if (!after) return null;
  const id = Buffer.from(after, 'base64url')
    .toString('utf8')
    .replace(/^access:/, '');
  if (!/^\d{1,18}$/.test(id)) throw new BadUserInputError('Invalid cursor', 'after');
  return id;
}

export interface AccessLogFilter {
  personId?: string | null;
  actorSub?: string | null;
  actorOrg?: string | null;
}

export class AccessLogReader {
  constructor(private readonly ds: DataSource) {}

  async page(
    filter: AccessLogFilter,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ rows: AccessLogRow[]; hasNextPage: boolean }> {
    const size = first ?? ACCESS_LOG_DEFAULT_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > ACCESS_LOG_MAX_PAGE)
      throw new BadUserInputError(`first must be between 1 and ${ACCESS_LOG_MAX_PAGE}`, 'first');
    if (filter.personId && !UUID.test(filter.personId))
      throw new BadUserInputError('Invalid person id', 'personId');
    return readAccessLog(this.ds, filter, size, decodeCursor(after));
  }
}
