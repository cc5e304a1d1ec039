/**
 * Two hub processes on one PostgreSQL database; the one elected as the event sequencer is
 * SIGKILLed during a burst of createReferral writes through both. The other takes over (its
 * session was waiting for the advisory lock, which the dead session released), positions
 * what the dead instance committed but never sequenced, and goes on with its own writers.
 * Afterwards the log is exactly the committed referrals, one REFERRAL_SENT each, at positions
 * 1..n without holes; a subscriber on the surviving instance received every event once, in
 * log order; the replay agrees. The poll intervals are 60 s: the takeover and the deliveries
 * within seconds can only have come from the lock and the notifications. PostgreSQL only.
 */
import type { Client } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import { makeToken } from '../../scripts/token';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, onPostgresServer, type TestDatabase } from '../helpers/database';
import {
  allEvents,
  subscribeEvents,
  waitForOpenSubscriptions,
  waitUntil,
  wsClient,
} from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET } from '../helpers/test-hub';

afterEach(killLeftoverProcesses);

const onServer = onPostgresServer ? test : test.skip;

const BURST = 300;
const KILL_AFTER_CONFIRMED = 60;

async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`/metrics has no ${name}`);
  return Number(match[1]);
}

async function createReferral(url: string, token: string, personId: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
      variables: {
        i: {
          personId,
          targetGroup: 'ARBETSLOS',
          supportBarrier: '02',
          firstAppointmentAt: new Date(Date.now() + 86400000).toISOString(),
        },
      },
    }),
  });
  const body = (await res.json()) as { data?: { createReferral: { id: string } | null } };
  return body.data?.createReferral?.id ?? null;
}

onServer(
  'the sequencer instance is SIGKILLed mid-burst: the other takes over, positions 1..n, nothing lost or repeated',
  async () => {
    const db: TestDatabase = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url!,
      EVENT_POLL_INTERVAL_MS: '60000',
      EVENT_SEQUENCER_POLL_INTERVAL_MS: '60000',
    };
    let ds: DataSource | undefined;
    let a: ServerProcess | undefined;
    let b: ServerProcess | undefined;
    let ws: Client | undefined;
    try {
      // A starts first and is elected; B's sequencer session waits for the lock.
      a = await startServerProcess(env);
      b = await startServerProcess(env);
      expect(await gauge(a.url, 'hub_event_sequencer_leader')).toBe(1);
      expect(await gauge(b.url, 'hub_event_sequencer_leader')).toBe(0);

      ds = createDataSource(db.config);
      await ds.initialize();
      const persons = await insertPersons(
        ds,
        Array.from({ length: 6 }, () => fullSkarholmenPerson()),
      );
      const caseworker = await makeToken(TEST_SECRET, {
        role: 'DISTRICT_CASEWORKER',
        org: 'skarholmen',
      });
      const coach = await makeToken(TEST_SECRET, {
        role: 'JOB_CENTRE_COACH',
        org: 'jobbtorg-sydvast',
      });
      ws = wsClient(b.url, coach);
      const onB = subscribeEvents(ws, 'subscriber on B');
      await waitForOpenSubscriptions(b.url, 1);

      // The burst: half the writers through A (they stop when it is gone), half through B.
      const confirmed: string[] = [];
      let sent = 0;
      const writer = async (url: string) => {
        for (;;) {
          const n = sent++;
          if (n >= BURST) return;
          try {
            const id = await createReferral(url, caseworker, persons[n % persons.length].id);
            if (id) confirmed.push(id);
          } catch {
            return; // the instance is gone
          }
        }
      };
      const aUrl = a.url;
      const bUrl = b.url;
      const writers = [
        ...Array.from({ length: 4 }, () => writer(aUrl)),
        ...Array.from({ length: 4 }, () => writer(bUrl)),
      ];
      await waitUntil(
        () => confirmed.length >= KILL_AFTER_CONFIRMED,
        () => `only ${confirmed.length} confirmed`,
        30_000,
        5,
      );
      a.child.kill('SIGKILL');
      await a.exited;
      const confirmedAtKill = confirmed.length;
      await Promise.all(writers);
      expect(confirmedAtKill).toBeLessThan(BURST);
      // B's writers went on after the kill: B sequenced their events itself.
      expect(confirmed.length).toBeGreaterThan(confirmedAtKill);

      // B took over, and nothing committed is left without a position.
      await waitUntil(
        async () =>
          (await gauge(bUrl, 'hub_event_sequencer_leader')) === 1 &&
          (await gauge(bUrl, 'hub_event_sequencer_waiting_events')) === 0,
        () => 'B did not take over, or events are left without a position',
        10_000,
      );
      expect(await gauge(bUrl, 'hub_event_sequencer_positions_total')).toBeGreaterThan(0);

      const referrals = await ds.query<{ id: string }[]>('SELECT id FROM referral');
      const events = await ds.query<
        { id: string; position: string | null; referral_id: string; type: string }[]
      >('SELECT id, position, referral_id, type FROM event ORDER BY position');
      const ids = new Set(referrals.map((r) => r.id));
      for (const id of confirmed) expect(ids.has(id)).toBe(true);
      // Exactly one REFERRAL_SENT per committed referral, and no event without its referral.
      expect(events.every((e) => e.type === 'REFERRAL_SENT')).toBe(true);
      expect(events).toHaveLength(referrals.length);
      expect(new Set(events.map((e) => e.referral_id))).toEqual(ids);
      // Positions 1..n without holes.
      expect(events.map((e) => Number(e.position))).toEqual(events.map((_, i) => i + 1));
      const [{ last }] = await ds.query<{ last: string }[]>(
        'SELECT last_position AS last FROM event_sequence WHERE id = 1',
      );
      expect(Number(last)).toBe(events.length);

      // The subscriber on B saw every event once, in log order, with the log's cursors.
      await onB.waitForCount(events.length, 10_000);
      const replay = await allEvents(bUrl, coach);
      expect(onB.items.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(onB.items.map((e) => e.cursor)).toEqual(replay.map((e) => e.cursor));
      expect(replay.map((e) => e.node.id)).toEqual(events.map((e) => e.id));
    } finally {
      await ws?.dispose();
      for (const p of [a, b]) {
        if (p && p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGTERM');
          await p.exited;
        }
      }
      await ds?.destroy();
      await db.drop();
    }
  },
  120_000,
);
