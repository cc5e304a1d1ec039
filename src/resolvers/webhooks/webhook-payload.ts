/**
 * A webhook's `data`: the event exactly as the endpoint owner's `referralEvents`
 * subscription would deliver it — the same schema, the same resolvers and policy guard,
 * a context of the owner's organisation and role — and the owner's reads written to the
 * access log before anything is sent (as graphql-ws does for each result).
 */
import { execute, parse, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { AuthenticatedViewer } from '../../auth/viewer';
import { createContext, type Services } from '../../context';
import { formatError } from '../../errors';
import type { StoredEvent } from '../../events/event-types';
import type { Logger } from '../../observability/logger';
import { flushReads } from '../../services/access-log/access-log';
import type { RenderEvent } from '../../services/webhooks/delivery-worker';

/** The fields of an event in a webhook (the same selection a subscriber can make). */
export const WEBHOOK_EVENT_FIELDS =
  'id cursor type occurredAt referralId districtId jobCentreId referral { id status version }';

export const WEBHOOK_OPERATION = 'WebhookEvent';

/** The subscription a webhook's `data` equals, for a subscriber of the same organisation and role. */
export const WEBHOOK_EVENT_DOCUMENT = `subscription ${WEBHOOK_OPERATION} { referralEvents { ${WEBHOOK_EVENT_FIELDS} } }`;

export function webhookRenderer(
  schema: GraphQLSchema,
  services: Services,
  logger: Logger,
  production: boolean,
): RenderEvent {
  const document = parse(WEBHOOK_EVENT_DOCUMENT);
  return async (viewer: AuthenticatedViewer, event: StoredEvent, requestId: string) => {
    const ctx = createContext(services, viewer, requestId, logger);
    // Executing a subscription operation with the event as root value is what graphql-ws
    // does for each event (graphql-js mapSourceToResponse).
    const result = await execute({ schema, document, rootValue: event, contextValue: ctx });
    await flushReads(services.dataSource, ctx.access, WEBHOOK_OPERATION);
    const data = (result.data as { referralEvents?: unknown } | null | undefined)?.referralEvents;
    const errors = result.errors?.map((e: GraphQLError) =>
      formatError(logger, e.toJSON(), e, { hideSuggestions: production }),
    );
    return errors?.length ? { data: data ?? null, errors } : { data: data ?? null };
  };
}
