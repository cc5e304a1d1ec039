/**
 * Whether the hub traces, decided from the standard OpenTelemetry variables alone, before
 * anything else loads. Off unless asked for: the specification's default exporter is `otlp`,
 * but a hub carrying personal data must not start sending anything anywhere because a
 * variable was forgotten, so an unset `OTEL_TRACES_EXPORTER` means `none` here.
 *
 * - `OTEL_SDK_DISABLED=true` → off, whatever else is set;
 * - `OTEL_TRACES_EXPORTER` unset, empty or `none` → off;
 * - `OTEL_TRACES_EXPORTER=otlp` → on, OTLP over HTTP: `http/protobuf` (the default) or
 *   `http/json`, from `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` or `OTEL_EXPORTER_OTLP_PROTOCOL`;
 * - anything else (another exporter, `grpc`) → a configuration error: the hub does not start.
 */
export type TracingSwitch =
  { enabled: false } | { enabled: true; protocol: 'http/protobuf' | 'http/json' };

export class TracingConfigError extends Error {
  override readonly name = 'TracingConfigError';
}

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string): string => (env[name] ?? '').trim().toLowerCase();

export function tracingSwitch(env: Env): TracingSwitch {
  if (value(env, 'OTEL_SDK_DISABLED') === 'true') return { enabled: false };
  const exporter = value(env, 'OTEL_TRACES_EXPORTER');
  if (exporter === '' || exporter === 'none') return { enabled: false };
  if (exporter !== 'otlp') {
    throw new TracingConfigError(
      `OTEL_TRACES_EXPORTER: "${exporter}" is not supported (use otlp, or none to turn tracing off)`,
    );
  }
  const protocol =
    value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ||
    value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ||
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new TracingConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported (use http/protobuf or http/json)`,
    );
  }
  return { enabled: true, protocol };
}
