/**
 * A GraphQL POST sent in two halves over a raw socket, so a test can hold a request
 * "in flight" (headers and half the body sent) while the server shuts down.
 */
import net from 'node:net';

export interface HeldRequest {
  /** Sends the rest of the body and resolves with the raw HTTP response text. */
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
  socket.on('data', (chunk) => (response += chunk.toString('utf8')));
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`,
  );
  return {
    async finish() {
      socket.write(body.slice(half));
      await ended;
      return response;
    },
  };
}
