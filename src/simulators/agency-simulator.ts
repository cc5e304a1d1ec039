/**
 * A stand-in for one agency's REST contract (docs/connectors/*.v1.yaml): it answers
 * `POST /v1/{resource}/batch` from records it was given — the synthetic demo data, through
 * the agency modules beside this file — and checks what the contract asks of every request
 * (the purpose, correlation id and requester headers; the bearer token when it has one).
 * Fault injection shows the hub's resilience at work: latency, an error rate (500), a 429
 * rate with Retry-After, hangs and connection resets, set at start and changed at runtime
 * through `GET/POST /admin/faults`. For development and tests only; it listens on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SourceName } from '../connectors/types';

export interface Faults {
  /** Added to every answer, milliseconds. */
  latencyMs: number;
  /** Shares of calls (0–1) answered 500, 429 (Retry-After: retryAfterS), never, or reset. */
  errorRate: number;
  rate429: number;
  retryAfterS: number;
  hangRate: number;
  resetRate: number;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  rate429: 0,
  retryAfterS: 1,
  hangRate: 0,
  resetRate: 0,
};

const RATES = ['errorRate', 'rate429', 'hangRate', 'resetRate'] as const;

/** Checks a fault update from a flag or /admin/faults; returns what is wrong with it. */
export function faultProblems(update: Partial<Record<keyof Faults, unknown>>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(update)) {
    if (!(key in NO_FAULTS)) problems.push(`${key}: not a fault`);
    else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      problems.push(`${key}: must be a non-negative number`);
    } else if ((RATES as readonly string[]).includes(key) && value > 1) {
      problems.push(`${key}: a share of calls, 0–1`);
    }
  }
  return problems;
}

/** What one agency serves: its contract's path and answer key, and the records per person. */
export interface AgencyRecords {
  source: SourceName;
  resource: string;
  listKey: string;
  /** The items of one person in the contract's shape and order; none when unknown. */
  lookup(personId: string): readonly unknown[];
  /** How many persons it knows, for the start-up line. */
  size: number;
}

/** The headers every contract requires (the case reference is optional). */
const REQUIRED_HEADERS = ['x-purpose', 'x-correlation-id', 'x-requested-by'];
const MAX_BATCH = 100;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    return undefined;
  }
}

export class AgencySimulator {
  faults: Faults;
  /** Calls to the contract endpoint, for a quick look at what the hub does. */
  calls = 0;
  /** The last contract call's headers and person ids, for tests. */
  lastRequest: { headers: http.IncomingHttpHeaders; personIds: string[] } | undefined;
  private readonly server: http.Server;
  private readonly path: string;

  constructor(
    readonly records: AgencyRecords,
    options: { faults?: Partial<Faults>; token?: string } = {},
  ) {
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.path = `/v1/${records.resource}/batch`;
    const token = options.token;
    this.server = http.createServer((req, res) => {
      this.handle(req, res, token).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  get source(): SourceName {
    return this.records.source;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    return `http://${address.address}:${address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    token: string | undefined,
  ): Promise<void> {
    if (req.url === '/admin/faults') return this.admin(req, res);
    if (req.method !== 'POST' || req.url !== this.path) {
      res.writeHead(404).end();
      return;
    }
    this.calls++;
    const body = parseJson(await readBody(req)) as { personIds?: unknown } | undefined;
    const f = this.faults;
    const roll = Math.random();
    if (roll < f.resetRate) {
      req.socket.destroy();
      return;
    }
    if (roll < f.resetRate + f.hangRate) return; // never answers
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    if (roll < f.resetRate + f.hangRate + f.rate429) {
      res.writeHead(429, { 'retry-after': String(f.retryAfterS) }).end();
      return;
    }
    if (roll < f.resetRate + f.hangRate + f.rate429 + f.errorRate) {
      res.writeHead(500).end();
      return;
    }
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    const ids = body?.personIds;
    if (
      REQUIRED_HEADERS.some((h) => !req.headers[h]) ||
      !Array.isArray(ids) ||
      ids.length > MAX_BATCH ||
      !ids.every((id): id is string => typeof id === 'string')
    ) {
      res.writeHead(400).end();
      return;
    }
    this.lastRequest = { headers: req.headers, personIds: ids };
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ [this.records.listKey]: ids.flatMap((id) => this.records.lookup(id)) }),
    );
  }

  private async admin(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const update = parseJson(await readBody(req));
      const problems =
        update && typeof update === 'object' && !Array.isArray(update)
          ? faultProblems(update)
          : ['the body must be a JSON object of faults'];
      if (problems.length) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ problems }));
        return;
      }
      this.faults = { ...this.faults, ...(update as Partial<Faults>) };
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(this.faults));
  }
}
