/**
 * A GraphQL POST held "in flight" over a raw socket: the headers go first with
 * `Expect: 100-continue`, and the server's `100 Continue` proves it has parsed them and
 * dispatched the request; then half the body. `finish()` sends the rest. A test can shut
 * the server down in between and check that the request still completes.
 */
import net from 'node:net';

export interface HeldRequest {
  /** Sends the rest of the body and resolves with the final HTTP response text. */
  finish(): Promise<string>;
}

export async function holdGraphQLRequest(baseUrl: string, query: string): Promise<HeldRequest> {
  const { hostname, port } = new URL(baseUrl);
  const body = JSON.stringify({ query });
  const half = Math.floor(body.length / 2);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let response = '';
  let onData: (() => void) | undefined;
  socket.on('data', (chunk) => {
    response += chunk.toString('utf8');
    onData?.();
  });
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
  const continued = new Promise<void>((resolve) => {
    onData = () => {
      if (response.includes('100 Continue')) resolve();
    };
  });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
  );
  await continued;
  socket.write(body.slice(0, half));
  return {
    async finish() {
      socket.write(body.slice(half));
      await ended;
      // Drop the interim 100 Continue: callers see the final response.
      return response.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
    },
  };
}
