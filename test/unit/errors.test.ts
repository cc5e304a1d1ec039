import {
  GraphQLError,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  graphql,
  type GraphQLFormattedError,
} from 'graphql';
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  HubError,
  InvalidTransitionError,
  NotFoundError,
  QueryTooComplexError,
  SourceUnavailableError,
  UnauthenticatedError,
  formatError,
} from '../../src/errors';
import { createLogger, type Logger } from '../../src/observability/logger';

const PNR = '199001011234';

/** A real pino logger (with the hub's serializers) writing JSON lines to memory. */
function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  // pino writes each log line synchronously to anything with a write method.
  const destination = { write: (line: string) => void raw.push(line) };
  const logger = createLogger('info', destination);
  return {
    logger,
    raw,
    lines: () =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** What graphql-js does with an error thrown in a resolver. */
function resolverError(err: Error, path: (string | number)[] = ['x']): GraphQLError {
  return new GraphQLError(err.message, { path, originalError: err });
}

function format(logger: Logger, error: GraphQLError): GraphQLFormattedError {
  return formatError(logger, error.toJSON(), error);
}

describe('HubError subclasses carry the literal codes of API.md', () => {
  const cases: [HubError, string][] = [
    [new UnauthenticatedError(), 'UNAUTHENTICATED'],
    [new ForbiddenError(), 'FORBIDDEN'],
    [new NotFoundError(), 'NOT_FOUND'],
    [new BadUserInputError('bad'), 'BAD_USER_INPUT'],
    [new ConflictError(), 'CONFLICT'],
    [new InvalidTransitionError(), 'INVALID_TRANSITION'],
    [new SourceUnavailableError('sfi'), 'SOURCE_UNAVAILABLE'],
    [new QueryTooComplexError(), 'QUERY_TOO_COMPLEX'],
  ];

  it.each(cases)('%p has extensions.code %s', (error, code) => {
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.extensions.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('every code is distinct', () => {
    expect(new Set(cases.map(([, c]) => c)).size).toBe(cases.length);
  });

  it('BadUserInputError carries field only when given', () => {
    expect(new BadUserInputError('Invalid personnummer', 'personnummer').extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'personnummer',
    });
    expect(new BadUserInputError('Invalid input').extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('SourceUnavailableError names its source', () => {
    const err = new SourceUnavailableError('arbetsformedlingen');
    expect(err.extensions.source).toBe('arbetsformedlingen');
    expect(err.message).toContain('arbetsformedlingen');
    expect(new SourceUnavailableError('sfi', 'SFI is down').message).toBe('SFI is down');
  });

  it('UnauthenticatedError asks for HTTP 401 with a Bearer challenge', () => {
    // Through unknown: graphql-yoga (in the gateway) declares its own shape for
    // `extensions.http` in graphql's types; Apollo, which the hub runs on, takes a Map.
    const http = new UnauthenticatedError().extensions.http as unknown as {
      status: number;
      headers: Map<string, string>;
    };
    expect(http.status).toBe(401);
    expect(http.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('custom messages are kept', () => {
    expect(new ForbiddenError('Only the district may do this').message).toBe(
      'Only the district may do this',
    );
    expect(new UnauthenticatedError('Token expired').message).toBe('Token expired');
  });
});

describe('HubErrors carry no stack frames (expected outcomes, not faults)', () => {
  it('a refusal captures no frames, and the process limit is left as it was', () => {
    const limit = Error.stackTraceLimit;
    const e = new ForbiddenError('Not allowed', { fieldGroup: 'sfi' });
    expect(e.stack ?? '').not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(limit);
    // Other errors still get theirs.
    expect(new Error('fault').stack).toMatch(/\n\s+at /);
  });
});

describe('formatError: HubErrors pass through', () => {
  it('keeps message, code, path and locations', () => {
    const { logger, raw } = memoryLogger();
    const error = resolverError(new NotFoundError('Referral not found'), ['referral']);
    const out = format(logger, error);
    expect(out.message).toBe('Referral not found');
    expect(out.extensions).toEqual({ code: 'NOT_FOUND' });
    expect(out.path).toEqual(['referral']);
    expect(raw).toHaveLength(0); // a known error is not logged as unexpected
  });

  it('keeps field for BadUserInputError', () => {
    const { logger } = memoryLogger();
    const out = format(logger, resolverError(new BadUserInputError('Invalid date', 'from')));
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(out.message).toBe('Invalid date');
  });

  it('keeps source for SourceUnavailableError', () => {
    const { logger } = memoryLogger();
    const out = format(logger, resolverError(new SourceUnavailableError('socialtjanst')));
    expect(out.extensions).toEqual({ code: 'SOURCE_UNAVAILABLE', source: 'socialtjanst' });
  });

  it('strips http from UnauthenticatedError', () => {
    const { logger } = memoryLogger();
    const out = format(logger, resolverError(new UnauthenticatedError('Token expired')));
    expect(out.message).toBe('Token expired');
    expect(out.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(out.extensions).not.toHaveProperty('http');
  });

  it('passes a HubError that is itself the error (not wrapped)', () => {
    const { logger } = memoryLogger();
    const err = new ConflictError('Stale version');
    const out = formatError(logger, err.toJSON(), err);
    expect(out).toMatchObject({ message: 'Stale version', extensions: { code: 'CONFLICT' } });
  });

  it('never adds a stacktrace, even when the formatted input had one', () => {
    const { logger } = memoryLogger();
    const error = resolverError(new ForbiddenError());
    const formatted = {
      ...error.toJSON(),
      extensions: { code: 'FORBIDDEN', stacktrace: ['at secret (/src/x.ts:1:1)'] },
    };
    const out = formatError(logger, formatted, error);
    expect(out.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(JSON.stringify(out)).not.toContain('stacktrace');
  });
});

describe('formatError: unexpected errors are masked', () => {
  it('turns an arbitrary resolver error into INTERNAL_SERVER_ERROR with a logged errorId', () => {
    const { logger, lines, raw } = memoryLogger();
    const thrown = new Error(`duplicate person ${PNR} in district`);
    const out = format(logger, resolverError(thrown, ['person', 'financialAid']));

    expect(out.message).toBe('Internal server error');
    expect(out.path).toEqual(['person', 'financialAid']);
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const errorId = out.extensions?.errorId;
    expect(typeof errorId).toBe('string');
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);

    const serialised = JSON.stringify(out);
    expect(serialised).not.toContain(PNR);
    expect(serialised).not.toContain('duplicate person');
    expect(serialised).not.toContain('stacktrace');

    expect(raw.join('')).toContain(errorId as string);
    const logged = lines();
    expect(logged).toHaveLength(1);
    expect(logged[0].errorId).toBe(errorId);
    expect(logged[0].level).toBe(50); // pino "error"
    expect(logged[0].path).toEqual(['person', 'financialAid']);
  });

  it('gives every masked error its own id', () => {
    const { logger } = memoryLogger();
    const a = format(logger, resolverError(new Error('a')));
    const b = format(logger, resolverError(new Error('b')));
    expect(a.extensions?.errorId).not.toBe(b.extensions?.errorId);
  });

  it('logs through the logger it is given (fake logger)', () => {
    const calls: unknown[][] = [];
    const fake = { error: (...args: unknown[]) => calls.push(args) } as unknown as Logger;
    const thrown = new TypeError('Cannot read properties of undefined');
    const out = format(fake, resolverError(thrown));
    expect(calls).toHaveLength(1);
    const [obj] = calls[0] as [Record<string, unknown>];
    expect(obj.errorId).toBe(out.extensions?.errorId);
    expect(obj.err).toBe(thrown);
  });

  it('masks a non-Error value thrown in a resolver', () => {
    const { logger } = memoryLogger();
    const error = new GraphQLError('Unexpected error value: "x"', { path: ['x'] });
    // graphql-js wraps non-Errors; a GraphQLError with a path and no HubError is unexpected.
    const out = format(logger, error);
    expect(out.message).toBe('Internal server error');
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('masks a real resolver failure coming out of graphql-js execution', async () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          x: {
            type: GraphQLString,
            resolve: () => {
              throw new Error(`lookup failed for ${PNR}`);
            },
          },
        },
      }),
    });
    const result = await graphql({ schema, source: '{ x }' });
    const error = result.errors![0];
    const { logger, lines } = memoryLogger();
    const out = format(logger, error);
    expect(out.message).toBe('Internal server error');
    expect(out.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(out)).not.toContain(PNR);
    expect(lines()[0].errorId).toBe(out.extensions?.errorId);
  });
});

describe('formatError: GraphQL request errors', () => {
  const coercionMessage = `Variable "$pnr" got invalid value "${PNR}"; String cannot represent a non string value: ${PNR}`;

  it('removes the value from a variable coercion message and keeps the code', () => {
    const { logger, raw } = memoryLogger();
    const error = new GraphQLError(coercionMessage);
    const formatted = { ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } };
    const out = formatError(logger, formatted, error);
    expect(out.message).toMatch(/^Variable "\$pnr" /);
    expect(out.message).not.toContain(PNR);
    expect(JSON.stringify(out)).not.toContain(PNR);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'pnr' });
    expect(out.path).toBeUndefined();
    expect(raw).toHaveLength(0);
  });

  it('rewrites a multi-line coercion message too', () => {
    const { logger } = memoryLogger();
    const error = new GraphQLError(
      `Variable "$input" got invalid value { personnummer: ${PNR} } at "input.personnummer";\nString cannot represent a non string value: ${PNR}`,
    );
    const out = formatError(
      logger,
      { ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } },
      error,
    );
    expect(out.message).not.toContain(PNR);
    expect(out.message).toContain('$input');
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'personnummer' });
  });

  it('names the input at fault, as graphql-js reports it, without the value', async () => {
    const Activity = new GraphQLInputObjectType({
      name: 'Activity',
      fields: {
        startDate: { type: new GraphQLNonNull(GraphQLInt) },
        note: { type: GraphQLString },
      },
    });
    const Input = new GraphQLInputObjectType({
      name: 'Input',
      fields: {
        personnummer: { type: GraphQLString },
        activities: { type: new GraphQLList(new GraphQLNonNull(Activity)) },
      },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          plan: {
            type: GraphQLString,
            args: { input: { type: Input }, from: { type: GraphQLInt } },
            resolve: () => 'x',
          },
        },
      }),
    });
    const fieldOf = async (variableValues: Record<string, unknown>) => {
      const result = await graphql({
        schema,
        source: 'query ($input: Input, $from: Int) { plan(input: $input, from: $from) }',
        variableValues,
      });
      const error = result.errors![0];
      const out = formatError(
        memoryLogger().logger,
        { ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } },
        error,
      );
      expect(JSON.stringify(out)).not.toContain(PNR);
      return out.extensions?.field;
    };
    expect(await fieldOf({ input: { personnummer: Number(PNR) } })).toBe('personnummer');
    expect(await fieldOf({ input: { activities: [{ startDate: 1 }, { startDate: PNR }] } })).toBe(
      'activities.1.startDate',
    );
    expect(await fieldOf({ input: { activities: [{ note: PNR }] } })).toBe(
      'activities.0.startDate',
    );
    expect(await fieldOf({ input: { colour: PNR } })).toBe('colour');
    expect(await fieldOf({ from: PNR })).toBe('from');
  });

  it('rewrites the coercion error graphql-js really produces', async () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          person: {
            type: GraphQLString,
            args: { pnr: { type: GraphQLString } },
            resolve: () => 'x',
          },
        },
      }),
    });
    const result = await graphql({
      schema,
      source: 'query ($pnr: String) { person(pnr: $pnr) }',
      variableValues: { pnr: Number(PNR) },
    });
    const error = result.errors![0];
    expect(error.message).toContain(PNR); // the raw message does quote it
    const { logger } = memoryLogger();
    const out = formatError(
      logger,
      { ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } },
      error,
    );
    expect(JSON.stringify(out)).not.toContain(PNR);
    expect(out.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a custom scalar that throws a plain Error keeps BAD_USER_INPUT and logs nothing', async () => {
    const Pnr = new GraphQLScalarType({
      name: 'Pnr',
      parseValue: (v) => {
        throw new Error(`Invalid personnummer ${String(v)}`);
      },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          person: { type: GraphQLString, args: { pnr: { type: Pnr } }, resolve: () => 'x' },
        },
      }),
    });
    const result = await graphql({
      schema,
      source: 'query ($pnr: Pnr) { person(pnr: $pnr) }',
      variableValues: { pnr: PNR },
    });
    const { logger, raw } = memoryLogger();
    // graphql-ws passes GraphQL's error as is (no code from Apollo): derive the same code.
    const out = formatError(logger, result.errors![0].toJSON(), result.errors![0]);
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'pnr' });
    expect(JSON.stringify(out)).not.toContain(PNR);
    expect(raw.join('')).not.toContain(PNR);
  });

  it('derives GRAPHQL_PARSE_FAILED for a syntax error without a code (graphql-ws)', () => {
    const { logger } = memoryLogger();
    const error = new GraphQLError('Syntax Error: Expected Name, found <EOF>.');
    expect(formatError(logger, error.toJSON(), error).extensions).toEqual({
      code: 'GRAPHQL_PARSE_FAILED',
    });
  });

  it('keeps validation messages that quote no value, defaulting the code', () => {
    const { logger } = memoryLogger();
    const error = new GraphQLError('Cannot query field "nope" on type "Query".');
    const out = formatError(logger, error.toJSON(), error);
    expect(out.message).toBe('Cannot query field "nope" on type "Query".');
    expect(out.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  it('keeps the code Apollo assigned to a parse error and drops the stacktrace', () => {
    const { logger } = memoryLogger();
    const error = new GraphQLError('Syntax Error: Expected Name, found <EOF>.');
    const out = formatError(
      logger,
      {
        ...error.toJSON(),
        extensions: { code: 'GRAPHQL_PARSE_FAILED', stacktrace: ['GraphQLError: …'] },
      },
      error,
    );
    expect(out.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });
});
