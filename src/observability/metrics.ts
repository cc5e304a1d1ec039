/**
 * Prometheus metrics (prom-client). One registry per hub instance, not the global one,
 * so several hubs in one process (tests) do not collide.
 */
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  graphqlOperations: Counter<'type' | 'outcome'>;
  wsConnections: Gauge;
}

/** Gauges read when /metrics is scraped, from whatever the hub has running. */
export function registerEventGauges(
  metrics: Metrics,
  dispatcher: { subscriberCount: number; position: string },
): void {
  new Gauge({
    name: 'hub_event_subscribers',
    help: 'Open event subscriptions on this instance',
    registers: [metrics.registry],
    collect() {
      this.set(dispatcher.subscriberCount);
    },
  });
  new Gauge({
    name: 'hub_event_dispatcher_position',
    help: 'Last event-log position this instance has dispatched',
    registers: [metrics.registry],
    collect() {
      this.set(Number(dispatcher.position));
    },
  });
}

/** Per agency source: breaker state (1 for the current state) and HTTP calls. */
export function registerConnectorMetrics(
  metrics: Metrics,
  health: () => Record<string, { mode: string; breaker?: string }>,
): (source: string, outcome: 'ok' | 'error', seconds: number) => void {
  const states = ['closed', 'half-open', 'open', 'isolated'];
  new Gauge({
    name: 'hub_connector_breaker_state',
    help: 'Circuit breaker state of each HTTP source (1 for the current state)',
    labelNames: ['source', 'state'],
    registers: [metrics.registry],
    collect() {
      for (const [source, h] of Object.entries(health())) {
        if (!h.breaker) continue;
        for (const state of states) this.set({ source, state }, h.breaker === state ? 1 : 0);
      }
    },
  });
  const calls = new Counter({
    name: 'hub_connector_calls_total',
    help: 'HTTP calls to agency sources, retries included in one call, by outcome',
    labelNames: ['source', 'outcome'],
    registers: [metrics.registry],
  });
  const duration = new Histogram({
    name: 'hub_connector_call_duration_seconds',
    help: 'Duration of HTTP calls to agency sources, retries and waits included',
    labelNames: ['source'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [metrics.registry],
  });
  return (source, outcome, seconds) => {
    calls.inc({ source, outcome });
    duration.observe({ source }, seconds);
  };
}

/**
 * The time the main thread's event loop spent running code rather than waiting for I/O
 * (Node's event loop utilisation): `rate()` of it is the share of the one JavaScript thread
 * in use. A hub whose rate nears 1 is bound by that thread, whatever CPU the host has left:
 * the process's CPU time, summed over its threads (GC helpers, libuv's pool), does not show
 * that, and more cores do not help one process (another instance does). Counted from when the
 * registry is created; read when /metrics is scraped.
 */
function registerEventLoopBusy(registry: Registry): void {
  let last = performance.eventLoopUtilization();
  new Counter({
    name: 'hub_event_loop_busy_seconds_total',
    help: "Seconds the main thread's event loop spent running code (rate(): its utilisation, 0 to 1)",
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.inc(Math.max(0, now.active - last.active) / 1000);
      last = now;
    },
  });
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerEventLoopBusy(registry);
  return {
    registry,
    httpRequests: new Counter({
      name: 'hub_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'hub_http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'hub_graphql_operations_total',
      help: 'GraphQL operations by type and outcome (ok, error)',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    wsConnections: new Gauge({
      name: 'hub_graphql_ws_connections',
      help: 'Open graphql-ws connections',
      registers: [registry],
    }),
  };
}
