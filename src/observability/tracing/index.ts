/**
 * Tracing (OpenTelemetry), off unless `OTEL_TRACES_EXPORTER=otlp`: `register.ts` is loaded
 * first by the process entry; the call sites use the hooks, which do nothing when it is off.
 * See docs/operations.md#traces.
 */
export {
  graphqlHttpTracing,
  graphqlTracingPlugins,
  tracedConnector,
  tracedStatement,
  tracedWsRun,
  withWsTraceParent,
} from './hooks';
export { shutdownTracing, tracingActive } from './state';
