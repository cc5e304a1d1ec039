/**
 * Every environment variable the hub reads, parsed and validated once at start.
 * Nothing else in src/ reads process.env: pass the Config object instead.
 * A wrong value stops the start with a message that names the variable (never its value
 * when the variable is a secret).
 */
import { z } from 'zod';
import type { AgencyEndpoint } from './connectors/http/http-batch-client';
import type { ResilienceOptions } from './connectors/http/resilience';
import type { LastKnownOptions } from './connectors/last-known-status';

const DEV_SECRET = 'dev-only-insecure-secret-do-not-use-in-production';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be an integer between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  PGLITE_DATA_DIR: z.string().min(1).default('./data'),
  DB_POOL_SIZE: int(1, 200).default(10),
  MIGRATIONS_RUN: bool.default(true),
  AUTH_JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).optional(),
  AUTH_CLOCK_TOLERANCE_S: int(0, 300).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_GRACE_MS: int(0, 120000).default(10000),
  QUERY_MAX_DEPTH: int(1, 100).default(12),
  QUERY_MAX_ALIASES: int(0, 1000).default(15),
  QUERY_MAX_DIRECTIVES: int(0, 1000).default(20),
  QUERY_MAX_TOKENS: int(100, 1_000_000).default(3000),
  QUERY_MAX_COST: int(1, 10_000_000).default(10000),
  EVENT_POLL_INTERVAL_MS: int(50, 60000).default(1000),
  SUBSCRIBER_BUFFER_LIMIT: int(1, 1_000_000).default(1000),
  JOB_GUARANTEE_CHECK_INTERVAL_S: int(1, 86400).default(60),
  DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
  DEMO_PERSONS: int(0, 1_000_000).default(2000),
  PLAYGROUND: z.enum(['auto', 'on', 'off']).default('auto'),
  AF_MODE: z.enum(['embedded', 'http']).default('embedded'),
  AF_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  AF_TOKEN: z.string().min(1).optional(),
  AF_TIMEOUT_MS: int(50, 60000).default(2000),
  AF_RETRIES: int(0, 10).default(2),
  AF_BREAKER_THRESHOLD: int(1, 1000).default(5),
  AF_BREAKER_HALF_OPEN_MS: int(100, 600000).default(10000),
  AF_MAX_CONCURRENT: int(1, 1000).default(10),
  AF_CACHE_TTL_S: int(0, 86400).default(60),
  AF_MAX_STALE_S: int(0, 30 * 86400).default(3600),
  AF_CACHE_MAX_ENTRIES: int(1, 10_000_000).default(100_000),
});

type Env = z.infer<typeof schema>;

export type ConnectorConfig =
  | { mode: 'embedded' }
  | {
      mode: 'http';
      endpoint: AgencyEndpoint;
      resilience: ResilienceOptions;
      /** Last known status: served fresh within ttlMs, marked stale on failure up to maxStaleMs. */
      cache: LastKnownOptions;
    };

export type DatabaseConfig =
  | { kind: 'postgres'; url: string; poolSize: number }
  | { kind: 'pglite'; dataDir: string | undefined };

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  playground: { enabled: boolean; devTokens: boolean };
  /** Per connector: the embedded stand-in, or the agency's REST API with its resilience. */
  connectors: { arbetsformedlingen: ConnectorConfig };
  host: string;
  port: number;
  database: DatabaseConfig;
  migrationsRun: boolean;
  auth: {
    /** HS256 secret; undefined when only JWKS is configured. */
    secret: string | undefined;
    /** True when the built-in development secret is in use. */
    usingDevSecret: boolean;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    clockToleranceS: number;
  };
  logLevel: Env['LOG_LEVEL'];
  shutdownGraceMs: number;
  /**
   * Synthetic demo persons written at start into an empty database: `auto` only for the
   * embedded database (so `npm start` shows something), `on` for any database, `off` never.
   */
  demoData: { mode: Env['DEMO_DATA']; persons: number };
  events: {
    /** Safety-net poll of the event log (NOTIFY is the fast path). */
    pollIntervalMs: number;
    /** Events a subscriber may have waiting before it is ended as too slow. */
    subscriberBufferLimit: number;
  };
  /** How often the job-guarantee checker looks for missed plan deadlines. */
  jobGuaranteeCheckIntervalS: number;
  /** Per-operation limits, over HTTP and WebSocket alike. */
  queryLimits: {
    maxDepth: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    maxCost: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, so `PORT= npm start` means the default. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL) {
    throw new ConfigError([
      'AUTH_JWT_SECRET: required when NODE_ENV=production (or set AUTH_JWKS_URL)',
    ]);
  }
  if (e.AF_MODE === 'http' && !e.AF_BASE_URL) {
    throw new ConfigError(['AF_BASE_URL: required when AF_MODE=http']);
  }
  const usingDevSecret = !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL;
  const dataDir = e.PGLITE_DATA_DIR === 'memory://' ? undefined : e.PGLITE_DATA_DIR;
  return {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE }
      : { kind: 'pglite', dataDir },
    migrationsRun: e.MIGRATIONS_RUN,
    auth: {
      secret: e.AUTH_JWT_SECRET ?? (usingDevSecret ? DEV_SECRET : undefined),
      usingDevSecret,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      clockToleranceS: e.AUTH_CLOCK_TOLERANCE_S,
    },
    logLevel: e.LOG_LEVEL,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    demoData: { mode: e.DEMO_DATA, persons: e.DEMO_PERSONS },
    // The IDE at GET /graphql: on outside production unless turned off. The token picker's
    // endpoint needs a shared secret and never exists in production.
    playground: {
      enabled: e.PLAYGROUND === 'on' || (e.PLAYGROUND === 'auto' && !isProduction),
      devTokens:
        !isProduction && Boolean(e.AUTH_JWT_SECRET ?? (usingDevSecret ? DEV_SECRET : undefined)),
    },
    events: {
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      subscriberBufferLimit: e.SUBSCRIBER_BUFFER_LIMIT,
    },
    jobGuaranteeCheckIntervalS: e.JOB_GUARANTEE_CHECK_INTERVAL_S,
    connectors: {
      arbetsformedlingen:
        e.AF_MODE === 'http' && e.AF_BASE_URL
          ? {
              mode: 'http',
              endpoint: { baseUrl: e.AF_BASE_URL, token: e.AF_TOKEN },
              resilience: {
                timeoutMs: e.AF_TIMEOUT_MS,
                retries: e.AF_RETRIES,
                backoffMs: 100,
                maxRetryAfterMs: e.AF_TIMEOUT_MS,
                breakerThreshold: e.AF_BREAKER_THRESHOLD,
                breakerHalfOpenMs: e.AF_BREAKER_HALF_OPEN_MS,
                maxConcurrent: e.AF_MAX_CONCURRENT,
                maxQueue: e.AF_MAX_CONCURRENT * 10,
              },
              cache: {
                ttlMs: e.AF_CACHE_TTL_S * 1000,
                maxStaleMs: e.AF_MAX_STALE_S * 1000,
                maxEntries: e.AF_CACHE_MAX_ENTRIES,
              },
            }
          : { mode: 'embedded' },
    },
    queryLimits: {
      maxDepth: e.QUERY_MAX_DEPTH,
      maxAliases: e.QUERY_MAX_ALIASES,
      maxDirectives: e.QUERY_MAX_DIRECTIVES,
      maxTokens: e.QUERY_MAX_TOKENS,
      maxCost: e.QUERY_MAX_COST,
    },
  };
}
