/**
 * Errors raised before a route could answer — a body that is not JSON, too large, in an
 * unsupported content type, charset or content-encoding, a client that hung up mid-body, or
 * anything thrown in a middleware — answered as JSON in the GraphQL error shape with a
 * stable code, in every mode.
 *
 * Without this, Express's default final handler answers them with an HTML page that quotes
 * the library's message (body-parser's JSON error quotes the body) and, whenever the
 * process's NODE_ENV is not `production`, the stack with the server's file paths. The
 * library's message is never sent: each case has its own fixed message here. Only the
 * status, code and reason are logged for a client's mistake (the parser's message quotes
 * the body); a server fault is logged with its stack under an `errorId` the client gets.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import zlib from 'node:zlib';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../observability/logger';

/** The two media types Apollo answers a single result with (its own spelling, see below). */
export const APPLICATION_JSON = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

/** The content codings body-parser can decompress on this Node version. */
const CONTENT_CODINGS = [
  'gzip',
  'deflate',
  'br',
  ...('createZstdDecompress' in zlib ? ['zstd'] : []),
];

interface Answer {
  status: number;
  code: string;
  message: string;
  /** Why, for the log: body-parser's `type`, ours, or `http-<status>`. Never the message. */
  reason: string;
  headers?: Record<string, string>;
}

/**
 * body-parser's (and raw-body's) error types, plus our own `content-type.unsupported`.
 * The statuses are the ones body-parser chose; the messages are ours and quote nothing
 * from the request.
 */
function knownAnswer(type: string, err: { limit?: unknown }): Answer | undefined {
  switch (type) {
    case 'content-type.unsupported':
      return {
        status: 415,
        code: 'BAD_REQUEST',
        message: 'A POST body must be sent with content-type application/json',
        reason: type,
        // RFC 9110 §15.5.16: Accept names the media types that would have been taken.
        headers: { accept: 'application/json' },
      };
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'The request body is not valid JSON (an object is expected)',
        reason: type,
      };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'BAD_REQUEST',
        message:
          typeof err.limit === 'number'
            ? `The request body is larger than the limit of ${err.limit} bytes`
            : 'The request body is larger than the limit',
        reason: type,
      };
    case 'charset.unsupported':
      return {
        status: 415,
        code: 'BAD_REQUEST',
        message: 'The request body must be UTF-8 encoded JSON',
        reason: type,
        headers: { accept: 'application/json; charset=utf-8' },
      };
    case 'encoding.unsupported':
      return {
        status: 415,
        code: 'BAD_REQUEST',
        message: `Unsupported content-encoding: send the body uncompressed or as ${CONTENT_CODINGS.join(', ')}`,
        reason: type,
        // RFC 9110 §15.5.16 / RFC 7694: Accept-Encoding names the codings that would work.
        headers: { 'accept-encoding': CONTENT_CODINGS.join(', ') },
      };
    case 'request.aborted':
    case 'request.size.invalid':
      return {
        status: 400,
        code: 'BAD_REQUEST',
        message: 'The request body was not received in full',
        reason: type,
      };
    default:
      return undefined;
  }
}

function statusOf(err: Record<string, unknown>): number | undefined {
  const status = err.status ?? err.statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

function answerFor(error: unknown): Answer {
  const err = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const type = typeof err.type === 'string' ? err.type : undefined;
  const known = type ? knownAnswer(type, err) : undefined;
  if (known) return known;
  const status = statusOf(err);
  if (status !== undefined && status >= 400 && status < 500) {
    // A body that claims a content-encoding it is not in (body-parser passes zlib's error on).
    if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
      return {
        status,
        code: 'BAD_REQUEST',
        message: 'The request body could not be decompressed',
        reason: 'encoding.invalid',
      };
    }
    // Some other client error a library raised: its status holds, its message does not.
    return {
      status,
      code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST',
      message: STATUS_CODES[status] ?? 'Bad request',
      reason: type ?? `http-${status}`,
    };
  }
  return {
    status: 500,
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Internal server error',
    reason: type ?? 'internal',
  };
}

/**
 * The media type of a GraphQL error answer, negotiated as Apollo negotiates its own: the
 * same two types in the same spelling (parameters count in the match), with `negotiator`
 * underneath `req.accepts` as under Apollo. No Accept header or `*\/*` gives
 * application/json; a client that prefers application/graphql-response+json gets it.
 * Apollo answers an error in application/json when the client accepts neither (and its
 * third candidate, the subscription-callback variant, only a callback client asks for), so
 * do we.
 */
function graphqlMediaType(req: Request): string {
  return req.accepts([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) === GRAPHQL_RESPONSE_JSON
    ? GRAPHQL_RESPONSE_JSON
    : APPLICATION_JSON;
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * Refuses a POST whose body is not declared as application/json with 415, before any body
 * is read: express.json() would skip it silently and the route would see no body (Apollo
 * then blames CSRF or a missing body with 400; /dev/token blamed the role).
 */
export function requireJsonBody(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    // req.is() is null for a request without a body: the route says what is missing then.
    if (
      req.method === 'POST' &&
      (!req.headers['content-type'] || req.is('application/json') === false)
    ) {
      next(
        Object.assign(new Error('unsupported content type'), {
          status: 415,
          type: 'content-type.unsupported',
        }),
      );
      return;
    }
    next();
  };
}

export interface JsonErrorOptions {
  logger: Logger;
  /** Answers under this path negotiate the GraphQL-over-HTTP media type. */
  graphqlPath: string;
}

/**
 * The final error handler: register it last, after the 404 handler. Nothing that reaches
 * it falls through to Express's default (HTML, and the stack outside production).
 */
export function jsonErrorHandler({ logger, graphqlPath }: JsonErrorOptions): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    const answer = answerFor(error);
    // The path only: a GET's query string may carry variables.
    const where = { requestId, method: req.method, path: req.path.slice(0, 200) };
    let errorId: string | undefined;
    if (answer.status >= 500) {
      errorId = randomUUID();
      // The `err` serializer (safeError) keeps name, message, stack and code: never `body`.
      logger.error({ ...where, errorId, err: error }, 'request failed');
    } else {
      logger.info(
        { ...where, status: answer.status, code: answer.code, reason: answer.reason },
        'request refused',
      );
    }

    if (res.headersSent || req.socket.destroyed) {
      // Too late for an answer (a stream that failed part-way, or a client that hung up):
      // end the connection, as Express would, but without its log line quoting the error.
      req.socket.destroy();
      return;
    }
    const extensions: Record<string, unknown> = { code: answer.code };
    if (errorId) extensions.errorId = errorId;
    const text = JSON.stringify({ errors: [{ message: answer.message, extensions }] });
    // Headers a route set for the answer it meant to give do not describe this one.
    for (const name of ['content-encoding', 'content-language', 'content-range', 'etag']) {
      res.removeHeader(name);
    }
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    res.setHeader(
      'content-type',
      isUnder(req.path, graphqlPath) ? graphqlMediaType(req) : APPLICATION_JSON,
    );
    res.setHeader('content-length', Buffer.byteLength(text));
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    // Node sends no body for HEAD by itself.
    res.end(text);
  };
}
