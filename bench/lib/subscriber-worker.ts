/**
 * Event subscribers in their own process (forked by events.ts): `count` authenticated
 * graphql-ws connections, each with one `referralEvents` subscription filtered to its own
 * organisation. Measures commit-to-delivery latency per received event as
 * (receipt time − the event's occurredAt): occurredAt is the database's now() of the
 * committing transaction, on the same machine's clock, so the figure includes the whole
 * transaction as well as dispatch, GraphQL execution, the socket and this process.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface SubscriberSpec {
  token: string;
  filter: Record<string, string>;
}

export type ToWorker =
  | { type: 'open'; wsUrl: string; specs: SubscriberSpec[]; batch: number }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'close' };

export interface DeliveryStats {
  received: number;
  /** Milliseconds from the first to the last receipt while measuring. */
  spanMs: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
}

export type FromWorker =
  | { type: 'opened'; open: number; failed: number; ms: number }
  | { type: 'stats'; stats: DeliveryStats }
  | { type: 'closed' };

const QUERY = `subscription Bench($filter: EventFilter) {
  referralEvents(filter: $filter) { id type occurredAt referralId jobCentreId districtId }
}`;

const MAX_MS = 120_000;
let histogram = new Uint32Array(MAX_MS + 1);
let measuring = false;
let received = 0;
let errors = 0;
let first = 0;
let last = 0;
const clients: Client[] = [];

function record(occurredAt: string): void {
  if (!measuring) return;
  const now = Date.now();
  const ms = Math.min(MAX_MS, Math.max(0, now - Date.parse(occurredAt)));
  histogram[ms]++;
  received++;
  if (!first) first = now;
  last = now;
}

function percentile(p: number): number {
  const target = Math.ceil(received * p);
  let seen = 0;
  for (let ms = 0; ms <= MAX_MS; ms++) {
    seen += histogram[ms];
    if (seen >= target && seen > 0) return ms;
  }
  return 0;
}

function maxLatency(): number {
  for (let ms = MAX_MS; ms >= 0; ms--) if (histogram[ms]) return ms;
  return 0;
}

/** Opens one connection and subscribes; resolves once the server acknowledged it. */
function open(wsUrl: string, spec: SubscriberSpec): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${spec.token}` },
      onNonLazyError: () => done(false),
      on: {
        connected: () => done(true),
        closed: () => done(false),
      },
    });
    clients.push(client);
    client.subscribe<{ referralEvents: { occurredAt: string } }>(
      { query: QUERY, variables: { filter: spec.filter } },
      {
        next: (result) => {
          if (result.data) record(result.data.referralEvents.occurredAt);
          if (result.errors) errors++;
        },
        error: () => {
          errors++;
        },
        complete: () => undefined,
      },
    );
  });
}

async function openAll(msg: Extract<ToWorker, { type: 'open' }>): Promise<FromWorker> {
  const started = Date.now();
  let ok = 0;
  for (let i = 0; i < msg.specs.length; i += msg.batch) {
    const results = await Promise.all(
      msg.specs.slice(i, i + msg.batch).map((spec) => open(msg.wsUrl, spec)),
    );
    ok += results.filter(Boolean).length;
  }
  return { type: 'opened', open: ok, failed: msg.specs.length - ok, ms: Date.now() - started };
}

function send(msg: FromWorker): void {
  process.send?.(msg);
}

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'open':
      void openAll(msg).then(send);
      break;
    case 'start':
      histogram = new Uint32Array(MAX_MS + 1);
      received = 0;
      errors = 0;
      first = 0;
      last = 0;
      measuring = true;
      break;
    case 'stop':
      measuring = false;
      send({
        type: 'stats',
        stats: {
          received,
          spanMs: last - first,
          p50: percentile(0.5),
          p90: percentile(0.9),
          p99: percentile(0.99),
          max: maxLatency(),
          errors,
        },
      });
      break;
    case 'close':
      void Promise.all(clients.map(async (c) => c.dispose())).then(() => {
        send({ type: 'closed' });
        process.exit(0);
      });
      break;
  }
});
