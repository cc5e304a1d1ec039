/**
 * The playground over HTTP: the IDE page and its packaged assets, the development token
 * endpoint (and its absence in production), and the example operations staying valid
 * against the schema. The browser test is in playground-browser.test.ts.
 */
import { parse, validate } from 'graphql';
import { PLAYGROUND_EXAMPLES } from '../../src/http/playground/examples';
import { buildHubSchema } from '../../src/schema';
import { startTestHub, type TestHub } from '../helpers/test-hub';

test('the example operations parse and validate against the schema', () => {
  const doc = parse(PLAYGROUND_EXAMPLES);
  expect(validate(buildHubSchema(), doc)).toEqual([]);
  const names = doc.definitions.map((d) => ('name' in d ? d.name?.value : undefined));
  expect(names).toEqual(
    expect.arrayContaining([
      'CoachCaseload',
      'CaseworkerReferral',
      'JobGuarantee',
      'PartnerEvents',
    ]),
  );
});

describe('outside production', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  }, 60000);
  afterAll(() => t.stop());

  test('GET /graphql from a browser serves the IDE; its assets come from this server', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('samverkan-hub playground');
    expect(html).toContain('hub-token-bar');
    // Every script and stylesheet is a local path: nothing from a CDN.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^\/playground\/static\//);
    const asset = await fetch(`${t.url}/playground/static/ruru.js`);
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // A GraphQL client's POST is untouched.
    const q = await t.gql<{ viewer: { role: string | null } }>('{ viewer { role } }');
    expect(q.body.data?.viewer.role).toBeNull();
  });

  test('POST /dev/token mints a token the hub accepts, and refuses a role that does not fit', async () => {
    const res = await fetch(`${t.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', sub: 'ide-user' }),
    });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const viewer = await t.gql<{ viewer: { sub: string; role: string } }>(
      '{ viewer { sub role } }',
      {
        token,
      },
    );
    expect(viewer.body.data?.viewer).toEqual({ sub: 'ide-user', role: 'JOB_CENTRE_COACH' });
    const bad = await fetch(`${t.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'JOB_CENTRE_COACH', org: 'skarholmen' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/does not fit/);
  });
});

describe('in production', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ NODE_ENV: 'production' });
  }, 60000);
  afterAll(() => t.stop());

  test('no IDE and no token endpoint: /dev/token does not exist', async () => {
    const token = await fetch(`${t.url}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'ADMIN', org: 'stadsledningskontoret' }),
    });
    expect(token.status).toBe(404);
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('samverkan-hub playground');
    const asset = await fetch(`${t.url}/playground/static/ruru.js`);
    expect(asset.status).toBe(404);
  });
});

test('PLAYGROUND=off turns the IDE off outside production too', async () => {
  const t = await startTestHub({ PLAYGROUND: 'off' });
  try {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('samverkan-hub playground');
    const token = await fetch(`${t.url}/dev/token`, { method: 'POST' });
    expect(token.status).toBe(404);
  } finally {
    await t.stop();
  }
}, 60000);
