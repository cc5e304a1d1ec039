/**
 * Two instances starting at once on one fresh PostgreSQL database: one migrates and loads
 * reference data while the other waits (advisory locks); both come up. Server only.
 */
import { createLogger } from '../../src/observability/logger';
import { Hub } from '../../src/server';
import { createTestDatabase, onPostgresServer } from '../helpers/database';
import { testConfig } from '../helpers/test-hub';

const onServer = onPostgresServer ? test : test.skip;

onServer('two hubs start concurrently on an empty database', async () => {
  const db = await createTestDatabase();
  const hubs = [1, 2].map(() => new Hub(testConfig(db), { logger: createLogger('silent') }));
  try {
    await Promise.all(hubs.map((h) => h.start()));
    expect(hubs.map((h) => h.status)).toEqual(['running', 'running']);
    const [{ n }] = await hubs[0].dataSource.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM migrations',
    );
    expect(Number(n)).toBe(hubs[0].dataSource.migrations.length);
    for (const h of hubs) {
      const ready = await fetch(`${h.url}/readyz`);
      expect(ready.status).toBe(200);
    }
  } finally {
    await Promise.all(hubs.map((h) => h.stop()));
    await db.drop();
  }
});
