/**
 * The dispatcher's routing: an event is offered to the subscribers of its referral, job
 * centre or district and to those without such a filter, never to others, each once; the
 * count and removal follow. The database is a stand-in returning one page of events.
 */
import type { DataSource } from 'typeorm';
import { EventDispatcher, routeOf, type LiveSubscriber } from '../../src/events/dispatcher';
import type { StoredEvent } from '../../src/events/event-types';
import type { Logger } from '../../src/observability/logger';

function event(position: number, jobCentreId: string, districtId: string, referralId: string) {
  return {
    position: String(position),
    id: `e${position}`,
    type: 'REFERRAL_SENT',
    occurredAt: new Date(0),
    referralId,
    personId: 'p',
    districtId,
    jobCentreId,
    actorSub: null,
    actorOrg: null,
    payload: {},
  };
}

const rows = [
  event(1, 'jobbtorg-sydvast', 'skarholmen', 'r1'),
  event(2, 'jobbtorg-city', 'kungsholmen', 'r2'),
  event(3, 'jobbtorg-sydvast', 'hagersten', 'r3'),
];

/** Answers headPosition with 0 and the first read with the rows, later reads with none. */
function fakeDb(): DataSource {
  let reads = 0;
  return {
    query: (sql: string) =>
      Promise.resolve(sql.includes('max(position)') ? [{ head: '0' }] : reads++ ? [] : rows),
  } as unknown as DataSource;
}

class Recorder implements LiveSubscriber {
  readonly seen: string[] = [];
  readonly route: string | undefined;
  constructor(filter: Parameters<typeof routeOf>[0]) {
    this.route = routeOf(filter);
  }
  offer(e: StoredEvent): void {
    this.seen.push(e.position);
  }
}

/** A started dispatcher over the stand-in database, with no notifications and no polling. */
async function started(): Promise<EventDispatcher> {
  const d = new EventDispatcher(
    fakeDb(),
    { warn: () => undefined } as unknown as Logger,
    () => Promise.resolve(() => Promise.resolve()),
    60_000,
  );
  await d.start();
  return d;
}

/** Reads the page once, offers it, and stops. */
async function readOnce(d: EventDispatcher): Promise<void> {
  d.wake();
  await new Promise((r) => setTimeout(r, 20));
  await d.stop();
}

test('the most selective field of a filter is its route; no such field, no route', () => {
  expect(routeOf({ referralId: 'r1', jobCentreId: 'j', districtId: 'd' })).toBe('r:r1');
  expect(routeOf({ jobCentreId: 'j', districtId: 'd' })).toBe('j:j');
  expect(routeOf({ districtId: 'd' })).toBe('d:d');
  expect(routeOf({})).toBeUndefined();
  expect(routeOf({ referralId: null, jobCentreId: '' })).toBeUndefined();
});

test('each event is offered once to the subscribers it can match, and to the unfiltered', async () => {
  const all = new Recorder({});
  const centre = new Recorder({ jobCentreId: 'jobbtorg-sydvast' });
  const district = new Recorder({ districtId: 'kungsholmen' });
  const referral = new Recorder({ referralId: 'r3', jobCentreId: 'jobbtorg-sydvast' });
  const elsewhere = new Recorder({ jobCentreId: 'jobbtorg-norr' });
  const d = await started();
  for (const s of [all, centre, district, referral, elsewhere]) d.add(s);
  await readOnce(d);
  expect(all.seen).toEqual(['1', '2', '3']);
  expect(centre.seen).toEqual(['1', '3']);
  expect(district.seen).toEqual(['2']);
  expect(referral.seen).toEqual(['3']);
  expect(elsewhere.seen).toEqual([]);
});

test('the count follows additions and removals; a removed subscriber is offered nothing', async () => {
  const a = new Recorder({ jobCentreId: 'jobbtorg-sydvast' });
  const b = new Recorder({ jobCentreId: 'jobbtorg-sydvast' });
  const c = new Recorder({});
  const d = await started();
  d.add(a);
  d.add(a); // twice: counted once
  d.add(b);
  d.add(c);
  expect(d.subscriberCount).toBe(3);
  d.remove(b);
  d.remove(b);
  expect(d.subscriberCount).toBe(2);
  await readOnce(d);
  expect(a.seen).toEqual(['1', '3']);
  expect(b.seen).toEqual([]);
  expect(c.seen).toEqual(['1', '2', '3']);
});

describe('notifications from the sequencer', () => {
  /** A started dispatcher whose notifications the test sends, counting the event reads. */
  async function notifiable() {
    let notify: (payload?: string) => void = () => undefined;
    let reads = 0;
    // Reads answer the events after the position asked for, as the event table would.
    const counting = {
      query: (sql: string, params: unknown[] = []) => {
        if (sql.includes('max(position)')) return Promise.resolve([{ head: '0' }]);
        reads++;
        return Promise.resolve(rows.filter((r) => Number(r.position) > Number(params[0])));
      },
    } as unknown as DataSource;
    const d = new EventDispatcher(
      counting,
      { warn: () => undefined } as unknown as Logger,
      (onNotify) => {
        notify = onNotify;
        return Promise.resolve(() => Promise.resolve());
      },
      60_000,
    );
    await d.start();
    const advanced: string[] = [];
    d.follow(() => advanced.push(d.position));
    const settle = () => new Promise((r) => setTimeout(r, 20));
    return { d, notify: (p?: string) => notify(p), reads: () => reads, advanced, settle };
  }

  test('with no subscriber the head moves to the notified position without a read', async () => {
    const n = await notifiable();
    n.notify('3');
    await n.settle();
    expect(n.reads()).toBe(0);
    expect(n.d.position).toBe('3');
    expect(n.advanced).toEqual(['3']);
    // An older notification (delivered late) never moves the head back, nor tells anyone.
    n.notify('2');
    await n.settle();
    expect(n.d.position).toBe('3');
    expect(n.advanced).toEqual(['3']);
    await n.d.stop();
  });

  test('with a subscriber the events are read and offered, as on any wake-up', async () => {
    const n = await notifiable();
    const all = new Recorder({});
    n.d.add(all);
    n.notify('3');
    await n.settle();
    expect(n.reads()).toBe(1);
    expect(all.seen).toEqual(['1', '2', '3']);
    expect(n.advanced).toEqual(['3']);
    await n.d.stop();
  });

  test('a notification without a position (or a malformed one) reads', async () => {
    const n = await notifiable();
    n.notify('');
    await n.settle();
    expect(n.reads()).toBe(1);
    expect(n.d.position).toBe('3');
    n.notify('3; drop table');
    await n.settle();
    expect(n.reads()).toBe(2);
    await n.d.stop();
  });

  test('a subscriber added after a head moved without a read is offered only later events', async () => {
    const n = await notifiable();
    n.notify('3');
    await n.settle();
    const late = new Recorder({});
    expect(n.d.add(late)).toBe('3'); // it catches up to 3 from the table itself
    n.d.wake();
    await n.settle();
    // The read after the moved head finds nothing after 3: nothing is offered twice.
    expect(late.seen).toEqual([]);
    await n.d.stop();
  });
});
