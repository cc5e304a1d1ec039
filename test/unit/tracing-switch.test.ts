/**
 * The tracing switch: off unless OTEL_TRACES_EXPORTER=otlp (and OTEL_SDK_DISABLED is not
 * true); OTLP over HTTP only, protobuf unless http/json is asked for.
 */
import { TracingConfigError, tracingSwitch } from '../../src/observability/tracing/switch';

test('off by default, with none, and whenever OTEL_SDK_DISABLED=true', () => {
  expect(tracingSwitch({})).toEqual({ enabled: false });
  expect(tracingSwitch({ OTEL_TRACES_EXPORTER: '' })).toEqual({ enabled: false });
  expect(tracingSwitch({ OTEL_TRACES_EXPORTER: 'none' })).toEqual({ enabled: false });
  // An endpoint alone turns nothing on.
  expect(tracingSwitch({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({
    enabled: false,
  });
  expect(tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'TRUE' })).toEqual({
    enabled: false,
  });
});

test('on with otlp: http/protobuf unless http/json is asked for, the traces variable first', () => {
  expect(tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({
    enabled: true,
    protocol: 'http/protobuf',
  });
  expect(tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'false' })).toEqual({
    enabled: true,
    protocol: 'http/protobuf',
  });
  expect(
    tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
  ).toEqual({ enabled: true, protocol: 'http/json' });
  expect(
    tracingSwitch({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
    }),
  ).toEqual({ enabled: true, protocol: 'http/protobuf' });
});

test('another exporter or gRPC is a configuration error, not silently nothing', () => {
  expect(() => tracingSwitch({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(TracingConfigError);
  expect(() => tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp,console' })).toThrow(
    /OTEL_TRACES_EXPORTER/,
  );
  expect(() =>
    tracingSwitch({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
  ).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
});
