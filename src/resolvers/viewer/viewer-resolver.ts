import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import type { OrganisationRecord } from '../../services/reference/reference-service';
import { Organisation } from '../reference/organisation';
import { ViewerType } from './viewer';

@Resolver(() => ViewerType)
export class ViewerResolver {
  @Query(() => ViewerType, {
    description: 'Who the hub thinks is asking. Answers without a token.',
  })
  viewer(@Ctx() ctx: Context): ViewerType {
    const v = ctx.viewer;
    if (v.kind === 'anonymous') {
      return {
        authenticated: false,
        sub: null,
        role: null,
        scopes: [],
        orgId: null,
        expiresAt: null,
      };
    }
    return {
      authenticated: true,
      sub: v.sub,
      role: v.role,
      scopes: v.scopes,
      orgId: v.orgId,
      expiresAt: new Date(v.expiresAt * 1000),
    };
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'The organisation of the token',
  })
  organisation(@Root() viewer: ViewerType, @Ctx() ctx: Context): OrganisationRecord | null {
    return viewer.orgId ? (ctx.services.reference.organisation(viewer.orgId) ?? null) : null;
  }
}
