/**
 * Trusted documents (issue 18), end to end on both databases: a manifest produced by the
 * real GraphQL Code Generator client preset (run here, from test/fixtures/documents/) is
 * registered with `npm run documents` as a real process, then each operation runs by id
 * over HTTP and the subscription by id over graphql-ws; unknown ids, tampered hashes and
 * plain documents under TRUSTED_DOCUMENTS=require are refused on both transports; an exempt
 * role's plain documents run under require; `off` ignores ids; bad manifests are refused
 * with nothing stored.
 *
 * The embedded database is a data directory here (the command line is another process),
 * so the hubs of the three modes run one after the other on it, never beside the command.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, FormattedExecutionResult, SubscribePayload } from 'graphql-ws';
import type { DatabaseConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { createLogger } from '../../src/observability/logger';
import { loadReferenceData } from '../../src/reference/load-reference-data';
import { bundledReferenceFiles } from '../../src/reference/reference-files';
import { Hub } from '../../src/server';
import { makeToken } from '../../scripts/token';
import { createTestDatabase, onPostgresServer, type TestDatabase } from '../helpers/database';
import {
  killLeftoverScripts,
  removeTemporaryDirs,
  runScript,
  temporaryDir,
  type Finished,
} from '../helpers/embedded-dir';
import { sleep, waitUntil, wsClient } from '../helpers/event-subscribers';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';
import { TEST_SECRET, testConfig } from '../helpers/test-hub';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

let db: TestDatabase;
let dbConfig: DatabaseConfig;
/** What the command line needs to reach the same database. */
let dbEnv: Record<string, string>;
let personId: string;
let manifestPath: string;
/** The manifest the client preset wrote: `sha256:<hex>` → document. */
let manifest: Record<string, string>;
const ids: Record<string, string> = {};

function idOf(operation: string): string {
  const id = ids[operation];
  if (!id) throw new Error(`no ${operation} in the manifest: ${JSON.stringify(manifest)}`);
  return id;
}

/** The real `graphql-codegen` with the fixture config, into a temporary folder. */
function runCodegen(out: string): Promise<Finished> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/@graphql-codegen/cli/cjs/bin.js'),
      '--config',
      'test/fixtures/documents/codegen.ts',
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, CODEGEN_OUT: `${out}/` } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

function documents(...args: string[]): Promise<Finished> {
  return runScript('scripts/documents.ts', args, dbEnv);
}

function expectExit(run: Finished, code: number): void {
  if (run.code !== code)
    throw new Error(`exit ${run.code}, expected ${code}\n${run.stdout}\n${run.stderr}`);
}

function writeManifest(name: string, content: unknown): string {
  const path = join(temporaryDir('hub-manifest-'), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

beforeAll(async () => {
  // 1. The manifest, as a front-end's build makes it.
  const out = temporaryDir('hub-codegen-');
  const codegen = await runCodegen(out);
  if (codegen.code !== 0) throw new Error(`codegen failed:\n${codegen.stdout}\n${codegen.stderr}`);
  manifestPath = join(out, 'persisted-documents.json');
  manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>;
  for (const [id, text] of Object.entries(manifest)) {
    const name = /^(?:fragment [^{]*\{[^}]*\} )*(?:query|mutation|subscription) (\w+)/.exec(text);
    if (name) ids[name[1]] = id;
  }

  // 2. A migrated database with reference data and one Skärholmen person.
  if (onPostgresServer) {
    db = await createTestDatabase();
    dbConfig = db.config;
    dbEnv = { DATABASE_URL: db.url as string };
  } else {
    const dir = join(temporaryDir(), 'data');
    dbConfig = { kind: 'pglite', dataDir: dir };
    db = { config: dbConfig, drop: () => Promise.resolve() };
    dbEnv = { PGLITE_DATA_DIR: dir };
  }
  const ds = createDataSource(dbConfig);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    await loadReferenceData(ds, bundledReferenceFiles());
    [{ id: personId }] = await insertPersons(ds, [fullSkarholmenPerson()]);
  } finally {
    await ds.destroy();
  }
});

afterEach(() => killLeftoverScripts());

afterAll(async () => {
  await db?.drop();
  removeTemporaryDirs();
});

test('the client preset writes sha256:<hex of the document text> keys', () => {
  expect(Object.keys(ids).sort()).toEqual(
    ['CreateReferral', 'Districts', 'ReferralEvents', 'Viewer'].sort(),
  );
  for (const [id, text] of Object.entries(manifest)) {
    expect(id).toBe(`sha256:${createHash('sha256').update(text).digest('hex')}`);
  }
});

describe('npm run documents (no hub running)', () => {
  test('register stores the manifest as a client version; again changes nothing', async () => {
    const first = await documents(
      'register',
      '--client',
      'web',
      '--version',
      '1.0.0',
      manifestPath,
    );
    expectExit(first, 0);
    expect(first.stdout).toMatch(/registered 4 document\(s\) for web 1\.0\.0 .*4 new to the hub/);
    const again = await documents(
      'register',
      '--client',
      'web',
      '--version',
      '1.0.0',
      manifestPath,
    );
    expectExit(again, 0);
    expect(again.stdout).toMatch(/registered 4 document\(s\) .*0 new to the hub/);
  });

  test('the same documents in another client and version are fine; remove takes one', async () => {
    expectExit(
      await documents('register', '--client', 'admin-web', '--version', '7', manifestPath),
      0,
    );
    const listed = await documents('list');
    expectExit(listed, 0);
    expect(listed.stdout).toMatch(/^admin-web\s+7\s+4\s/m);
    expect(listed.stdout).toMatch(/^web\s+1\.0\.0\s+4\s/m);
    const removed = await documents('remove', '--client', 'admin-web');
    expectExit(removed, 0);
    expect(removed.stdout).toContain('removed 4');
    expectExit(await documents('remove', '--client', 'admin-web'), 4);
  });

  test('bad manifests are refused, naming the entry, and nothing is stored', async () => {
    const [firstId, firstText] = Object.entries(manifest)[0];
    const tampered = writeManifest('tampered.json', {
      ...manifest,
      [firstId]: firstText.replace(/\bid\b/, 'id status'),
    });
    const invalidText = '{ viewer { role noSuchField } }';
    const invalidId = `sha256:${createHash('sha256').update(invalidText).digest('hex')}`;
    const invalid = writeManifest('invalid.json', { ...manifest, [invalidId]: invalidText });
    const notJson = writeManifest('broken.json', '{"sha256:ab": ');

    const runs = {
      tampered: await documents('register', '--client', 'bad', '--version', '1', tampered),
      invalid: await documents('register', '--client', 'bad', '--version', '2', invalid),
      notJson: await documents('register', '--client', 'bad', '--version', '3', notJson),
    };
    for (const run of Object.values(runs)) expectExit(run, 3);
    expect(runs.tampered.stderr).toContain(`${firstId}: the id is not the sha256 of its document`);
    expect(runs.invalid.stderr).toContain(`${invalidId}: invalid against the hub's schema`);
    expect(runs.invalid.stderr).toContain('noSuchField');
    expect(runs.notJson.stderr).toContain('not valid JSON');

    const listed = await documents('list');
    expectExit(listed, 0);
    expect(listed.stdout).not.toMatch(/^bad\s/m);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2); // header and web 1.0.0
  });

  test('usage errors exit 2', async () => {
    const missingVersion = await documents('register', '--client', 'web', manifestPath);
    expectExit(missingVersion, 2);
    expect(missingVersion.stderr).toContain('--version is required');
  });
});

interface RunningHub {
  hub: Hub;
  url: string;
  clients: Client[];
  stop(): Promise<void>;
}

async function startHub(env: Record<string, string>): Promise<RunningHub> {
  const config = testConfig(db, { TRUSTED_DOCUMENTS_CACHE_TTL_S: '1', ...env });
  const hub = new Hub(config, { logger: createLogger(config.logLevel) });
  await hub.start();
  const clients: Client[] = [];
  return {
    hub,
    url: hub.url,
    clients,
    async stop() {
      for (const c of clients.splice(0)) await c.dispose();
      await hub.stop();
    },
  };
}

const token = (role: string, org: string) => makeToken(TEST_SECRET, { role, org });

interface HttpAnswer {
  status: number;
  body: FormattedExecutionResult<Record<string, unknown>>;
}

async function post(h: RunningHub, body: unknown, bearer?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${h.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HttpAnswer['body'] };
}

async function get(h: RunningHub, params: Record<string, string>, bearer?: string) {
  const headers: Record<string, string> = { 'apollo-require-preflight': 'true' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${h.url}/graphql?${new URLSearchParams(params).toString()}`, {
    headers,
  });
  return { status: res.status, body: (await res.json()) as HttpAnswer['body'] };
}

const codes = (a: { errors?: readonly { extensions?: Record<string, unknown> }[] }) =>
  (a.errors ?? []).map((e) => e.extensions?.code);

/** One subscribe message with any payload; resolves with the first result or error. */
function subscribeOnce(
  client: Client,
  payload: Record<string, unknown>,
  onFirst?: () => Promise<unknown>,
): Promise<{ data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }> {
  return new Promise((resolve, reject) => {
    let dispose: () => void = () => undefined;
    dispose = client.subscribe(payload as unknown as SubscribePayload, {
      next: (result) => {
        dispose();
        resolve(result);
      },
      error: (err) => {
        if (Array.isArray(err)) resolve({ errors: err as never });
        else reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      },
      complete: () => undefined,
    });
    void onFirst?.().catch(reject);
  });
}

function createReferralVariables() {
  return {
    input: {
      personId,
      targetGroup: 'ARBETSLOS',
      supportBarrier: '02',
      firstAppointmentAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
    },
  };
}

/**
 * Subscribes to ReferralEvents by id, then creates a referral by id over HTTP and waits for
 * its event: the subscription runs, not merely is accepted.
 */
async function subscriptionByIdReceivesEvent(h: RunningHub, caseworker: string) {
  // The receiving job centre's coach sees the referral's events.
  const client = wsClient(h.url, await token('JOB_CENTRE_COACH', 'jobbtorg-sydvast'));
  h.clients.push(client);
  const received: unknown[] = [];
  const failures: unknown[] = [];
  client.subscribe(
    { query: '', documentId: idOf('ReferralEvents'), variables: {} } as unknown as SubscribePayload,
    {
      next: (r) => received.push(r),
      error: (e) => failures.push(e),
      complete: () => undefined,
    },
  );
  // The subscription is registered with the dispatcher before the mutation commits.
  await waitUntil(
    async () => /^hub_event_subscribers 1/m.test(await (await fetch(`${h.url}/metrics`)).text()),
    () => `no open subscription; failures ${JSON.stringify(failures)}`,
  );
  const created = await post(
    h,
    { documentId: idOf('CreateReferral'), variables: createReferralVariables() },
    caseworker,
  );
  expect(created.body.errors).toBeUndefined();
  const referral = (created.body.data as { createReferral: { id: string; status: string } })
    .createReferral;
  expect(referral.status).toBe('SENT');
  await waitUntil(
    () => received.length > 0 || failures.length > 0,
    () => 'no event',
  );
  expect(failures).toEqual([]);
  expect(received[0]).toEqual({
    data: {
      referralEvents: { id: expect.any(String), type: 'REFERRAL_SENT', referralId: referral.id },
    },
  });
}

describe('TRUSTED_DOCUMENTS=allow (the default)', () => {
  let h: RunningHub;
  let caseworker: string;
  beforeAll(async () => {
    h = await startHub({});
    caseworker = await token('DISTRICT_CASEWORKER', 'skarholmen');
  });
  afterAll(async () => h?.stop());

  test('each query of the manifest runs by documentId over HTTP', async () => {
    const viewer = await post(h, { documentId: idOf('Viewer') }, caseworker);
    expect(viewer).toEqual({
      status: 200,
      body: {
        data: {
          viewer: {
            authenticated: true,
            role: 'DISTRICT_CASEWORKER',
            organisation: { id: 'skarholmen', name: expect.any(String) },
          },
        },
      },
    });
    const districts = await post(h, {
      documentId: idOf('Districts'),
      variables: { kind: 'DISTRICT' },
    });
    expect(districts.status).toBe(200);
    const list = (districts.body.data as { organisations: { id: string }[] }).organisations;
    expect(list).toHaveLength(13);
    expect(list).toContainEqual({
      id: 'skarholmen',
      name: expect.any(String),
      defaultJobCentre: { id: 'jobbtorg-sydvast' },
    });
  });

  test('the subscription runs by id over graphql-ws, fed by the mutation by id', async () => {
    await subscriptionByIdReceivesEvent(h, caseworker);
  });

  test('bare hex, Apollo sha256Hash and GET name the same document', async () => {
    const hex = idOf('Viewer').slice('sha256:'.length);
    const expected = { viewer: expect.objectContaining({ authenticated: false, role: null }) };
    const bare = await post(h, { documentId: hex });
    expect(bare.body.data).toEqual(expected);
    const apollo = await post(h, {
      extensions: { persistedQuery: { version: 1, sha256Hash: hex } },
    });
    expect(apollo.body.data).toEqual(expected);
    const viaGet = await get(h, { documentId: idOf('Viewer') });
    expect(viaGet).toEqual({ status: 200, body: { data: expected } });
    // The registered text sent along with its own id runs too.
    const both = await post(h, { documentId: idOf('Viewer'), query: manifest[idOf('Viewer')] });
    expect(both.body.data).toEqual(expected);
  });

  test('plain documents run', async () => {
    const plain = await post(h, { query: '{ viewer { authenticated } }' });
    expect(plain).toEqual({ status: 200, body: { data: { viewer: { authenticated: false } } } });
  });

  test('an unknown id is PERSISTED_DOCUMENT_NOT_FOUND (404), over HTTP and WS', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;
    const http = await post(h, { documentId: unknown });
    expect(http.status).toBe(404);
    expect(codes(http.body)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(http.body.data).toBeUndefined();
    const apollo = await post(h, {
      extensions: { persistedQuery: { version: 1, sha256Hash: '1'.repeat(64) } },
    });
    expect([apollo.status, codes(apollo.body)]).toEqual([404, ['PERSISTED_DOCUMENT_NOT_FOUND']]);
    const viaGet = await get(h, { documentId: unknown });
    expect([viaGet.status, codes(viaGet.body)]).toEqual([404, ['PERSISTED_DOCUMENT_NOT_FOUND']]);

    const client = wsClient(h.url, caseworker);
    h.clients.push(client);
    const ws = await subscribeOnce(client, { query: '', documentId: unknown });
    expect(codes(ws)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  test('a query whose hash is not its id is BAD_REQUEST (400), over HTTP and WS', async () => {
    // The registered Viewer id with another document: someone editing a registered operation.
    const tampered = { documentId: idOf('Viewer'), query: '{ organisations { id name } }' };
    const http = await post(h, tampered);
    expect([http.status, codes(http.body)]).toEqual([400, ['BAD_REQUEST']]);
    expect(http.body.data).toBeUndefined();
    const apollo = await post(h, {
      query: '{ organisations { id name } }',
      extensions: {
        persistedQuery: { version: 1, sha256Hash: idOf('Viewer').slice('sha256:'.length) },
      },
    });
    expect([apollo.status, codes(apollo.body)]).toEqual([400, ['BAD_REQUEST']]);
    const malformed = await post(h, { documentId: 'sha256:not-hex' });
    expect([malformed.status, codes(malformed.body)]).toEqual([400, ['BAD_REQUEST']]);

    const client = wsClient(h.url, caseworker);
    h.clients.push(client);
    const ws = await subscribeOnce(client, tampered);
    expect(codes(ws)).toEqual(['BAD_REQUEST']);
  });

  test('a removed version stops running within the cache time (PostgreSQL: the command runs beside the hub)', async () => {
    if (!onPostgresServer) {
      // The embedded database is locked while the hub runs: the command refuses (75).
      const refused = await documents('list');
      expectExit(refused, 75);
      expect(refused.stderr).toContain('in use');
      return;
    }
    expectExit(await documents('register', '--client', 'temp', '--version', '1', manifestPath), 0);
    expectExit(await documents('remove', '--client', 'web', '--version', '1.0.0'), 0);
    // Still registered by `temp`: runs.
    await sleep(1100);
    expect((await post(h, { documentId: idOf('Viewer') })).status).toBe(200);
    expectExit(await documents('remove', '--client', 'temp'), 0);
    await waitUntil(
      async () => (await post(h, { documentId: idOf('Viewer') })).status === 404,
      () => 'still served after removal',
      5000,
      200,
    );
    // Registered again for the modes below.
    expectExit(
      await documents('register', '--client', 'web', '--version', '1.0.0', manifestPath),
      0,
    );
    expect((await post(h, { documentId: idOf('Viewer') })).status).toBe(200);
  });
});

describe('TRUSTED_DOCUMENTS=require, PARTNER_SYSTEM exempt', () => {
  let h: RunningHub;
  let caseworker: string;
  let partner: string;
  beforeAll(async () => {
    h = await startHub({
      TRUSTED_DOCUMENTS: 'require',
      TRUSTED_DOCUMENTS_EXEMPT_ROLES: 'PARTNER_SYSTEM',
    });
    caseworker = await token('DISTRICT_CASEWORKER', 'skarholmen');
    partner = await token('PARTNER_SYSTEM', 'skarholmen');
  });
  afterAll(async () => h?.stop());

  test('plain documents are PERSISTED_DOCUMENT_REQUIRED (400) over HTTP, with or without a token', async () => {
    for (const bearer of [caseworker, undefined, 'not-a-valid-token']) {
      const plain = await post(h, { query: '{ viewer { authenticated } }' }, bearer);
      expect([plain.status, codes(plain.body)]).toEqual([400, ['PERSISTED_DOCUMENT_REQUIRED']]);
      expect(plain.body.data).toBeUndefined();
    }
    const viaGet = await get(h, { query: '{ viewer { authenticated } }' }, caseworker);
    expect([viaGet.status, codes(viaGet.body)]).toEqual([400, ['PERSISTED_DOCUMENT_REQUIRED']]);
    // An unregistered query with its own correct hash is not a way around it.
    const text = '{ viewer { role } }';
    const selfHashed = await post(
      h,
      { query: text, documentId: createHash('sha256').update(text).digest('hex') },
      caseworker,
    );
    expect([selfHashed.status, codes(selfHashed.body)]).toEqual([
      404,
      ['PERSISTED_DOCUMENT_NOT_FOUND'],
    ]);
  });

  test('plain documents are refused over graphql-ws', async () => {
    const client = wsClient(h.url, caseworker);
    h.clients.push(client);
    const ws = await subscribeOnce(client, { query: '{ viewer { role } }' });
    expect(codes(ws)).toEqual(['PERSISTED_DOCUMENT_REQUIRED']);
    expect(ws.data).toBeUndefined();
  });

  test('registered ids run over HTTP and graphql-ws', async () => {
    const viewer = await post(h, { documentId: idOf('Viewer') }, caseworker);
    expect(viewer.status).toBe(200);
    expect(viewer.body.data).toEqual({
      viewer: expect.objectContaining({ role: 'DISTRICT_CASEWORKER' }),
    });
    await subscriptionByIdReceivesEvent(h, caseworker);
  });

  test('an unknown id and a tampered hash are refused over HTTP and WS', async () => {
    const unknown = await post(h, { documentId: `sha256:${'a'.repeat(64)}` }, caseworker);
    expect([unknown.status, codes(unknown.body)]).toEqual([404, ['PERSISTED_DOCUMENT_NOT_FOUND']]);
    const tampered = await post(
      h,
      { documentId: idOf('Viewer'), query: '{ viewer { role sub } }' },
      caseworker,
    );
    expect([tampered.status, codes(tampered.body)]).toEqual([400, ['BAD_REQUEST']]);
    const client = wsClient(h.url, caseworker);
    h.clients.push(client);
    expect(
      codes(await subscribeOnce(client, { query: '', documentId: `sha256:${'a'.repeat(64)}` })),
    ).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(
      codes(
        await subscribeOnce(client, {
          query: '{ viewer { role sub } }',
          documentId: idOf('Viewer'),
        }),
      ),
    ).toEqual(['BAD_REQUEST']);
  });

  test('the exempt role (from its verified token) runs plain documents on both transports', async () => {
    const http = await post(h, { query: '{ viewer { role } }' }, partner);
    expect(http).toEqual({ status: 200, body: { data: { viewer: { role: 'PARTNER_SYSTEM' } } } });
    const client = wsClient(h.url, partner);
    h.clients.push(client);
    const ws = await subscribeOnce(client, { query: '{ viewer { role } }' });
    expect(ws).toEqual({ data: { viewer: { role: 'PARTNER_SYSTEM' } } });
  });

  test('the playground says that require is in force and who it works for', async () => {
    const res = await fetch(`${h.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('TRUSTED_DOCUMENTS=require is in force');
    expect(html).toContain('only with a token of an exempt role (PARTNER_SYSTEM)');
  });
});

describe('TRUSTED_DOCUMENTS=off', () => {
  let h: RunningHub;
  beforeAll(async () => {
    h = await startHub({ TRUSTED_DOCUMENTS: 'off' });
  });
  afterAll(async () => h?.stop());

  test('ids are ignored: a registered id alone runs nothing, a query runs whatever id it carries', async () => {
    const byId = await post(h, { documentId: idOf('Viewer') });
    expect(byId.status).toBe(400);
    expect(codes(byId.body)).toEqual(['BAD_REQUEST']);
    expect(byId.body.data).toBeUndefined();
    const withOtherId = await post(h, {
      documentId: idOf('Viewer'),
      query: '{ viewer { authenticated } }',
    });
    expect(withOtherId).toEqual({
      status: 200,
      body: { data: { viewer: { authenticated: false } } },
    });
    const client = wsClient(h.url);
    h.clients.push(client);
    const ws = await subscribeOnce(client, { query: '', documentId: idOf('Viewer') });
    expect(codes(ws)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  test('the playground shows no banner', async () => {
    const html = await (
      await fetch(`${h.url}/graphql`, { headers: { accept: 'text/html' } })
    ).text();
    expect(html).not.toContain('TRUSTED_DOCUMENTS=require');
  });
});
