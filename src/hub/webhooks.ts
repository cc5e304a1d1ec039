/**
 * The webhook delivery worker, assembled for the hub's start order: it renders events with
 * the hub's schema and services (webhooks/webhook-payload.ts) and follows the dispatcher.
 * Returns nothing when WEBHOOK_DELIVERY=false (endpoints can still be managed).
 */
import type { GraphQLSchema } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Services } from '../context';
import type { EventDispatcher } from '../events/dispatcher';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { webhookRenderer } from '../resolvers/webhooks/webhook-payload';
import { WebhookDeliveryWorker } from '../services/webhooks/delivery-worker';

export function startWebhookDelivery(deps: {
  ds: DataSource;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  dispatcher: EventDispatcher;
  services: Services;
  schema: GraphQLSchema;
}): WebhookDeliveryWorker | undefined {
  const { config, services } = deps;
  if (!config.webhooks.delivery) return undefined;
  const worker = new WebhookDeliveryWorker({
    ds: deps.ds,
    logger: deps.logger.child({ component: 'webhooks' }),
    metrics: deps.metrics,
    dispatcher: deps.dispatcher,
    config: config.webhooks,
    production: config.isProduction,
    render: webhookRenderer(deps.schema, services, deps.logger, config.isProduction),
    orgKind: (id) => services.reference.organisation(id)?.kind,
    box: services.webhooks.box,
  });
  worker.start();
  return worker;
}
