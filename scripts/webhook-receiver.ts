/**
 * A webhook receiver to try the hub's webhooks with: listens on loopback, verifies every
 * POST with `standardwebhooks` (the library the hub signs with), prints each event, and
 * warns about a duplicate (same webhook-id) or a position that went backwards.
 *
 *   WEBHOOK_SECRET=whsec_… npm run webhook-receiver -- [--port 8787] [--fail 0]
 *
 * `--fail N` answers the first N requests with 500, to watch the retries. Register
 * http://127.0.0.1:<port>/hook with createWebhookEndpoint (outside production plain http to
 * loopback is allowed).
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';

function main(): void {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '8787' }, fail: { type: 'string', default: '0' } },
  });
  const secret = process.env.WEBHOOK_SECRET;
  if (!secret?.startsWith('whsec_'))
    throw new Error('set WEBHOOK_SECRET to the secret createWebhookEndpoint returned (whsec_…)');
  const wh = new Webhook(secret);
  let failures = Number(values.fail);
  const seen = new Set<string>();
  let lastPosition = 0n;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let event: { type: string; position: string; data: unknown };
      try {
        event = wh.verify(raw, req.headers as Record<string, string>) as typeof event;
      } catch (err) {
        console.log(`refused: ${(err as Error).message}`);
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (failures > 0) {
        failures--;
        console.log(`#${event.position} ${event.type} ${id}: answering 500 (--fail)`);
        res.writeHead(500).end();
        return;
      }
      const position = BigInt(event.position);
      const note = seen.has(id)
        ? ' (duplicate: already processed)'
        : position < lastPosition
          ? ' (position went backwards: a replay)'
          : '';
      seen.add(id);
      lastPosition = position;
      console.log(`#${event.position} ${event.type} ${id}${note}`);
      console.log(JSON.stringify(event.data, null, 2));
      res.writeHead(204).end();
    });
  });
  server.listen(Number(values.port), '127.0.0.1', () =>
    console.log(`webhook receiver on http://127.0.0.1:${values.port}/hook`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
