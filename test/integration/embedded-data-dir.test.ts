/**
 * The embedded database's data directory, in process: the lock (one opener at a time, the
 * holder named, released on close), the message for a directory that will not open, and
 * backup, restore and reset. The same through real processes: test/e2e/embedded-data-dir.
 * Embedded only: nothing here reads DATABASE_URL, so the PostgreSQL run skips it.
 */
import { existsSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  DataDirLockedError,
  DataDirUnusableError,
  EXIT_DATA_DIR_LOCKED,
  EXIT_DATA_DIR_UNUSABLE,
  dataCommand,
} from '../../src/db/data-dir-errors';
import { LOCK_FILE_NAME, lockDataDir } from '../../src/db/data-dir-lock';
import {
  MaintenanceError,
  asidePath,
  backupDataDir,
  resetDataDir,
  restoreDataDir,
} from '../../src/db/data-dir-maintenance';
import { createDataSource } from '../../src/db/data-source';
import { onPostgresServer } from '../helpers/database';
import {
  copyDataDir,
  makeTemplateDataDir,
  fileDigests,
  removeTemporaryDirs,
  temporaryDir,
} from '../helpers/embedded-dir';
import { fullSkarholmenPerson, insertPersons } from '../helpers/person-fixture';

const describeEmbedded = onPostgresServer ? describe.skip : describe;

describeEmbedded('the embedded data directory', () => {
  let template: { dir: string; personId: string };

  beforeAll(async () => {
    template = await makeTemplateDataDir();
  }, 120_000);
  afterAll(removeTemporaryDirs);

  async function personCount(dir: string): Promise<number> {
    const ds = createDataSource({ kind: 'pglite', dataDir: dir });
    await ds.initialize();
    try {
      const [{ n }] = await ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM person');
      return n;
    } finally {
      await ds.destroy();
    }
  }

  test('one holder at a time; the refusal names the directory and the holder', () => {
    const dir = join(temporaryDir(), 'data');
    const first = lockDataDir(dir);
    try {
      const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as {
        pid: number;
      };
      expect(holder.pid).toBe(process.pid);
      let refusal: unknown;
      try {
        lockDataDir(dir);
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(DataDirLockedError);
      const locked = refusal as DataDirLockedError;
      expect(locked.exitCode).toBe(EXIT_DATA_DIR_LOCKED);
      expect(locked.holder?.pid).toBe(process.pid);
      expect(locked.message).toContain(dir);
      expect(locked.message).toContain(`process ${process.pid}`);
    } finally {
      first.release();
    }
    // Released: the next one gets it, and release is idempotent.
    const again = lockDataDir(dir);
    again.release();
    again.release();
  });

  test('a second DataSource on an open directory is refused; the first is unharmed', async () => {
    const dir = copyDataDir(template.dir);
    const first = createDataSource({ kind: 'pglite', dataDir: dir });
    await first.initialize();
    try {
      const second = createDataSource({ kind: 'pglite', dataDir: dir });
      await expect(second.initialize()).rejects.toBeInstanceOf(DataDirLockedError);
      const [{ n }] = await first.query<{ n: number }[]>('SELECT count(*)::int AS n FROM person');
      expect(n).toBe(1);
    } finally {
      await first.destroy();
    }
    // destroy() dropped the lock: the directory opens again, data intact.
    expect(await personCount(dir)).toBe(1);
  }, 60_000);

  test('a damaged directory gets a message that says what to do, and is left as it was', async () => {
    const dir = copyDataDir(template.dir);
    truncateSync(join(dir, 'global', 'pg_control'), 0);
    const before = fileDigests(dir);
    const ds = createDataSource({ kind: 'pglite', dataDir: dir });
    let failure: unknown;
    try {
      await ds.initialize();
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(DataDirUnusableError);
    const unusable = failure as DataDirUnusableError;
    expect(unusable.exitCode).toBe(EXIT_DATA_DIR_UNUSABLE);
    expect(unusable.reason).toBe('damaged');
    expect(unusable.message).toContain(dir);
    expect(unusable.message).toContain('Aborted()');
    expect(unusable.message).toContain(dataCommand(dir, 'data:reset'));
    expect(unusable.message).toContain(dataCommand(dir, 'data:restore -- <backup file>'));
    expect(fileDigests(dir)).toEqual(before);
    // The failed open let go of the lock: data:reset can take it.
    lockDataDir(dir).release();
  }, 60_000);

  test('backup, then restore: the backup state comes back, the replaced directory is kept aside', async () => {
    const dir = copyDataDir(template.dir);
    const backup = join(temporaryDir(), 'hub.tar.gz');
    const result = await backupDataDir(dir, backup);
    expect(result.bytes).toBeGreaterThan(0);
    // A backup is never overwritten.
    await expect(backupDataDir(dir, backup)).rejects.toBeInstanceOf(MaintenanceError);

    // A change after the backup …
    const ds = createDataSource({ kind: 'pglite', dataDir: dir });
    await ds.initialize();
    await insertPersons(ds, [fullSkarholmenPerson()]);
    await ds.destroy();
    expect(await personCount(dir)).toBe(2);

    // … is undone by the restore; the directory it replaced is beside it, intact.
    const restored = await restoreDataDir(dir, backup);
    expect(restored.movedAside).toMatch(/\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(await personCount(dir)).toBe(1);
    expect(await personCount(restored.movedAside!)).toBe(2);
    // No staging folder is left behind.
    expect(readdirSync(dirname(dir)).filter((n) => n.includes('.restoring-'))).toEqual([]);
  }, 120_000);

  test('restore into a directory that does not exist yet', async () => {
    const backup = join(temporaryDir(), 'hub.tar.gz');
    await backupDataDir(copyDataDir(template.dir), backup);
    const dir = join(temporaryDir(), 'fresh', 'data');
    const restored = await restoreDataDir(dir, backup);
    expect(restored.movedAside).toBeUndefined();
    expect(await personCount(dir)).toBe(1);
  }, 120_000);

  test('a file that is not a backup is refused and nothing changes', async () => {
    const dir = copyDataDir(template.dir);
    const junk = join(temporaryDir(), 'not-a-backup.tar.gz');
    writeFileSync(junk, 'this is not a tarball');
    await expect(restoreDataDir(dir, junk)).rejects.toThrow(/could not be restored/);
    expect(readdirSync(dirname(dir))).toEqual([basename(dir)]);
    expect(await personCount(dir)).toBe(1);
  }, 60_000);

  test('backup and restore are refused while the directory is held', async () => {
    const dir = copyDataDir(template.dir);
    const backup = join(temporaryDir(), 'hub.tar.gz');
    const held = lockDataDir(dir);
    try {
      await expect(backupDataDir(dir, backup)).rejects.toBeInstanceOf(DataDirLockedError);
      expect(existsSync(backup)).toBe(false);
      writeFileSync(backup, 'whatever');
      await expect(restoreDataDir(dir, backup)).rejects.toBeInstanceOf(DataDirLockedError);
      expect(() => resetDataDir(dir)).toThrow(DataDirLockedError);
    } finally {
      held.release();
    }
    expect(readdirSync(dirname(dir))).toEqual([basename(dir)]);
  }, 60_000);

  test('reset moves the directory aside (renamed, not deleted), leaving nothing to open', () => {
    const dir = copyDataDir(template.dir);
    const result = resetDataDir(dir);
    expect(result.movedAside).toMatch(/\/data\.reset-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(result.movedAside!, 'PG_VERSION'))).toBe(true);
    // Nothing there: nothing to move.
    expect(resetDataDir(dir).movedAside).toBeUndefined();
  });

  test('asidePath never reuses a name, and the command lines quote odd directories', () => {
    const dir = join(temporaryDir(), 'data');
    const at = new Date('2026-12-02T10:15:00.123Z');
    const first = asidePath(dir, 'reset', at);
    expect(first).toBe(`${dir}.reset-2026-12-02T10-15-00Z`);
    writeFileSync(first, '');
    expect(asidePath(dir, 'reset', at)).toBe(`${first}-2`);
    expect(dataCommand('/srv/hub/data', 'data:reset')).toBe(
      'PGLITE_DATA_DIR=/srv/hub/data npm run data:reset',
    );
    expect(dataCommand("/srv/my hub's/data", 'data:reset')).toBe(
      `PGLITE_DATA_DIR='/srv/my hub'\\''s/data' npm run data:reset`,
    );
  });
});
