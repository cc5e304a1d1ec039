/**
 * A cohort member (src/events/cohorts/member.ts) over a real EventSubscription, without a
 * server: live events are pushed to it by its source (no pending next() per subscriber
 * between events), delivered in order, each once; and it still ends as graphql-ws expects
 * when the client completes or the token expires.
 */
import type WebSocket from 'ws';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/auth/roles';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import type { Context } from '../../src/context';
import { Cohort } from '../../src/events/cohorts/cohort';
import { CohortMember } from '../../src/events/cohorts/member';
import type { Rendered } from '../../src/events/cohorts/render';
import type { EventDispatcher } from '../../src/events/dispatcher';
import { EventSubscription, type SubscriptionOptions } from '../../src/events/event-subscription';
import type { StoredEvent } from '../../src/events/event-types';
import type { Logger } from '../../src/observability/logger';
import type { BatchedAccessLogWriter } from '../../src/services/access-log/batched-writer';

const viewer: AuthenticatedViewer = {
  kind: 'authenticated',
  sub: 'partner-1',
  role: Role.PARTNER_SYSTEM,
  orgId: 'partner',
  orgKind: 'PARTNER',
  scopes: [],
  expiresAt: 2_000_000_000,
};

/** A socket that is always writable and records each message it is given. */
function socket(): { ws: WebSocket; sent: string[] } {
  const sent: string[] = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: Buffer, _opts: unknown, done: (err?: Error) => void) {
      sent.push(data.toString('utf8'));
      done();
    },
  };
  return { ws: ws as unknown as WebSocket, sent };
}

/**
 * Live from the start unless `after` is given; then its catch-up reads an empty table. The
 * render answers at once unless the test gives its own.
 */
function member(
  options: Partial<SubscriptionOptions> = {},
  render = (e: StoredEvent) =>
    Promise.resolve({ payload: `{"p":${e.position}}`, entries: [] } as Rendered),
) {
  const removed = jest.fn();
  const dispatcher = { add: () => '0', remove: removed } as unknown as EventDispatcher;
  const read = jest.fn(() => Promise.resolve([]));
  const table = { query: read } as unknown as DataSource;
  const source = new EventSubscription(table, dispatcher, {
    after: null,
    filter: {},
    allowed: () => true,
    bufferLimit: 100,
    ...options,
  });
  const cohort = new Cohort(
    'k',
    render,
    () => ({}) as Context,
    () => undefined,
  );
  const { ws, sent } = socket();
  let ends = 0;
  const m = new CohortMember({
    socket: ws,
    id: 's1',
    source,
    cohort,
    context: {} as Context,
    viewer,
    render,
    accessLog: {} as BatchedAccessLogWriter,
    logger: {} as Logger,
    onEnd: () => (ends += 1),
    onDelivered: () => undefined,
    onWriteStarted: () => undefined,
  });
  return { m, source, sent, ends: () => ends, removed, read };
}

const event = (position: number) => ({ position: String(position) }) as StoredEvent;
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('live events are pushed to the member: in order, each once, without a next() per event', async () => {
  const { m, source, sent } = member();
  const pulls = jest.spyOn(source, 'next');
  const ended = m.next(); // graphql-ws's one pull: settles when the member ends
  await turn();
  for (let p = 1; p <= 3; p += 1) {
    source.offer(event(p));
    await turn();
  }
  // Two offered in one turn go out together, after the ones before.
  source.offer(event(4));
  source.offer(event(5));
  await turn();
  expect(sent).toEqual([1, 2, 3, 4, 5].map(message));
  expect(pulls).not.toHaveBeenCalled();
  expect(source.waiting).toBe(true);
  await m.return();
  await expect(ended).resolves.toEqual({ done: true, value: undefined });
});

test('the client completing ends a waiting member once, and later offers are not sent', async () => {
  const { m, source, sent, ends } = member();
  const ended = m.next();
  source.offer(event(1));
  await turn();
  await m.return();
  source.offer(event(2));
  await turn();
  await expect(ended).resolves.toEqual({ done: true, value: undefined });
  expect(sent).toHaveLength(1);
  expect(ends()).toBe(1);
});

test('the token expiring while the member waits ends it with the expiry error', async () => {
  const { m, ends } = member({
    expiresAt: Date.now() + 30,
    expiredError: () => new Error('token expired'),
  });
  await expect(m.next()).rejects.toThrow('token expired');
  expect(ends()).toBe(1);
});

const message = (p: number) => `{"id":"s1","type":"next","payload":{"p":${p}}}`;

test('an offer while the member waits for a payload is delivered after it, in order', async () => {
  let release: () => void = () => undefined;
  const slow = new Promise<void>((resolve) => (release = resolve));
  const { m, source, sent } = member({}, async (e) => {
    if (e.position === '1') await slow;
    return { payload: `{"p":${e.position}}`, entries: [] };
  });
  const ended = m.next();
  source.offer(event(1));
  await turn(); // the drain now waits for event 1's payload
  source.offer(event(2));
  await turn();
  expect(sent).toEqual([]);
  release();
  await turn();
  expect(sent).toEqual([message(1), message(2)]);
  await m.return();
  await ended;
});

test('a render failure ends the member with it and unregisters its source', async () => {
  const { m, source, removed, ends } = member({}, () => Promise.reject(new Error('source down')));
  const ended = m.next();
  source.offer(event(1));
  await expect(ended).rejects.toThrow('source down');
  await turn();
  expect(removed).toHaveBeenCalledWith(source);
  expect(ends()).toBe(1);
  expect(m.next()).toBe(ended); // graphql-ws pulls once; a second pull gets the same end
});

test('after catching up from the table the member waits without a pending call', async () => {
  const { m, source, sent, read } = member({ after: '5' });
  const pulls = jest.spyOn(source, 'next');
  const tries = jest.spyOn(source, 'nextIfAny');
  const ended = m.next();
  await turn();
  expect(read).toHaveBeenCalledTimes(1); // the catch-up read: nothing after 5
  expect(source.waiting).toBe(true);
  // The drain asked once and was told there is nothing: it is not suspended in the source.
  expect(tries).toHaveBeenCalledTimes(1);
  await expect(tries.mock.results[0].value).resolves.toBeNull();
  source.offer(event(6));
  await turn();
  expect(sent).toEqual([message(6)]);
  expect(pulls).not.toHaveBeenCalled();
  await m.return();
  await ended;
});

test('a member the client completed before its first pull ends at once', async () => {
  const { m, ends } = member();
  await m.return();
  await expect(m.next()).resolves.toEqual({ done: true, value: undefined });
  expect(ends()).toBe(1);
});
