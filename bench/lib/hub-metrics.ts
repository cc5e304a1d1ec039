/** Reads a few figures from the hub's Prometheus endpoint (prom-client default metrics). */
export interface HubMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  subscribers: number;
}

function value(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

export async function hubMetrics(url: string): Promise<HubMetrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rssBytes: value(text, 'process_resident_memory_bytes'),
    heapUsedBytes: value(text, 'nodejs_heap_size_used_bytes'),
    subscribers: value(text, 'hub_event_subscribers'),
  };
}
