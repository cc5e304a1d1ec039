/**
 * Two hubs on one embedded data directory must never both open it (issue 20: they did, and
 * the directory never opened again). With real processes: a second hub, a seed run, the
 * TypeORM CLI and a backup against a running hub's directory are refused with exit 75 and a
 * message naming the directory and the holder, while the first hub keeps serving; a
 * refused process changes no file; a SIGKILLed hub's lock is free at once and the restart
 * finds the referral made before the kill; a backup restored with `data:restore` brings its
 * data back; a damaged directory gets exit 65 and a message with what to do, and
 * `data:reset` moves it aside so the hub starts afresh.
 * Embedded only (the PostgreSQL run skips it): every process here uses PGLITE_DATA_DIR.
 */
import { existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeToken } from '../../scripts/token';
import { EXIT_DATA_DIR_LOCKED, EXIT_DATA_DIR_UNUSABLE } from '../../src/db/data-dir-errors';
import { lockDataDir } from '../../src/db/data-dir-lock';
import { onPostgresServer } from '../helpers/database';
import {
  copyDataDir,
  fileDigests,
  killLeftoverScripts,
  makeTemplateDataDir,
  removeTemporaryDirs,
  runScript,
  temporaryDir,
  type Finished,
} from '../helpers/embedded-dir';
import {
  killLeftoverProcesses,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process';
import { TEST_SECRET } from '../helpers/test-hub';

const describeEmbedded = onPostgresServer ? describe.skip : describe;

afterEach(() => {
  killLeftoverProcesses();
  killLeftoverScripts();
});

interface GraphQLBody {
  data?: Record<string, { id: string; status?: string } | null>;
  errors?: { message: string }[];
}

async function gql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLBody> {
  const token = await makeToken(TEST_SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLBody;
}

async function createReferral(url: string, personId: string): Promise<string> {
  const body = await gql(
    url,
    'mutation ($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
    {
      i: {
        personId,
        targetGroup: 'ARBETSLOS',
        supportBarrier: '02',
        firstAppointmentAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    },
  );
  expect(body.errors).toBeUndefined();
  return body.data!.createReferral!.id;
}

async function referralStatus(url: string, id: string): Promise<string | undefined> {
  const body = await gql(url, 'query ($id: ID!) { referral(id: $id) { id status } }', { id });
  expect(body.errors).toBeUndefined();
  return body.data?.referral?.status;
}

async function stop(proc: ServerProcess): Promise<number | null> {
  proc.child.kill('SIGTERM');
  return proc.exited;
}

/** A refusal: its exit code, and one message naming the directory, without a stack. */
function expectRefused(run: Finished, code: number, dir: string): void {
  expect({ code: run.code, stderr: run.stderr }).toEqual({
    code,
    stderr: expect.stringContaining(dir) as unknown,
  });
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describeEmbedded('an embedded data directory has one user at a time', () => {
  let template: { dir: string; personId: string };

  beforeAll(async () => {
    template = await makeTemplateDataDir();
  }, 120_000);
  afterAll(removeTemporaryDirs);

  test('a second hub, a seed run, the TypeORM CLI and a backup are refused while the first hub serves on', async () => {
    const dir = copyDataDir(template.dir);
    const first = await startServerProcess({ PGLITE_DATA_DIR: dir });
    try {
      const referral = await createReferral(first.url, template.personId);
      const holder = `process ${first.child.pid}`;

      const second = await runScript('src/index.ts', [], { PGLITE_DATA_DIR: dir });
      expectRefused(second, EXIT_DATA_DIR_LOCKED, dir);
      expect(second.stderr).toContain(holder);
      expect(second.stderr).toContain('in use by');
      // Its log says why too, as a fatal line with the code, and it never listened.
      expect(second.stdout).toContain('"code":"DATA_DIR_LOCKED"');
      expect(second.stdout).not.toContain('listening');

      const seed = await runScript('scripts/seed.ts', ['--persons', '3'], {
        PGLITE_DATA_DIR: dir,
      });
      expectRefused(seed, EXIT_DATA_DIR_LOCKED, dir);
      expect(seed.stderr).toContain(holder);

      const cli = await runScript(
        'scripts/typeorm-cli.ts',
        ['-d', 'ormconfig.ts', 'migration:show'],
        { PGLITE_DATA_DIR: dir },
      );
      expectRefused(cli, EXIT_DATA_DIR_LOCKED, dir);
      expect(cli.stderr).toContain(holder);

      const backupFile = join(temporaryDir(), 'hub.tar.gz');
      const backup = await runScript('scripts/data.ts', ['backup', backupFile], {
        PGLITE_DATA_DIR: dir,
      });
      expectRefused(backup, EXIT_DATA_DIR_LOCKED, dir);
      expect(existsSync(backupFile)).toBe(false);

      // The first hub never noticed: it still reads and writes.
      expect(await referralStatus(first.url, referral)).toBe('SENT');
      await createReferral(first.url, template.personId);
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
      expect(await stop(first)).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }
    // And the directory opens again afterwards, with what the first hub wrote.
    const again = await startServerProcess({ PGLITE_DATA_DIR: dir });
    const body = await gql(again.url, '{ referrals(first: 10) { totalCount } }');
    expect(body.data?.referrals).toEqual({ totalCount: 2 });
    expect(await stop(again)).toBe(0);
  }, 240_000);

  test('a refused hub changes no file of the database', async () => {
    const dir = copyDataDir(template.dir);
    // Held by this process (the test), so nothing else writes while we compare.
    const held = lockDataDir(dir);
    try {
      const before = fileDigests(dir);
      const refused = await runScript('src/index.ts', [], { PGLITE_DATA_DIR: dir });
      expectRefused(refused, EXIT_DATA_DIR_LOCKED, dir);
      expect(refused.stderr).toContain(`process ${process.pid}`);
      expect(fileDigests(dir)).toEqual(before);
    } finally {
      held.release();
    }
  }, 120_000);

  test('after a SIGKILL the lock is free at once, and the restart has the data written before it', async () => {
    const dir = copyDataDir(template.dir);
    const hub = await startServerProcess({ PGLITE_DATA_DIR: dir });
    const referral = await createReferral(hub.url, template.personId);
    hub.child.kill('SIGKILL');
    expect(await hub.exited).toBeNull();

    // The kernel dropped the dead process's lock: taken without waiting for anything stale.
    const started = Date.now();
    lockDataDir(dir).release();
    expect(Date.now() - started).toBeLessThan(1000);

    const restarted = await startServerProcess({ PGLITE_DATA_DIR: dir });
    try {
      expect(await referralStatus(restarted.url, referral)).toBe('SENT');
      expect(await stop(restarted)).toBe(0);
    } finally {
      restarted.child.kill('SIGKILL');
    }
  }, 180_000);

  test('a backup restored with data:restore brings its data back; the replaced directory is kept', async () => {
    const dir = copyDataDir(template.dir);
    const hub = await startServerProcess({ PGLITE_DATA_DIR: dir });
    const kept = await createReferral(hub.url, template.personId);
    expect(await stop(hub)).toBe(0);

    const backupFile = join(temporaryDir(), 'hub.tar.gz');
    const backup = await runScript('scripts/data.ts', ['backup', backupFile], {
      PGLITE_DATA_DIR: dir,
    });
    expect(backup).toMatchObject({ code: 0 });
    // Personal data inside: readable by its owner only.
    expect(statSync(backupFile).mode & 0o077).toBe(0);

    // Lost after the backup: the directory is reset (moved aside) and begins empty.
    const reset = await runScript('scripts/data.ts', ['reset'], { PGLITE_DATA_DIR: dir });
    expect(reset).toMatchObject({ code: 0 });
    expect(existsSync(dir)).toBe(false);

    const restore = await runScript('scripts/data.ts', ['restore', backupFile], {
      PGLITE_DATA_DIR: dir,
    });
    expect(restore).toMatchObject({ code: 0 });
    const restored = await startServerProcess({ PGLITE_DATA_DIR: dir });
    try {
      expect(await referralStatus(restored.url, kept)).toBe('SENT');

      // Restoring over the directory of a running hub is refused, and changes nothing.
      const refused = await runScript('scripts/data.ts', ['restore', backupFile], {
        PGLITE_DATA_DIR: dir,
      });
      expectRefused(refused, EXIT_DATA_DIR_LOCKED, dir);
      expect(await referralStatus(restored.url, kept)).toBe('SENT');
      expect(await stop(restored)).toBe(0);
    } finally {
      restored.child.kill('SIGKILL');
    }
    // Nothing was deleted: the reset directory is still beside the restored one.
    expect(readdirSync(dirname(dir)).filter((n) => n.startsWith('data.reset-'))).toHaveLength(1);
  }, 240_000);

  test('a damaged directory: exit 65 and what to do; data:reset moves it aside and the hub starts afresh', async () => {
    const dir = copyDataDir(template.dir);
    // What two hubs on one directory left behind in issue 20: PGlite aborts on open.
    truncateSync(join(dir, 'global', 'pg_control'), 0);
    const before = fileDigests(dir);

    const broken = await runScript('src/index.ts', [], { PGLITE_DATA_DIR: dir });
    expectRefused(broken, EXIT_DATA_DIR_UNUSABLE, dir);
    expect(broken.stderr).toContain('could not be opened');
    expect(broken.stderr).toContain('npm run data:restore -- <backup file>');
    expect(broken.stderr).toContain('npm run data:reset');
    expect(broken.stdout).toContain('"code":"DATA_DIR_UNUSABLE"');
    expect(fileDigests(dir)).toEqual(before);

    const reset = await runScript('scripts/data.ts', ['reset'], { PGLITE_DATA_DIR: dir });
    expect(reset).toMatchObject({ code: 0 });
    const aside = readdirSync(dirname(dir)).filter((n) => n.startsWith('data.reset-'));
    expect(aside).toHaveLength(1);
    expect(reset.stdout).toContain(join(dirname(dir), aside[0]));
    // Moved, not deleted: the damaged files are all there, unchanged.
    expect(fileDigests(join(dirname(dir), aside[0]))).toEqual(before);

    const fresh = await startServerProcess({ PGLITE_DATA_DIR: dir });
    try {
      const body = await gql(fresh.url, '{ referrals(first: 1) { totalCount } }');
      expect(body.data?.referrals).toEqual({ totalCount: 0 });
      expect(await stop(fresh)).toBe(0);
    } finally {
      fresh.child.kill('SIGKILL');
    }
  }, 240_000);
});
