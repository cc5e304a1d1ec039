/**
 * Whether the SDK was started in this process, and how to flush it. Imports nothing, so the
 * call sites can ask cheaply; with tracing off they skip their hooks entirely.
 */
let active = false;
let flush: () => Promise<void> = () => Promise.resolve();

export function tracingActive(): boolean {
  return active;
}

/** Called once by the SDK module when it has registered the provider. */
export function markTracingStarted(shutdown: () => Promise<void>): void {
  active = true;
  flush = shutdown;
}

/** Exports what is still buffered and stops the SDK; nothing when tracing is off. */
export function shutdownTracing(): Promise<void> {
  return flush().catch(() => undefined);
}
