/**
 * Graceful shutdown: in-flight requests finish, WebSockets close with 1001, the data
 * source is destroyed — in process, and as a real process receiving SIGTERM/SIGINT.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Client } from 'pg';
import { makeToken } from '../../scripts/token';
import { onPostgresServer } from '../helpers/database';
import { countBackends, until } from '../helpers/pg-activity';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { holdGraphQLRequest } from '../helpers/raw-http';
import { killLeftoverProcesses, startServerProcess } from '../helpers/server-process';
import { startTestHub, TEST_SECRET } from '../helpers/test-hub';

afterEach(killLeftoverProcesses);

test('stop(): in-flight request completes, sockets close with 1001, data source destroyed', async () => {
  const t = await startTestHub();
  const held = await holdGraphQLRequest(t.url, '{ organisations(kind: JOB_CENTRE) { id } }');

  const wsClosed = new Promise<number>((resolve) => {
    const c = createClient({
      url: `${t.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
      on: { closed: (e) => resolve((e as { code: number }).code) },
    });
    void c;
  });
  await new Promise((r) => setTimeout(r, 200)); // let the socket connect

  const stopped = t.stop();
  await new Promise((r) => setTimeout(r, 100));
  expect(t.hub.status).toBe('stopping');
  const ready = await fetch(`${t.url}/readyz`).then(
    (r) => r.status,
    () => 'refused',
  );
  expect(ready === 503 || ready === 'refused').toBe(true);

  const response = await held.finish();
  expect(response).toMatch(/^HTTP\/1\.1 200/);
  expect(response).toContain('"jobbtorg-sydvast"');
  expect(await wsClosed).toBe(1001);
  await stopped;
  expect(t.hub.status).toBe('stopped');
  expect(t.hub.dataSource.isInitialized).toBe(false);
});

const onServer = onPostgresServer ? test : test.skip;

onServer('stop(): the connections of the pipelined source reads end with the hub', async () => {
  const t = await startTestHub();
  const admin = new Client({ connectionString: t.db.url });
  await admin.connect();
  try {
    const [person] = await insertPersons(t.hub.dataSource, [fullSkarholmenPerson()]);
    const token = await t.token({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' });
    const res = await t.gql<{ persons: { edges: { node: { id: string } }[] } }>(
      `{ persons(filter: { jobCentreId: "jobbtorg-sydvast" }, first: 10) {
           edges { node { id jobCentre { status } sfi { status } } } } }`,
      { token },
    );
    expect(res.body.data?.persons.edges.map((e) => e.node.id)).toEqual([person.id]);
    const readConnections = () => countBackends(admin, "application_name = 'samverkan-hub-reads'");
    expect(await readConnections()).toBeGreaterThan(0);
    await t.hub.stop();
    // A backend leaves pg_stat_activity shortly after its client's Terminate.
    await until(async () => (await readConnections()) === 0);
    expect(await readConnections()).toBe(0);
  } finally {
    await admin.end();
    await t.stop();
  }
});

describe('as a process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('SIGTERM lets the in-flight request finish and exits 0', async () => {
    const p = await startServerProcess({
      PGLITE_DATA_DIR: dataDir,
      DEMO_DATA: 'auto',
      DEMO_PERSONS: '150',
    });
    const held = await holdGraphQLRequest(p.url, '{ organisations(kind: DISTRICT) { id } }');
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const response = await held.finish();
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('"skarholmen"');
    expect(await p.exited).toBe(0);
    expect(p.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
    // First start on an empty embedded database wrote the synthetic demo set.
    expect(
      p.lines.some((l) => l.includes('"persons":150') && l.includes('synthetic demo data written')),
    ).toBe(true);
  }, 120_000);

  test('SIGINT stops it too; the embedded data persisted, so a restart applies and seeds nothing', async () => {
    const p = await startServerProcess({
      PGLITE_DATA_DIR: dataDir,
      DEMO_DATA: 'auto',
      DEMO_PERSONS: '150',
    });
    expect(p.lines.some((l) => l.includes('migrations applied'))).toBe(false);
    expect(p.lines.some((l) => l.includes('"codeLists":"unchanged"'))).toBe(true);
    expect(p.lines.some((l) => l.includes('demo data'))).toBe(false);
    const token = await makeToken(TEST_SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ persons { totalCount } }' }),
    });
    const body = (await res.json()) as { data: { persons: { totalCount: number } } };
    expect(body.data.persons.totalCount).toBeGreaterThan(0);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  }, 120_000);

  test('with its log reader gone (EPIPE on stdout) it still stops on SIGTERM', async () => {
    const p = await startServerProcess({ PGLITE_DATA_DIR: 'memory://' });
    // Close our end of its stdout: every later log line meets a broken pipe.
    p.child.stdout.destroy();
    await new Promise((r) => setTimeout(r, 100));
    p.child.kill('SIGTERM');
    const code = await Promise.race([
      p.exited,
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000)),
    ]);
    expect(code).toBe(0);
  }, 120_000);
});
