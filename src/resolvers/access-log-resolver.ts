import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { mayReadAccessLog } from '../auth/policy';
import type { Context } from '../context';
import { BadUserInputError, ForbiddenError } from '../errors';
import { readAccessLog, type AccessLogRow } from '../services/access-log';
import { toConnection, type ConnectionValue } from './connection';
import { AccessLogConnection } from './types/access-log';

const cursorOf = (r: AccessLogRow) => Buffer.from(`access:${r.id}`).toString('base64url');

function afterId(after: string | null | undefined): string | null {
  if (!after) return null;
  const id = Buffer.from(after, 'base64url')
    .toString('utf8')
    .replace(/^access:/, '');
  if (!/^\d{1,18}$/.test(id)) throw new BadUserInputError('Invalid cursor', 'after');
  return id;
}

@Resolver()
export class AccessLogResolver {
  @Query(() => AccessLogConnection, {
    description:
      'Loggen över åtkomst: every read and change of a person’s data, newest first. Data protection officer only; filter per person or per user (actorSub).',
  })
  async accessLog(
    @Ctx() ctx: Context,
    @Arg('personId', () => ID, { nullable: true }) personId?: string | null,
    @Arg('actorSub', () => String, { nullable: true }) actorSub?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionValue<AccessLogRow>> {
    if (!mayReadAccessLog(ctx.viewer))
      throw new ForbiddenError('The access log is for the data protection officer');
    const size = first ?? 50;
    if (!Number.isInteger(size) || size < 1 || size > 500)
      throw new BadUserInputError('first must be between 1 and 500', 'first');
    if (personId && !/^[0-9a-f-]{36}$/i.test(personId))
      throw new BadUserInputError('Invalid person id', 'personId');
    const page = await readAccessLog(
      ctx.services.dataSource,
      { personId, actorSub },
      size,
      afterId(after),
    );
    return toConnection(page.rows, cursorOf, page.hasNextPage, () =>
      Promise.resolve(page.rows.length),
    );
  }
}
