/** Reads a few figures from the hub's Prometheus endpoint (prom-client default metrics). */
export interface HubMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  subscribers: number;
  /** Seconds spent in garbage collection since start, every kind together. */
  gcSeconds: number;
}

function value(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** The sum of a metric over all its label sets. */
function total(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm')))
    sum += Number(m[1]);
  return sum;
}

export async function hubMetrics(url: string): Promise<HubMetrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rssBytes: value(text, 'process_resident_memory_bytes'),
    heapUsedBytes: value(text, 'nodejs_heap_size_used_bytes'),
    subscribers: value(text, 'hub_event_subscribers'),
    gcSeconds: total(text, 'nodejs_gc_duration_seconds_sum'),
  };
}
