/**
 * Starts a real hub on 127.0.0.1 port 0 with a throwaway database, and gives tests a
 * GraphQL-over-HTTP helper and tokens. Always `await stop()` (afterAll).
 */
import { loadConfig, type Config } from '../../src/config';
import type { DataSourceOptions } from '../../src/db/data-source';
import { createLogger } from '../../src/observability/logger';
import { Hub, type HubOptions } from '../../src/server';
import { makeToken, type TokenRequest } from '../../scripts/token';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
  };
}

export interface TestHub {
  hub: Hub;
  url: string;
  db: TestDatabase;
  token(req: TokenRequest): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    options?: {
      variables?: Record<string, unknown>;
      token?: string;
      headers?: Record<string, string>;
    },
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: TEST_SECRET,
    SHUTDOWN_GRACE_MS: '2000',
    DEMO_DATA: 'off',
    // On a server, the database settings as the hub reads them (pipelined source reads…).
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...env,
  });
  return db.url ? config : { ...config, database: db.config };
}

export async function startTestHub(
  env: Record<string, string> = {},
  dataSourceOptions?: DataSourceOptions,
  connectors?: HubOptions['connectors'],
): Promise<TestHub> {
  const db = await createTestDatabase();
  const config = testConfig(db, env);
  const hub = new Hub(config, {
    logger: createLogger(config.logLevel),
    dataSourceOptions,
    connectors,
  });
  await hub.start();
  const url = hub.url;
  return {
    hub,
    url,
    db,
    token: (req) => makeToken(TEST_SECRET, req),
    async gql(query, options = {}) {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...options.headers,
      };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables: options.variables }),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as GraphQLResponse['body'],
      } as never;
    },
    async stop() {
      await hub.stop();
      await db.drop();
    },
  };
}
