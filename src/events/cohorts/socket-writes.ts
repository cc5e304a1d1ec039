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
 * `ws` does not expose its TCP socket publicly; it keeps it in `_socket` (it has since its
 * first versions). Where that is missing, messages are simply written one by one.
 * test/unit/socket-writes.test.ts pins both the field and the single write.
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';

/** TCP sockets corked in the current pass, uncorked on the next tick. */
const corked = new WeakSet<Socket>();

function tcpSocket(ws: WebSocket): Socket | undefined {
  const raw = (ws as unknown as { _socket?: unknown })._socket;
  return raw && typeof (raw as Socket).cork === 'function' ? (raw as Socket) : undefined;
}

function uncork(raw: Socket): void {
  corked.delete(raw);
  // A socket destroyed meanwhile drops its buffer anyway; uncork on it is harmless.
  raw.uncork();
}

/**
 * Sends a text message; `done` is called once it is handed to the kernel (or fails), as
 * with `ws.send`. Messages sent to the same socket in the same pass go out in one write.
 * Returns whether this message starts a write (false: it joins one already started).
 */
export function sendCoalesced(
  ws: WebSocket,
  message: string | Buffer,
  done: (err?: Error) => void,
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
  }
  ws.send(message, { binary: false }, done);
  return starts;
}
