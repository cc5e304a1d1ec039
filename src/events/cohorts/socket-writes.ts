/**
 * Writing `next` messages to subscriber sockets without one kernel write per message.
 *
 * On loopback and on a LAN, the cost of fanning an event out is dominated by the kernel
 * write per message (a `writev` per delivery took a third of the hub's CPU at 10,000
 * subscribers). When several messages for one socket are ready in the same pass of the
 * event loop — a member catching up on the events one dispatcher read brought, or several
 * subscriptions on one connection — they should reach the kernel together. So the first
 * write to a socket in a pass corks the TCP socket under the WebSocket and schedules the
 * uncork for when the current pass's promise jobs have run (process.nextTick runs after the
 * microtask queue is drained), and Node then hands every frame written meanwhile to the
 * kernel in one `writev`. Message order on the socket is unchanged: frames are queued in
 * the order they were sent, corked or not.
 *
 * Each message is written as a WebSocket text frame built here, in one string: the frame
 * header and the message's UTF-8 bytes as latin1 characters (one character per byte), so
 * Node copies it into the write without transcoding and there is one chunk per message.
 * `ws.send` would frame it with a header Buffer and two writes per message; a cohort's
 * payload is converted to that form once for all its members (render.ts). The frame goes
 * on the socket in the order of the call, like ws's own (graphql-ws's `complete`, `error`,
 * pings): ws writes synchronously whenever its sender holds nothing back, and when it does
 * (compression or a Blob in progress), the message goes through `ws.send` after them.
 *
 * `ws` does not expose its TCP socket or sender publicly; it keeps them in `_socket` and
 * `_sender` (it has since its first versions). Where they are missing, messages go through
 * `ws.send` one by one. test/unit/socket-writes.test.ts pins the fields, the frames and the
 * single write.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

/** TCP sockets corked in the current pass, uncorked on the next tick. */
const corked = new WeakSet<Socket>();

/** ws's sender state in which it writes frames at once (not compressing, not reading a Blob). */
const SENDER_IDLE = 0;

function tcpSocket(ws: WebSocket): Socket | undefined {
  const raw = (ws as unknown as { _socket?: unknown })._socket;
  return raw && typeof (raw as Socket).cork === 'function' ? (raw as Socket) : undefined;
}

/** Whether ws would write a frame sent now at once, so ours may be written directly. */
function senderIdle(ws: WebSocket): boolean {
  const sender = (ws as unknown as { _sender?: { _state?: unknown; _queue?: unknown[] } })._sender;
  return sender?._state === SENDER_IDLE && Array.isArray(sender._queue) && !sender._queue.length;
}

function uncork(raw: Socket): void {
  corked.delete(raw);
  // A socket destroyed meanwhile drops its buffer anyway; uncork on it is harmless.
  raw.uncork();
}

/** Text as the latin1 characters of its UTF-8 bytes (the form sendCoalesced takes). */
export function utf8Wire(text: string): string {
  // ASCII (every character one byte) is already in that form.
  return Buffer.byteLength(text, 'utf8') === text.length
    ? text
    : Buffer.from(text, 'utf8').toString('latin1');
}

/** A final, unmasked text frame's header for `length` bytes (RFC 6455 §5.2), as latin1. */
export function textFrameHeader(length: number): string {
  if (length < 126) return String.fromCharCode(0x81, length);
  if (length < 0x10000) return String.fromCharCode(0x81, 126, length >>> 8, length & 0xff);
  // 64-bit length; a message here is far below 4 GiB, so the upper four bytes are zero.
  return String.fromCharCode(
    0x81,
    127,
    0,
    0,
    0,
    0,
    (length >>> 24) & 0xff,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}

/**
 * Sends a text message given in utf8Wire form; `done` is called once it is handed to the
 * kernel (or fails), as with `ws.send`. Messages sent to the same socket in the same pass go
 * out in one write. Returns whether this message starts a write (false: it joins one
 * already started).
 */
export function sendCoalesced(
  ws: WebSocket,
  wire: string,
  done: (err?: Error | null) => void,
): boolean {
  const raw = tcpSocket(ws);
  let starts = true;
  if (raw && !raw.destroyed) {
    if (corked.has(raw)) starts = false;
    else {
      corked.add(raw);
      raw.cork();
      setImmediate(uncork, raw);
    }
    if (senderIdle(ws)) {
      raw.write(textFrameHeader(wire.length) + wire, 'latin1', done);
      return starts;
    }
  }
  ws.send(Buffer.from(wire, 'latin1'), { binary: false }, done);
  return starts;
}
