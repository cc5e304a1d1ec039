/**
 * A webhook receiver for tests: a plain node http server on 127.0.0.1 port 0 that records
 * every request (raw body and headers) and answers as the test says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { waitUntil } from './event-subscribers';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  raw: string;
  body: {
    type: string;
    timestamp: string;
    position: string;
    cursor: string;
    endpointId: string;
    data: Record<string, unknown> & { id: string };
    errors?: unknown[];
  };
  at: number;
}

/** What to answer the n-th request (0-based): a status and headers, or 'hang' (never answer). */
export type Responder = (
  n: number,
  r: ReceivedWebhook,
) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | 'hang';

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Requests received and not answered yet, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;
  respond: Responder = () => ({ status: 200 });
  private readonly hanging: http.ServerResponse[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    const holder: { self?: WebhookReceiver } = {};
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const r: ReceivedWebhook = {
          headers,
          raw,
          body: JSON.parse(raw) as ReceivedWebhook['body'],
          at: Date.now(),
        };
        const receiver = holder.self as WebhookReceiver;
        const n = receiver.received.length;
        receiver.received.push(r);
        receiver.inFlight++;
        receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
        const answer = receiver.respond(n, r);
        if (answer === 'hang') {
          receiver.hanging.push(res);
          return;
        }
        setTimeout(() => {
          receiver.inFlight--;
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    holder.self = self;
    return self;
  }

  /** Event ids in arrival order. */
  get ids(): string[] {
    return this.received.map((r) => r.headers['webhook-id']);
  }

  get positions(): number[] {
    return this.received.map((r) => Number(r.body.position));
  }

  waitForCount(n: number, timeoutMs = 10_000): Promise<void> {
    return waitUntil(
      () => this.received.length >= n,
      () => `receiver got ${this.received.length} of ${n}: ${JSON.stringify(this.positions)}`,
      timeoutMs,
    );
  }

  /** Verifies with `standardwebhooks`; throws WebhookVerificationError when no signature matches. */
  static verify(secret: string, r: ReceivedWebhook): unknown {
    return new Webhook(secret).verify(r.raw, r.headers);
  }

  async close(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
