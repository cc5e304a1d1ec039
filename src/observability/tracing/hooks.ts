/**
 * The hooks the call sites use, on `@opentelemetry/api` alone. With tracing off each one
 * returns what it was given (or nothing to mount), so no wrapper runs at all; the call sites
 * stay one line each.
 *
 * What a span carries is chosen here, in one place, and never includes personal data: no
 * variables, no document text, no person ids or values from answers, no error messages
 * (a message can quote data) — operation names, types, agency names, counts, states and the
 * stable error codes only. SQL spans carry the statement text with its placeholders; the
 * parameter values are never recorded.
 */
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  getOperationAST,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLError,
} from 'graphql';
import { tracingActive } from './state';

const tracer = () => trace.getTracer('samverkan-hub');

/** The operation's span, found again by the Apollo plugin under any child span. */
const OPERATION_SPAN = createContextKey('samverkan-hub.graphql-operation-span');

type ErrorLike = Pick<GraphQLError | GraphQLFormattedError, 'extensions'>;

const codesOf = (errors: readonly ErrorLike[]): string[] => [
  ...new Set(
    errors.map((e) =>
      typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR',
    ),
  ),
];

function nameOperation(span: Span, type: string, name: string | undefined): void {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

function endOperation(span: Span, errors: readonly ErrorLike[]): void {
  if (errors.length > 0) {
    span.setAttribute('hub.graphql.outcome', 'error');
    span.setAttribute('hub.graphql.error_codes', codesOf(errors));
    span.setStatus({ code: SpanStatusCode.ERROR });
  } else {
    span.setAttribute('hub.graphql.outcome', 'ok');
  }
}

// --- GraphQL over HTTP ------------------------------------------------------------------

/**
 * Mounted just before Apollo on /graphql: one SERVER span per request, continuing the
 * caller's `traceparent`, active while Apollo runs the operation. Named `graphql` until the
 * plugin below knows the operation.
 */
export function graphqlHttpTracing(): RequestHandler[] {
  if (!tracingActive()) return [];
  return [
    (req: Request, res: Response, next: NextFunction) => {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = tracer().startSpan(
        'graphql',
        { kind: SpanKind.SERVER, attributes: { 'hub.transport': 'http' } },
        parent,
      );
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute('http.response.status_code', res.statusCode);
        span.end();
      };
      res.once('finish', end);
      res.once('close', end);
      context.with(trace.setSpan(parent, span).setValue(OPERATION_SPAN, span), next);
    },
  ];
}

/** Names the HTTP request's span after its operation and records the outcome. */
export function graphqlTracingPlugins<C extends BaseContext>(): ApolloServerPlugin<C>[] {
  if (!tracingActive()) return [];
  const current = () => context.active().getValue(OPERATION_SPAN) as Span | undefined;
  return [
    {
      requestDidStart() {
        const span = current();
        if (!span) return Promise.resolve();
        return Promise.resolve({
          didResolveOperation({ operation, operationName }) {
            if (operation) nameOperation(span, operation.operation, operationName ?? undefined);
            return Promise.resolve();
          },
          willSendResponse({ errors, response }) {
            const sent =
              response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
            endOperation(span, errors ?? sent);
            return Promise.resolve();
          },
        });
      },
    },
  ];
}

// --- GraphQL over WebSocket -------------------------------------------------------------

/** A connection's trace context (`traceparent`, `tracestate`), per operation context. */
const wsParents = new WeakMap<object, Record<string, string>>();

type Header = string | string[] | undefined;
const first = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/**
 * Remembers where a graphql-ws operation's trace continues: `traceparent` (and
 * `tracestate`) from `connectionParams` — what a browser can send — else from the upgrade
 * request's headers — what a gateway or server-side client sends. Returns the context.
 */
export function withWsTraceParent<T>(
  value: T,
  params: Readonly<Record<string, unknown>> | undefined,
  headers: Readonly<Record<string, Header>>,
): T {
  if (!tracingActive() || typeof value !== 'object' || value === null) return value;
  const fromParams = first(params?.traceparent);
  const carrier: Record<string, string> = {};
  const traceparent = fromParams ?? first(headers.traceparent);
  const tracestate = fromParams ? first(params?.tracestate) : first(headers.tracestate);
  if (traceparent) carrier.traceparent = traceparent;
  if (traceparent && tracestate) carrier.tracestate = tracestate;
  wsParents.set(value, carrier);
  return value;
}

type Run = (args: ExecutionArgs) => unknown;

/**
 * graphql-ws's `execute` and `subscribe`, each operation in a SERVER span. A subscription's
 * span covers setting it up (the catch-up read included), not the events sent afterwards.
 * Undefined when tracing is off: graphql-ws then calls graphql-js directly.
 */
export function tracedWsRun<R extends Run>(run: R): R | undefined {
  if (!tracingActive()) return undefined;
  const traced = async (args: ExecutionArgs) => {
    const carrier =
      typeof args.contextValue === 'object' && args.contextValue !== null
        ? wsParents.get(args.contextValue)
        : undefined;
    const parent = propagation.extract(ROOT_CONTEXT, carrier ?? {});
    const operation = getOperationAST(args.document, args.operationName);
    const type = operation?.operation ?? 'graphql';
    const span = tracer().startSpan(
      type,
      { kind: SpanKind.SERVER, attributes: { 'hub.transport': 'ws' } },
      parent,
    );
    nameOperation(span, type, operation?.name?.value ?? args.operationName ?? undefined);
    try {
      const result = await context.with(trace.setSpan(parent, span), () => run(args));
      const errors =
        typeof result === 'object' && result !== null && 'errors' in result
          ? ((result as { errors?: readonly GraphQLError[] }).errors ?? [])
          : [];
      endOperation(span, errors);
      return result;
    } catch (err) {
      endOperation(span, [{ extensions: {} }]);
      throw err;
    } finally {
      span.end();
    }
  };
  return traced as unknown as R;
}

// --- connectors -------------------------------------------------------------------------

interface BatchSource {
  readonly source: string;
  loadByPersonIds(
    ids: readonly string[],
    call: never,
    details?: never,
  ): Promise<Map<string, unknown>>;
}

/** What a call's answer says beyond "it answered": some persons failed, or stale data. */
function outcomeOf(found: Map<string, unknown>): 'ok' | 'partial' | 'stale' {
  let stale = false;
  for (const v of found.values()) {
    if (v instanceof Error) return 'partial';
    if (typeof v === 'object' && v !== null && (v as { stale?: unknown }).stale === true) {
      stale = true;
    }
  }
  return stale ? 'stale' : 'ok';
}

/**
 * The connector, each batch call in a span `connector <agency>`: the agency, its mode, the
 * batch size, the outcome (`ok`, `partial`, `stale`, `error`) and, over HTTP, the circuit
 * breaker's state when the call started and when it ended. The connector itself when off.
 */
export function tracedConnector<C extends BatchSource>(
  connector: C,
  mode: 'embedded' | 'http',
  breakerState?: () => string,
): C {
  if (!tracingActive()) return connector;
  const load = connector.loadByPersonIds.bind(connector);
  const traced = Object.create(connector) as C;
  traced.loadByPersonIds = (ids, call, details) =>
    tracer().startActiveSpan(
      `connector ${connector.source}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'hub.connector.agency': connector.source,
          'hub.connector.mode': mode,
          'hub.connector.batch_size': ids.length,
          ...(breakerState ? { 'hub.connector.breaker.state': breakerState() } : {}),
        },
      },
      async (span) => {
        const after = (): Attributes =>
          breakerState ? { 'hub.connector.breaker.state_after': breakerState() } : {};
        try {
          const found = await load(ids, call, details);
          span.setAttributes({ 'hub.connector.outcome': outcomeOf(found), ...after() });
          return found;
        } catch (err) {
          // The error's class only: a message may quote what the agency answered.
          span.setAttributes({
            'hub.connector.outcome': 'error',
            'error.type': err instanceof Error ? err.name : 'unknown',
            ...after(),
          });
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw err;
        } finally {
          span.end();
        }
      },
    );
  return traced;
}

// --- the embedded database --------------------------------------------------------------

/**
 * One statement on the embedded database (PGlite, which the pg instrumentation does not
 * see) in a CLIENT span like pg's: `pglite.query:<COMMAND>` with the statement text, never
 * its parameters. Only inside an operation's trace, like pg's `requireParentSpan`.
 */
export function tracedStatement<T>(text: string, run: () => Promise<T>): Promise<T> {
  if (!tracingActive() || !trace.getSpan(context.active())) return run();
  const command = /^\s*([a-z]+)/i.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return tracer().startActiveSpan(
    `pglite.query:${command}`,
    {
      kind: SpanKind.CLIENT,
      // The attribute names the pg instrumentation uses (stable database conventions).
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': command,
        'db.query.text': text,
        'hub.db.driver': 'pglite',
      },
    },
    async (span) => {
      try {
        return await run();
      } catch (err) {
        span.setAttribute('error.type', err instanceof Error ? err.name : 'unknown');
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}
