/**
 * Structured logging (pino). Rules that keep personal data out of the logs:
 * - never log GraphQL variables, resolver arguments or results;
 * - errors go through `safeError`, which drops SQL parameters and database "detail"
 *   (PostgreSQL quotes key values there);
 * - the Authorization header and connection params are redacted.
 */
import pino, { type Logger } from 'pino';
import { writeSync } from 'node:fs';

export type { Logger };

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  driverError?: { code?: unknown; constraint?: unknown; table?: unknown };
}

/** Serialises an error without values that may be personal data. */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const e = err as ErrorLike;
  const out: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack };
  if (typeof e.code === 'string') out.code = e.code;
  if (e.driverError) {
    // Database messages quote offending values ('invalid input syntax …: "…"'): drop them.
    out.message = String(e.message).replace(/"[^"]*"|'[^']*'/g, '"…"');
    out.stack = undefined;
    out.sqlState = e.driverError.code;
    out.constraint = e.driverError.constraint;
    out.table = e.driverError.table;
  }
  return out;
}

/**
 * stdout for the logs: each line written synchronously (nothing is lost on exit), and a line
 * the reader cannot take is dropped rather than retried. pino's default stream (sonic-boom)
 * sleeps and retries on the main thread, and once the reader is gone (EPIPE: a dead parent
 * process or collector) it does so forever — the hub then no longer even stops on SIGTERM.
 * After EPIPE nothing more is written: nobody is listening.
 */
export function stdoutDestination(fd = 1): pino.DestinationStream {
  let gone = false;
  return {
    write(line: string): void {
      if (gone) return;
      const bytes = Buffer.from(line);
      let written = 0;
      try {
        while (written < bytes.length) written += writeSync(fd, bytes, written);
      } catch (err) {
        // EAGAIN: a non-blocking reader that is full right now; the line is dropped.
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') gone = true;
      }
    },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'samverkan-hub' },
      serializers: { err: safeError },
      redact: {
        paths: [
          'authorization',
          'req.headers.authorization',
          'connectionParams',
          '*.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? stdoutDestination(),
  );
}
