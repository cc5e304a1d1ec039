/**
 * The OpenTelemetry SDK, loaded only when tracing is on (see switch.ts): a Node tracer
 * provider with the W3C trace-context propagator, a batch span processor and the OTLP/HTTP
 * exporter, and the two instrumentations that patch modules — pg (SQL statements, never their
 * parameters) and undici (the `fetch` the HTTP connectors call, which also sends
 * `traceparent` to the agencies). Everything else (endpoint, headers, sampler, batch sizes,
 * resource attributes) the SDK reads from the standard `OTEL_*` variables itself.
 */
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { markTracingStarted } from './state';
import type { TracingSwitch } from './switch';

export function startTracing(on: Extract<TracingSwitch, { enabled: true }>): void {
  // Export failures (a collector that is down) are reported on stderr, never thrown.
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const exporter = on.protocol === 'http/json' ? new OTLPJsonExporter() : new OTLPProtoExporter();
  const provider = new NodeTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'samverkan-hub' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Trace context only: W3C baggage would carry whatever a caller put in it on to the agencies.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new PgInstrumentation({
        // Never the parameter values, only the statement text with its $1, $2 …
        enhancedDatabaseReporting: false,
        // Only statements inside an operation: not migrations, polling or LISTEN.
        requireParentSpan: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  markTracingStarted(() => provider.shutdown());
}
