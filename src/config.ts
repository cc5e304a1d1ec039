/**
 * Every environment variable the hub reads, parsed and validated once at start.
 * Nothing else in src/ reads process.env: pass the Config object instead.
 * A wrong value stops the start with a message that names the variable (never its value
 * when the variable is a secret).
 */
import { parseSecretKeys } from './services/webhooks/secret-box';
import { z } from 'zod';
import type { AgencyEndpoint } from './connectors/http/http-batch-client';
import type { ResilienceOptions } from './connectors/http/resilience';
import type { LastKnownOptions } from './connectors/last-known-status';
import { SOURCE_NAMES, type SourceName } from './connectors/types';
import { ROLES } from './auth/roles';
import type { TrustedDocumentsConfig } from './services/documents/trusted-documents';

const DEV_SECRET = 'dev-only-insecure-secret-do-not-use-in-production';
/** What `npm run gateway` sends outside production when no secret is configured. */
export const DEV_GATEWAY_SECRET = 'dev-only-gateway-secret-do-not-use-in-production';

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
  DB_READ_PIPELINES: int(0, 32).default(4),
  DB_WRITE_PIPELINES: int(0, 32).default(2),
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
  // Unset: the event log's safety-net poll (EVENT_POLL_INTERVAL_MS).
  EVENT_SEQUENCER_POLL_INTERVAL_MS: int(10, 60000).optional(),
  EVENT_POSITION_WAIT_MS: int(0, 60000).default(5000),
  SUBSCRIBER_BUFFER_LIMIT: int(1, 1_000_000).default(1000),
  JOB_GUARANTEE_CHECK_INTERVAL_S: int(1, 86400).default(60),
  DEMO_DATA: z.enum(['auto', 'on', 'off']).default('auto'),
  DEMO_PERSONS: int(0, 1_000_000).default(2000),
  PLAYGROUND: z.enum(['auto', 'on', 'off']).default('auto'),
  TRUSTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default('allow'),
  TRUSTED_DOCUMENTS_EXEMPT_ROLES: z
    .string()
    .regex(new RegExp(`^\\s*((${ROLES.join('|')})(\\s*,\\s*(${ROLES.join('|')}))*)?\\s*$`), {
      message: `must be comma-separated roles out of ${ROLES.join(', ')}`,
    })
    .default(''),
  TRUSTED_DOCUMENTS_CACHE_TTL_S: int(1, 86400).default(60),
  FEDERATION_GATEWAY_SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters' })
    .optional(),
  WEBHOOK_DELIVERY: bool.default(true),
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, { message: 'must be comma-separated milliseconds, e.g. 0,5000,300000' })
    .default('0,5000,300000,1800000,7200000,18000000,36000000,36000000'),
  WEBHOOK_TIMEOUT_MS: int(1, 300_000).default(15_000),
  WEBHOOK_LEASE_MS: int(1000, 3_600_000).default(60_000),
  WEBHOOK_DISABLE_AFTER_MS: int(1, 90 * 24 * 3600 * 1000).default(5 * 24 * 3600 * 1000),
  WEBHOOK_ROTATION_GRACE_S: int(0, 7 * 24 * 3600).default(24 * 3600),
  // Unset: the event log's own safety-net poll (EVENT_POLL_INTERVAL_MS).
  WEBHOOK_POLL_INTERVAL_MS: int(10, 60_000).optional(),
  WEBHOOK_ALLOWED_HOSTS: z.string().default(''),
  WEBHOOK_SECRET_KEYS: z.string().default(''),
});

type Env = z.infer<typeof schema>;

/**
 * Each agency connector's variables, read under its prefix (AF_MODE, SFI_BASE_URL, …): the
 * embedded stand-in, or the agency's REST API with its own resilience settings. The last
 * known status (the cache settings) exists for Arbetsförmedlingen only.
 */
export const CONNECTOR_ENV_PREFIX: Record<SourceName, string> = {
  socialtjanst: 'SOCIALTJANST',
  jobbtorg: 'JOBBTORG',
  sfi: 'SFI',
  arbetsformedlingen: 'AF',
};

const connectorSchema = z.object({
  MODE: z.enum(['embedded', 'http']).default('embedded'),
  BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  TOKEN: z.string().min(1).optional(),
  TIMEOUT_MS: int(50, 60000).default(2000),
  RETRIES: int(0, 10).default(2),
  BREAKER_THRESHOLD: int(1, 1000).default(5),
  BREAKER_HALF_OPEN_MS: int(100, 600000).default(10000),
  MAX_CONCURRENT: int(1, 1000).default(10),
  CACHE_TTL_S: int(0, 86400).default(60),
  MAX_STALE_S: int(0, 30 * 86400).default(3600),
  CACHE_MAX_ENTRIES: int(1, 10_000_000).default(100_000),
});
const CACHE_KEYS = ['CACHE_TTL_S', 'MAX_STALE_S', 'CACHE_MAX_ENTRIES'];

/** Loopback hosts, where plain HTTP never leaves the machine (simulators, a local proxy). */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

function parseConnector(
  source: SourceName,
  env: Record<string, string>,
  problems: string[],
  isProduction: boolean,
): ConnectorConfig {
  const prefix = `${CONNECTOR_ENV_PREFIX[source]}_`;
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const key = k.slice(prefix.length);
    if (k.startsWith(prefix) && (source === 'arbetsformedlingen' || !CACHE_KEYS.includes(key))) {
      own[key] = v;
    }
  }
  const parsed = connectorSchema.safeParse(own);
  if (!parsed.success) {
    for (const i of parsed.error.issues)
      problems.push(`${prefix}${i.path.join('.')}: ${i.message}`);
    return { mode: 'embedded' };
  }
  const c = parsed.data;
  if (c.MODE === 'embedded') return { mode: 'embedded' };
  if (!c.BASE_URL) {
    problems.push(`${prefix}BASE_URL: required when ${prefix}MODE=http`);
    return { mode: 'embedded' };
  }
  // Personal data and the agency's token travel on this connection: TLS outside loopback.
  const url = new URL(c.BASE_URL);
  if (isProduction && url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    problems.push(`${prefix}BASE_URL: must be https when NODE_ENV=production`);
    return { mode: 'embedded' };
  }
  return {
    mode: 'http',
    endpoint: { baseUrl: c.BASE_URL, token: c.TOKEN },
    resilience: {
      timeoutMs: c.TIMEOUT_MS,
      retries: c.RETRIES,
      backoffMs: 100,
      maxRetryAfterMs: c.TIMEOUT_MS,
      breakerThreshold: c.BREAKER_THRESHOLD,
      breakerHalfOpenMs: c.BREAKER_HALF_OPEN_MS,
      maxConcurrent: c.MAX_CONCURRENT,
      maxQueue: c.MAX_CONCURRENT * 10,
    },
    cache:
      source === 'arbetsformedlingen'
        ? {
            ttlMs: c.CACHE_TTL_S * 1000,
            maxStaleMs: c.MAX_STALE_S * 1000,
            maxEntries: c.CACHE_MAX_ENTRIES,
          }
        : undefined,
  };
}

export type ConnectorConfig =
  | { mode: 'embedded' }
  | {
      mode: 'http';
      endpoint: AgencyEndpoint;
      resilience: ResilienceOptions;
      /**
       * Last known status (Arbetsförmedlingen): served fresh within ttlMs, marked stale on
       * failure up to maxStaleMs.
       */
      cache?: LastKnownOptions;
    };

export type DatabaseConfig =
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      /** Connections for the sources' pipelined reads; 0 or none reads them through the pool. */
      readLanes?: number;
      /** Connections for pipelined single-statement writes; 0 or none writes through the pool. */
      writeLanes?: number;
    }
  | { kind: 'pglite'; dataDir: string | undefined };

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  playground: { enabled: boolean; devTokens: boolean };
  /** Trusted documents (persisted operations): off, allow or require; exempt roles. */
  trustedDocuments: TrustedDocumentsConfig;
  /** Per connector: the embedded stand-in, or the agency's REST API with its resilience. */
  connectors: Record<SourceName, ConnectorConfig>;
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
    /** Safety-net poll of the elected sequencer (writers wake it at commit). */
    sequencerPollIntervalMs: number;
    /** How long a mutation waits for its events' positions before it answers anyway. */
    positionWaitMs: number;
  };
  /** How often the job-guarantee checker looks for missed plan deadlines. */
  jobGuaranteeCheckIntervalS: number;
  /**
   * Federation: `_entities` and `_service` answer only a caller presenting this secret (the
   * gateway). Undefined in production when FEDERATION_GATEWAY_SECRET is unset: federation off.
   */
  federation: { gatewaySecret: string | undefined; usingDevSecret: boolean };
  /** Outbound webhooks (src/services/webhooks/): delivery, retries, lease, URL safety. */
  webhooks: WebhookConfig;
  /** Per-operation limits, over HTTP and WebSocket alike. */
  queryLimits: {
    maxDepth: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
    maxCost: number;
  };
}

export interface WebhookConfig {
  /** Whether this instance runs the delivery worker (endpoints can be managed either way). */
  delivery: boolean;
  /** Delay before each attempt of one event: [0] the first, then each retry; the last repeats. */
  retryScheduleMs: number[];
  /** Per-request timeout. */
  timeoutMs: number;
  /** How long an instance holds an endpoint; renewed before each attempt; must exceed timeoutMs. */
  leaseMs: number;
  /** An endpoint failing for longer than this is disabled. */
  disableAfterMs: number;
  /** Default grace period of the old secret after rotateWebhookSecret. */
  rotationGraceS: number;
  /** Safety-net poll for due retries and other instances' work. */
  pollIntervalMs: number;
  /** Host names, IP addresses or CIDR ranges delivered to although private (production). */
  allowedHosts: string[];
  /** Keys that seal signing secrets at rest (the first seals, all open); none: stored as is. */
  secretKeys: Buffer[];
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
  const given = withoutEmpty(env);
  const parsed = schema.safeParse(given);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`);
  const connectors = Object.fromEntries(
    SOURCE_NAMES.map((source) => [
      source,
      parseConnector(source, given, problems, given.NODE_ENV === 'production'),
    ]),
  ) as Record<SourceName, ConnectorConfig>;
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL) {
    throw new ConfigError([
      'AUTH_JWT_SECRET: required when NODE_ENV=production (or set AUTH_JWKS_URL)',
    ]);
  }
  if (e.WEBHOOK_LEASE_MS <= e.WEBHOOK_TIMEOUT_MS) {
    throw new ConfigError(['WEBHOOK_LEASE_MS: must be greater than WEBHOOK_TIMEOUT_MS']);
  }
  let webhookSecretKeys: Buffer[];
  try {
    webhookSecretKeys = parseSecretKeys(e.WEBHOOK_SECRET_KEYS);
  } catch (err) {
    throw new ConfigError([`WEBHOOK_SECRET_KEYS: ${(err as Error).message}`]);
  }
  const usingDevSecret = !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL;
  const dataDir = e.PGLITE_DATA_DIR === 'memory://' ? undefined : e.PGLITE_DATA_DIR;
  return {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolSize: e.DB_POOL_SIZE,
          readLanes: e.DB_READ_PIPELINES,
          writeLanes: e.DB_WRITE_PIPELINES,
        }
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
    trustedDocuments: {
      mode: e.TRUSTED_DOCUMENTS,
      exemptRoles: e.TRUSTED_DOCUMENTS_EXEMPT_ROLES.split(',')
        .map((role) => role.trim())
        .filter(Boolean),
      cacheTtlS: e.TRUSTED_DOCUMENTS_CACHE_TTL_S,
    },
    events: {
      pollIntervalMs: e.EVENT_POLL_INTERVAL_MS,
      subscriberBufferLimit: e.SUBSCRIBER_BUFFER_LIMIT,
      sequencerPollIntervalMs: e.EVENT_SEQUENCER_POLL_INTERVAL_MS ?? e.EVENT_POLL_INTERVAL_MS,
      positionWaitMs: e.EVENT_POSITION_WAIT_MS,
    },
    jobGuaranteeCheckIntervalS: e.JOB_GUARANTEE_CHECK_INTERVAL_S,
    // Outside production a development secret keeps `npm start` + `npm run gateway` working
    // out of the box; in production nothing answers `_entities` until a secret is set.
    federation: {
      gatewaySecret: e.FEDERATION_GATEWAY_SECRET ?? (isProduction ? undefined : DEV_GATEWAY_SECRET),
      usingDevSecret: !e.FEDERATION_GATEWAY_SECRET && !isProduction,
    },
    connectors,
    webhooks: {
      delivery: e.WEBHOOK_DELIVERY,
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      leaseMs: e.WEBHOOK_LEASE_MS,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
      rotationGraceS: e.WEBHOOK_ROTATION_GRACE_S,
      pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS ?? e.EVENT_POLL_INTERVAL_MS,
      allowedHosts: e.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      secretKeys: webhookSecretKeys,
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
