/**
 * Loaded first by the process entry (src/index.ts), before any module the instrumentations
 * patch (pg, undici's diagnostics channels) is required. With tracing off — the default — it
 * loads nothing but this file and switch.ts: no SDK, no patched module, and
 * `@opentelemetry/api` answers every call site with its no-op tracer.
 */
import { tracingSwitch, TracingConfigError, type TracingSwitch } from './switch';

let on: TracingSwitch;
try {
  on = tracingSwitch(process.env);
} catch (err) {
  if (!(err instanceof TracingConfigError)) throw err;
  process.stderr.write(`samverkan-hub: ${err.message}\n`);
  process.exit(78); // EX_CONFIG, like any other configuration error
}
if (on.enabled) {
  // Required here, not imported at the top: with tracing off the SDK is never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./sdk') as typeof import('./sdk')).startTracing(on);
}
