/**
 * One event rendered for a subscription: the operation executed with the event as root
 * value (what graphql-js does per event of a subscription), serialised once, with the reads
 * of persons it made (for each receiver's access-log rows).
 *
 * The payload text is what graphql-ws would put in a `next` message for this result with
 * the hub's onNext: `{"data":…}`, or with errors formatted as on HTTP.
 */
import {
  execute,
  getOperationAST,
  type ExecutionArgs,
  type GraphQLError,
  type GraphQLFormattedError,
} from 'graphql';
import type { Context } from '../../context';
import type { AccessEntry } from '../../services/access-log/access-log';
import type { StoredEvent } from '../event-types';
import { utf8Wire } from './socket-writes';

export interface Rendered {
  /** JSON of the `next` message's payload. */
  payload: string;
  /** The persons' data it shows, for the access log of everyone who receives it. */
  entries: readonly AccessEntry[];
}

export type FormatErrors = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

export type RenderEvent = (event: StoredEvent, context: Context) => Promise<Rendered>;

/** The operation name the access log records (as onNext does for other operations). */
export function accessLogOperation(args: ExecutionArgs): string {
  return getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous';
}

export function eventRenderer(args: ExecutionArgs, format: FormatErrors): RenderEvent {
  const operation = accessLogOperation(args);
  return async (event, context) => {
    const result = await execute({ ...args, rootValue: event, contextValue: context });
    const entries = context.access.drain(operation);
    const body = result.errors ? { ...result, errors: format(result.errors) } : result;
    return { payload: JSON.stringify(body), entries };
  };
}

const wires = new WeakMap<Rendered, string>();

/** The payload in the form socket-writes.ts sends, converted once for every member. */
export function payloadWire(rendered: Rendered): string {
  let wire = wires.get(rendered);
  if (wire === undefined) wires.set(rendered, (wire = utf8Wire(rendered.payload)));
  return wire;
}
