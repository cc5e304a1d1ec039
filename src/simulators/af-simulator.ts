/**
 * A stand-in for Arbetsförmedlingen's REST contract (docs/connectors/arbetsformedlingen.v1.yaml),
 * serving the job-seeker statuses of the synthetic demo data — the same generator and seed
 * the hub's demo data comes from, so the person ids match — with fault injection to see the
 * hub's resilience at work: latency, an error rate (500), a 429 rate with Retry-After,
 * hangs and connection resets. Faults are set at start and changed at runtime through
 * `GET/POST /admin/faults`. For development and tests only; it listens on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoData } from '../seed/generate';

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

interface JobSeekerJson {
  personId: string;
  officeId: string;
  registered: boolean;
  registeredSince: string | null;
  deregisteredAt: string | null;
  category: { code: string } | null;
  extentPercent: number | null;
  lastActivityReport: string | null;
  activitySupport: boolean;
  programmes: { programmeCode: string; startDate: string; endDate: string | null }[];
}

function index(data: DemoData): Map<string, JobSeekerJson> {
  const programmes = new Map<string, JobSeekerJson['programmes']>();
  for (const p of data.programmeAssignments) {
    const list = programmes.get(p.personId) ?? [];
    list.push({ programmeCode: p.programmeCode, startDate: p.startDate, endDate: p.endDate });
    programmes.set(p.personId, list);
  }
  return new Map(
    data.jobSeekers.map((s) => [
      s.personId,
      {
        personId: s.personId,
        officeId: s.officeId,
        registered: s.registered,
        registeredSince: s.registeredSince,
        deregisteredAt: s.deregisteredAt,
        category: s.categoryCode ? { code: s.categoryCode } : null,
        extentPercent: s.extentPercent,
        lastActivityReport: s.lastActivityReport,
        activitySupport: s.activitySupport,
        programmes: (programmes.get(s.personId) ?? []).sort((a, b) =>
          b.startDate.localeCompare(a.startDate),
        ),
      },
    ]),
  );
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export class AfSimulator {
  faults: Faults;
  /** Calls to the contract endpoint, for a quick look at what the hub does. */
  calls = 0;
  private readonly seekers: Map<string, JobSeekerJson>;
  private readonly server: http.Server;

  constructor(data: DemoData, faults: Partial<Faults> = {}) {
    this.seekers = index(data);
    this.faults = { ...NO_FAULTS, ...faults };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((r) => this.server.listen(port, host, r));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.url === '/admin/faults') {
      if (req.method === 'POST') {
        const update = JSON.parse((await readBody(req)) || '{}') as Partial<Faults>;
        this.faults = { ...this.faults, ...update };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.faults));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/job-seekers/batch') {
      res.writeHead(404).end();
      return;
    }
    this.calls++;
    const body = JSON.parse((await readBody(req)) || '{}') as { personIds?: unknown };
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
    if (!Array.isArray(body.personIds) || body.personIds.length > 100) {
      res.writeHead(400).end();
      return;
    }
    const jobSeekers = (body.personIds as unknown[]).flatMap((id) => {
      const s = typeof id === 'string' ? this.seekers.get(id) : undefined;
      return s ? [s] : [];
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ jobSeekers }));
  }
}
