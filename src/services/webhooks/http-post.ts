/**
 * One webhook POST: to an address checked at connect time (`safeLookup`), no redirects
 * followed (a 3xx is a failure), a timeout for the whole exchange, and at most
 * RESPONSE_LIMIT bytes of the response read and then discarded: only the status code and
 * Retry-After leave this function, never the receiver's body.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  checkAddress,
  checkUrlForm,
  safeLookup,
  UnsafeUrlError,
  type UrlPolicy,
} from './url-safety';

export const RESPONSE_LIMIT = 4096;

export interface PostOutcome {
  ok: boolean;
  status: number | null;
  retryAfter?: string;
  /** The hub's own words for a failure (never the receiver's body). */
  error: string | null;
}

export function postWebhook(
  url: URL,
  headers: Record<string, string>,
  body: string,
  o: { timeoutMs: number; policy: UrlPolicy; signal?: AbortSignal },
): Promise<PostOutcome> {
  const plainHttp = url.protocol === 'http:';
  try {
    // The form again (the policy may have changed since creation), and an IP literal here:
    // the socket asks no lookup for an address, so safeLookup would not see it.
    checkUrlForm(url.toString(), o.policy);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(host)) checkAddress(host, host, o.policy, plainHttp);
  } catch (err) {
    if (err instanceof UnsafeUrlError)
      return Promise.resolve({ ok: false, status: null, error: `address refused: ${err.message}` });
    throw err;
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (out: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(out);
    };
    const req = (plainHttp ? http : https).request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'samverkan-hub-webhooks/1',
      },
      lookup: safeLookup(o.policy, plainHttp),
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, status: null, error: `timeout after ${o.timeoutMs} ms` });
    }, o.timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ ok: false, status: null, error: 'hub stopping' });
    };
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const retryAfter = res.headers['retry-after'];
      let read = 0;
      const done = () =>
        finish({
          ok: status >= 200 && status < 300,
          status,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
          error:
            status >= 200 && status < 300
              ? null
              : status >= 300 && status < 400
                ? `HTTP ${status} (redirects are not followed)`
                : `HTTP ${status}`,
        });
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > RESPONSE_LIMIT) {
          // Enough: the status is all that counts.
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof UnsafeUrlError) {
        finish({ ok: false, status: null, error: `address refused: ${err.message}` });
        return;
      }
      finish({ ok: false, status: null, error: describeNetworkError(err) });
    });
    req.end(body);
  });
}

function describeNetworkError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      if (err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT')) return 'TLS failure';
      return err.code ? `network error (${err.code})` : 'network error';
  }
}
