/**
 * Coalesced socket writes (src/events/cohorts/socket-writes.ts) over a real `ws` server and
 * client on loopback: messages sent to one socket in one pass reach the kernel in one write,
 * in order; separate passes are separate writes; the frames built there arrive as the
 * texts sent, whatever their characters and length, in order with `ws.send`'s own, also
 * while ws holds a compressed frame back; without `ws`'s TCP socket it still sends.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { sendCoalesced, utf8Wire } from '../../src/events/cohorts/socket-writes';

let wss: WebSocketServer;
let server: WebSocket;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const connected = once(wss, 'connection');
  client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('message', (data: Buffer) => received.push(data.toString('utf8')));
  [server] = (await connected) as [WebSocket];
});

afterAll(async () => {
  client.close();
  await new Promise((resolve) => wss.close(resolve));
});

/** Counts the TCP socket's writes to the kernel (Node calls _writev or _write per write). */
function countWrites(ws: WebSocket): { writes: number; restore: () => void } {
  type Method = (this: unknown, ...args: unknown[]) => unknown;
  const raw = (ws as unknown as { _socket: Record<'_writev' | '_write', Method> })._socket;
  const counter = { writes: 0, restore: () => undefined as void };
  const originals = { _writev: raw._writev, _write: raw._write };
  for (const name of ['_writev', '_write'] as const) {
    const original = originals[name];
    raw[name] = function (this: unknown, ...args: unknown[]) {
      counter.writes++;
      return original.apply(this, args);
    };
  }
  counter.restore = () => {
    raw._writev = originals._writev;
    raw._write = originals._write;
  };
  return counter;
}

async function receivedCount(n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (received.length < n) {
    if (Date.now() > deadline) throw new Error(`received ${received.length} of ${n}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('`ws` keeps its TCP socket where the coalescing looks for it', () => {
  const raw = (server as unknown as { _socket?: Socket })._socket;
  expect(typeof raw?.cork).toBe('function');
});

test('twenty messages sent in one pass are one kernel write, in order, each acknowledged', async () => {
  received.length = 0;
  const counter = countWrites(server);
  const acks: (Error | null | undefined)[] = [];
  const all = new Promise<void>((resolve) => {
    for (let i = 0; i < 20; i++)
      sendCoalesced(server, `{"n":${i}}`, (err) => {
        acks.push(err);
        if (acks.length === 20) resolve();
      });
  });
  await all;
  counter.restore();
  expect(counter.writes).toBe(1);
  expect(acks.filter((err) => err != null)).toEqual([]); // ws passes null on success
  await receivedCount(20);
  expect(received).toEqual(Array.from({ length: 20 }, (_, i) => `{"n":${i}}`));
});

test('messages sent in separate passes are separate writes', async () => {
  received.length = 0;
  const counter = countWrites(server);
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve) =>
      sendCoalesced(server, `{"pass":${i}}`, (err) => (err ? undefined : resolve())),
    );
  }
  counter.restore();
  expect(counter.writes).toBe(3);
  await receivedCount(3);
  expect(received).toEqual(['{"pass":0}', '{"pass":1}', '{"pass":2}']);
});

test('frames carry any text: non-ASCII characters and every length form of the header', async () => {
  received.length = 0;
  // Byte lengths around the header's forms: 7-bit (< 126), 16-bit (< 65,536) and 64-bit.
  const texts = [
    '',
    'Åsa Öberg, Märsta 🚀',
    'x'.repeat(125),
    'x'.repeat(126),
    'ä'.repeat(32767) + 'x', // 65,535 bytes
    'x'.repeat(65536),
    `{"n":"${'é'.repeat(40000)}"}`,
  ];
  await new Promise<void>((resolve, reject) => {
    let acked = 0;
    for (const text of texts)
      sendCoalesced(server, utf8Wire(text), (err) =>
        err ? reject(err) : ++acked === texts.length && resolve(),
      );
  });
  await receivedCount(texts.length);
  expect(received).toEqual(texts);
});

test("frames keep their order with ws.send's own in the same pass", async () => {
  received.length = 0;
  sendCoalesced(server, utf8Wire('ett'), () => undefined);
  server.send('två');
  sendCoalesced(server, utf8Wire('tre'), () => undefined);
  server.send('fyra');
  await receivedCount(4);
  expect(received).toEqual(['ett', 'två', 'tre', 'fyra']);
});

test('while ws holds a compressed frame back, a message goes after it', async () => {
  // A second pair with permessage-deflate: ws compresses asynchronously, so its sender
  // queues what is sent meanwhile; a frame written directly would overtake it.
  const dwss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: { threshold: 0 },
  });
  await once(dwss, 'listening');
  const connected = once(dwss, 'connection');
  const dclient = new WebSocket(`ws://127.0.0.1:${(dwss.address() as AddressInfo).port}`);
  const got: string[] = [];
  dclient.on('message', (data: Buffer) => got.push(data.toString('utf8')));
  const [dserver] = (await connected) as [WebSocket];
  try {
    const big = 'komprimerbar '.repeat(5000);
    dserver.send(big, { compress: true });
    const sender = (dserver as unknown as { _sender: { _state: number } })._sender;
    expect(sender._state).not.toBe(0); // compressing: the case under test
    sendCoalesced(dserver, utf8Wire('efter'), () => undefined);
    const deadline = Date.now() + 5000;
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([big, 'efter']);
  } finally {
    dclient.close();
    await new Promise((resolve) => dwss.close(resolve));
  }
});

test('a socket without the TCP field is written to plainly', () => {
  const sent: string[] = [];
  const fake = {
    send: (m: Buffer, _o: unknown, cb: (e?: Error) => void) => {
      sent.push(m.toString('utf8'));
      cb();
    },
  } as unknown as WebSocket;
  let acked = 0;
  sendCoalesced(fake, 'a', () => acked++);
  sendCoalesced(fake, utf8Wire('bå'), () => acked++);
  expect(sent).toEqual(['a', 'bå']);
  expect(acked).toBe(2);
});

test('a closed socket reports the failure through the callback', async () => {
  const closing = once(server, 'close');
  client.close();
  await closing;
  const err = await new Promise<Error | undefined>((resolve) =>
    sendCoalesced(server, 'late', (e) => resolve(e ?? undefined)),
  );
  expect(err).toBeInstanceOf(Error);
});
