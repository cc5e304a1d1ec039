/** Reads a few figures from the hub's Prometheus endpoint (prom-client default metrics). */
export interface HubMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  subscribers: number;
  /** Seconds spent in garbage collection since start, every kind together. */
  gcSeconds: number;
  /** Seconds the main thread's event loop ran code since start (NaN for an older hub). */
  loopBusySeconds: number;
}

/** A metric's samples, one per label set, in the order the endpoint lists them. */
function samples(text: string, name: string): number[] {
  const line = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm');
  return [...text.matchAll(line)].map((m) => Number(m[1]));
}

/** The first sample (NaN when absent). */
const value = (text: string, name: string): number => samples(text, name)[0] ?? NaN;

/** The sum over all label sets. */
const total = (text: string, name: string): number =>
  samples(text, name).reduce((a, b) => a + b, 0);

export async function hubMetrics(url: string): Promise<HubMetrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rssBytes: value(text, 'process_resident_memory_bytes'),
    heapUsedBytes: value(text, 'nodejs_heap_size_used_bytes'),
    subscribers: value(text, 'hub_event_subscribers'),
    gcSeconds: total(text, 'nodejs_gc_duration_seconds_sum'),
    loopBusySeconds: value(text, 'hub_event_loop_busy_seconds_total'),
  };
}
