/**
 * A no-op OpenTelemetry collector for the tracing bench: accepts OTLP over HTTP at
 * /v1/traces (protobuf or JSON), reads every body to the end and answers 200 with an empty
 * export response, as a collector that keeps up would. `GET /stats` tells how many exports
 * and bytes arrived, so the bench can check that spans were really sent. Prints the JSON line
 * the bench's process starter waits for.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let exportCount = 0;
let bytes = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ exports: exportCount, bytes }));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    res.statusCode = 404;
    res.end();
    return;
  }
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    exportCount += 1;
    const json = (req.headers['content-type'] ?? '').includes('json');
    // An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON.
    res.setHeader('content-type', json ? 'application/json' : 'application/x-protobuf');
    res.end(json ? '{}' : '');
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'otlp sink listening', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
