/**
 * SIGKILL during a burst of mutations: after a restart, every change the server confirmed
 * is there with exactly one event, every referral row has exactly its event, positions are
 * contiguous (a killed transaction leaves neither state nor event), and the replay returns
 * each event once. PostgreSQL server only (the test writes fixtures beside the running process).
 */
import type { DataSource } from 'typeorm';
import { makeToken } from '../../scripts/token';
import { createDataSource } from '../../src/db/data-source';
import { createTestDatabase, onPostgresServer } from '../helpers/database';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET } from '../helpers/test-hub';

afterEach(killLeftoverProcesses);

const onServer = onPostgresServer ? test : test.skip;

async function gql(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, { id: string } | null>; errors?: unknown[] };
}

onServer(
  'the log and the state agree after a SIGKILL during a burst',
  async () => {
    const db = await createTestDatabase();
    let ds: DataSource | undefined;
    let proc: ServerProcess | undefined;
    try {
      proc = await startServerProcess({ DATABASE_URL: db.url! });
      ds = createDataSource(db.config);
      await ds.initialize();
      const persons = await insertPersons(
        ds,
        Array.from({ length: 5 }, () => fullSkarholmenPerson()),
      );
      const caseworker = await makeToken(TEST_SECRET, {
        role: 'DISTRICT_CASEWORKER',
        org: 'skarholmen',
      });
      const create = `mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }`;
      const at = new Date(Date.now() + 86400000).toISOString();

      const confirmed: string[] = [];
      let sent = 0;
      const url = proc.url;
      const worker = async () => {
        for (;;) {
          const n = sent++;
          if (n >= 400) return;
          try {
            const body = await gql(url, caseworker, create, {
              i: {
                personId: persons[n % persons.length].id,
                targetGroup: 'ARBETSLOS',
                supportBarrier: '02',
                firstAppointmentAt: at,
              },
            });
            if (body.data?.createReferral) confirmed.push(body.data.createReferral.id);
          } catch {
            return; // the server is gone
          }
        }
      };
      const workers = Array.from({ length: 6 }, () => worker());
      // Kill once some have been confirmed, while others are in flight.
      while (confirmed.length < 40) await new Promise((r) => setTimeout(r, 10));
      proc.child.kill('SIGKILL');
      await proc.exited;
      await Promise.all(workers);
      expect(confirmed.length).toBeGreaterThanOrEqual(40);
      expect(confirmed.length).toBeLessThan(400);

      proc = await startServerProcess({ DATABASE_URL: db.url! });
      const referrals = await ds.query<{ id: string }[]>('SELECT id FROM referral');
      const events = await ds.query<{ position: string; referral_id: string; type: string }[]>(
        'SELECT position, referral_id, type FROM event ORDER BY position',
      );
      const ids = new Set(referrals.map((r) => r.id));
      for (const id of confirmed) expect(ids.has(id)).toBe(true);
      // Exactly one REFERRAL_SENT per referral row, and no event without its row.
      expect(events.filter((e) => e.type === 'REFERRAL_SENT')).toHaveLength(referrals.length);
      expect(new Set(events.map((e) => e.referral_id))).toEqual(ids);
      // A killed transaction consumed no position: the log is 1..n without holes.
      expect(events.map((e) => Number(e.position))).toEqual(events.map((_, i) => i + 1));

      const partner = await makeToken(TEST_SECRET, {
        role: 'PARTNER_SYSTEM',
        org: 'statistiktjansten',
      });
      const replayed: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res = await fetch(`${proc.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${partner}` },
          body: JSON.stringify({
            query:
              'query ($after: String) { events(after: $after, first: 100) { edges { node { referralId } } pageInfo { hasNextPage endCursor } } }',
            variables: { after },
          }),
        });
        const body = (await res.json()) as {
          data: {
            events: {
              edges: { node: { referralId: string } }[];
              pageInfo: { hasNextPage: boolean; endCursor: string };
            };
          };
        };
        replayed.push(...body.data.events.edges.map((e) => e.node.referralId));
        if (!body.data.events.pageInfo.hasNextPage) break;
        after = body.data.events.pageInfo.endCursor;
      }
      expect(replayed).toEqual(events.map((e) => e.referral_id));
    } finally {
      if (proc) {
        proc.child.kill('SIGTERM');
        await proc.exited;
      }
      await ds?.destroy();
      await db.drop();
    }
  },
  90000,
);
