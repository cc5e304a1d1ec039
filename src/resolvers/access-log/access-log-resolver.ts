import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { UnauthenticatedError } from '../../errors';
import type { AccessLogRow } from '../../entities';
import { encodeAccessLogCursor } from '../../services/access-log/access-log-reader';
import { toConnection, type ConnectionValue } from '../common/connection';
import { AccessLogConnection } from './access-log';

type Page = { rows: AccessLogRow[]; hasNextPage: boolean };

function connection(page: Page): ConnectionValue<AccessLogRow> {
  return toConnection(page.rows, encodeAccessLogCursor, page.hasNextPage, () =>
    Promise.resolve(page.rows.length),
  );
}

/** Who may call which is in the policy table (data protection officer; every user for their own). */
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
    @Arg('first', () => Int, { nullable: true, description: '1–500, default 50' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionValue<AccessLogRow>> {
    return connection(await ctx.services.accessLog.page({ personId, actorSub }, first, after));
  }

  @Query(() => AccessLogConnection, {
    description:
      'The caller’s own entries in the access log (what I read and changed, and why), newest first: every user can review their own trail.',
  })
  async myAccessLog(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–500, default 50' })
    first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<ConnectionValue<AccessLogRow>> {
    if (ctx.viewer.kind !== 'authenticated') throw new UnauthenticatedError();
    const own = { actorSub: ctx.viewer.sub, actorOrg: ctx.viewer.orgId };
    return connection(await ctx.services.accessLog.page(own, first, after));
  }
}
