import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, safeError, stdoutDestination } from '../../src/observability/logger';

const PNR = '199001011234';

/** A QueryFailedError-like error as TypeORM throws it, wrapping a pg driver error. */
function queryFailedError(): Error {
  const err = new Error(
    `duplicate key value violates unique constraint "person_personnummer_key"`,
  ) as Error & Record<string, unknown>;
  err.name = 'QueryFailedError';
  err.query = 'INSERT INTO "person"("personnummer", "given_name") VALUES ($1, $2)';
  err.parameters = [PNR, 'Testa'];
  err.driverError = {
    code: '23505',
    constraint: 'person_personnummer_key',
    table: 'person',
    detail: `Key (personnummer)=(${PNR}) already exists.`,
  };
  err.detail = `Key (personnummer)=(${PNR}) already exists.`;
  return err;
}

function memoryLogger(level = 'info') {
  const raw: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void raw.push(line) });
  const lines = () =>
    raw
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, raw, lines };
}

describe('safeError', () => {
  it('keeps type, message and stack of an ordinary error', () => {
    const err = new TypeError('x is undefined');
    const out = safeError(err);
    expect(out.type).toBe('TypeError');
    expect(out.message).toBe('x is undefined');
    expect(out.stack).toBe(err.stack);
  });

  it('keeps a string code', () => {
    const err = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    expect(safeError(err).code).toBe('ECONNREFUSED');
    expect(safeError(Object.assign(new Error('x'), { code: 42 }))).not.toHaveProperty('code');
  });

  it('describes a thrown non-Error by its type only', () => {
    expect(safeError(`personnummer ${PNR}`)).toEqual({ type: 'string' });
    expect(safeError({ pnr: PNR })).toEqual({ type: 'object' });
    expect(safeError(undefined)).toEqual({ type: 'undefined' });
  });

  it('drops query parameters and driver detail of a database error', () => {
    const out = safeError(queryFailedError());
    const serialised = JSON.stringify(out);
    expect(serialised).not.toContain(PNR);
    expect(out).not.toHaveProperty('parameters');
    expect(out).not.toHaveProperty('query');
    expect(out).not.toHaveProperty('detail');
    expect(out.stack).toBeUndefined();
    expect(out.type).toBe('QueryFailedError');
    expect(out.sqlState).toBe('23505');
    expect(out.constraint).toBe('person_personnummer_key');
    expect(out.table).toBe('person');
  });

  it('removes quoted values from a database error message', () => {
    const err = Object.assign(
      new Error(`invalid input syntax for type uuid: "${PNR}" and '${PNR}'`),
      { driverError: { code: '22P02' } },
    );
    const out = safeError(err);
    expect(out.message).not.toContain(PNR);
    expect(out.message).toContain('invalid input syntax for type uuid');
    expect(out.sqlState).toBe('22P02');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with the service name and level', () => {
    const { logger, lines } = memoryLogger();
    logger.info({ requestId: 'r-1' }, 'hello');
    const [line] = lines();
    expect(line.msg).toBe('hello');
    expect(line.service).toBe('samverkan-hub');
    expect(line.requestId).toBe('r-1');
    expect(line.level).toBe(30);
  });

  it('honours the level', () => {
    const { logger, raw } = memoryLogger('warn');
    logger.info('not written');
    logger.debug('not written');
    expect(raw).toHaveLength(0);
    logger.warn('written');
    expect(raw).toHaveLength(1);
  });

  it('redacts authorization wherever the hub puts it', () => {
    const token = 'Bearer eyJhbGciOiJIUzI1NiJ9.secret-token.sig';
    const { logger, raw, lines } = memoryLogger();
    logger.info({ authorization: token }, 'top level');
    logger.info({ req: { headers: { authorization: token, host: 'h' } } }, 'request');
    logger.info({ headers: { authorization: token } }, 'headers');
    logger.info({ connectionParams: { authorization: token } }, 'ws connect');
    expect(raw.join('')).not.toContain('secret-token');
    const [top, req, headers, ws] = lines();
    expect(top.authorization).toBe('[redacted]');
    expect((req.req as { headers: Record<string, unknown> }).headers.authorization).toBe(
      '[redacted]',
    );
    expect((req.req as { headers: Record<string, unknown> }).headers.host).toBe('h');
    expect((headers.headers as Record<string, unknown>).authorization).toBe('[redacted]');
    expect(ws.connectionParams).toBe('[redacted]');
  });

  it('serialises err through safeError, so a database error leaks no personnummer', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.error({ err: queryFailedError() }, 'insert failed');
    expect(raw.join('')).not.toContain(PNR);
    const err = lines()[0].err as Record<string, unknown>;
    expect(err.sqlState).toBe('23505');
    expect(err).not.toHaveProperty('parameters');
  });

  it('serialises an Error passed as the first argument through safeError too', () => {
    const { logger, raw, lines } = memoryLogger();
    logger.error(queryFailedError());
    expect(raw.join('')).not.toContain(PNR);
    expect((lines()[0].err as Record<string, unknown>).constraint).toBe('person_personnummer_key');
  });
});

describe('stdoutDestination', () => {
  it('writes each line whole and at once (multi-byte text included)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hub-log-')), 'out.log');
    const fd = openSync(file, 'w');
    try {
      const logger = createLogger('info', stdoutDestination(fd));
      logger.info({ district: 'skarholmen' }, 'återremittering mottagen');
      logger.info('två');
      // Synchronous: on disk before anything else runs, so nothing is lost on exit.
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toEqual(['återremittering mottagen', 'två']);
    } finally {
      closeSync(fd);
    }
  });

  it('drops a line it cannot write instead of throwing or retrying', () => {
    const fd = openSync(join(mkdtempSync(join(tmpdir(), 'hub-log-')), 'ro.log'), 'w');
    closeSync(fd); // writing to a closed descriptor fails (EBADF)
    const logger = createLogger('info', stdoutDestination(fd));
    expect(() => logger.info('lost')).not.toThrow();
  });
});
