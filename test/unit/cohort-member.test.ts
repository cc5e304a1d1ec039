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

/** Live from the start (no `after`), so no table is read. */
function member(options: Partial<SubscriptionOptions> = {}) {
  const dispatcher = { add: () => '0', remove: () => undefined } as unknown as EventDispatcher;
  const source = new EventSubscription({} as DataSource, dispatcher, {
    after: null,
    filter: {},
    allowed: () => true,
    bufferLimit: 100,
    ...options,
  });
  const render = (e: StoredEvent) =>
    Promise.resolve({ payload: `{"p":${e.position}}`, entries: [] } as Rendered);
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
  return { m, source, sent, ends: () => ends };
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
  expect(sent).toEqual(
    [1, 2, 3, 4, 5].map((p) => `{"id":"s1","type":"next","payload":{"p":${p}}}`),
  );
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
