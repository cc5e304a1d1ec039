import { ConfigError, loadConfig } from '../../src/config';

const GOOD_SECRET = 'a-test-secret-that-is-long-enough-0123456789';

/** Runs loadConfig expecting a ConfigError and returns it. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig did not throw');
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('listens on 127.0.0.1:4000', () => {
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('uses PGlite in ./data and runs migrations', () => {
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.migrationsRun).toBe(true);
  });

  it('is a development config using the built-in secret', () => {
    expect(config.env).toBe('development');
    expect(config.isProduction).toBe(false);
    expect(config.auth.usingDevSecret).toBe(true);
    expect(typeof config.auth.secret).toBe('string');
    expect(config.auth.secret!.length).toBeGreaterThanOrEqual(32);
    expect(config.auth.jwksUrl).toBeUndefined();
    expect(config.auth.issuer).toBeUndefined();
    expect(config.auth.audience).toBeUndefined();
    expect(config.auth.clockToleranceS).toBe(5);
  });

  it('has the documented log level and shutdown grace', () => {
    expect(config.logLevel).toBe('info');
    expect(config.shutdownGraceMs).toBe(10000);
  });

  it('does not read process.env when an env object is passed', () => {
    const saved = process.env.PORT;
    process.env.PORT = '5555';
    try {
      expect(loadConfig({}).port).toBe(4000);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('loadConfig database', () => {
  it('PGLITE_DATA_DIR=memory:// means an in-memory database (dataDir undefined)', () => {
    const config = loadConfig({ PGLITE_DATA_DIR: 'memory://' });
    expect(config.database).toEqual({ kind: 'pglite', dataDir: undefined });
  });

  it('PGLITE_DATA_DIR names a directory', () => {
    expect(loadConfig({ PGLITE_DATA_DIR: '/var/lib/hub' }).database).toEqual({
      kind: 'pglite',
      dataDir: '/var/lib/hub',
    });
  });

  it('DATABASE_URL selects PostgreSQL with the default pool size, four read and two write pipelines', () => {
    const url = 'postgres://hub:pw@db.example:5432/hub';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({
      kind: 'postgres',
      url,
      poolSize: 10,
      readLanes: 4,
      writeLanes: 2,
    });
  });

  it('DATABASE_URL accepts postgresql:// and DB_POOL_SIZE sets the pool size', () => {
    const url = 'postgresql://localhost/hub';
    expect(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '25' }).database).toEqual({
      kind: 'postgres',
      url,
      poolSize: 25,
      readLanes: 4,
      writeLanes: 2,
    });
  });

  it('DB_READ_PIPELINES sets the read pipelines (0 reads through the pool); out of range is rejected', () => {
    const url = 'postgresql://localhost/hub';
    expect(loadConfig({ DATABASE_URL: url, DB_READ_PIPELINES: '0' }).database).toMatchObject({
      readLanes: 0,
    });
    expect(configError({ DB_READ_PIPELINES: '-1' }).message).toContain('DB_READ_PIPELINES');
    expect(configError({ DB_READ_PIPELINES: '33' }).message).toContain('DB_READ_PIPELINES');
  });

  it('DB_WRITE_PIPELINES sets the write pipelines (0 writes through the pool); out of range is rejected', () => {
    const url = 'postgresql://localhost/hub';
    expect(loadConfig({ DATABASE_URL: url, DB_WRITE_PIPELINES: '0' }).database).toMatchObject({
      writeLanes: 0,
    });
    expect(loadConfig({ DATABASE_URL: url, DB_WRITE_PIPELINES: '8' }).database).toMatchObject({
      writeLanes: 8,
    });
    expect(configError({ DB_WRITE_PIPELINES: '-1' }).message).toContain('DB_WRITE_PIPELINES');
    expect(configError({ DB_WRITE_PIPELINES: '33' }).message).toContain('DB_WRITE_PIPELINES');
  });

  it('a DATABASE_URL that is not a postgres URL is named in the error', () => {
    const err = configError({ DATABASE_URL: 'mysql://localhost/hub' });
    expect(err.message).toContain('DATABASE_URL');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^DATABASE_URL: /);
  });

  it('DB_POOL_SIZE out of range is rejected', () => {
    expect(configError({ DB_POOL_SIZE: '0' }).message).toContain('DB_POOL_SIZE');
    expect(configError({ DB_POOL_SIZE: '201' }).message).toContain('DB_POOL_SIZE');
  });

  it.each([
    ['false', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('MIGRATIONS_RUN=%s → migrationsRun %s', (value, expected) => {
    expect(loadConfig({ MIGRATIONS_RUN: value }).migrationsRun).toBe(expected);
  });

  it('MIGRATIONS_RUN with another value is rejected', () => {
    expect(configError({ MIGRATIONS_RUN: 'sometimes' }).message).toContain('MIGRATIONS_RUN');
  });
});

describe('loadConfig PORT and HOST', () => {
  it('reads PORT and HOST', () => {
    const config = loadConfig({ PORT: '8080', HOST: '0.0.0.0' });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
  });

  it('accepts PORT=0 (ephemeral port) and 65535', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it.each(['abc', '70000', '-1', '80.5', '65536'])(
    'PORT=%s throws a ConfigError naming PORT',
    (port) => {
      const err = configError({ PORT: port });
      expect(err.name).toBe('ConfigError');
      expect(err.message).toContain('PORT');
      expect(err.problems.every((p) => p.startsWith('PORT: '))).toBe(true);
    },
  );
});

describe('loadConfig authentication', () => {
  it('AUTH_JWT_SECRET replaces the development secret', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: GOOD_SECRET });
    expect(config.auth.secret).toBe(GOOD_SECRET);
    expect(config.auth.usingDevSecret).toBe(false);
  });

  it('AUTH_JWKS_URL alone leaves no HS256 secret', () => {
    const config = loadConfig({ AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json' });
    expect(config.auth.jwksUrl).toBe('https://idp.example/.well-known/jwks.json');
    expect(config.auth.secret).toBeUndefined();
    expect(config.auth.usingDevSecret).toBe(false);
  });

  it('reads issuer, audience and clock tolerance', () => {
    const config = loadConfig({
      AUTH_JWT_ISSUER: 'https://idp.example',
      AUTH_JWT_AUDIENCE: 'samverkan-hub',
      AUTH_CLOCK_TOLERANCE_S: '30',
    });
    expect(config.auth.issuer).toBe('https://idp.example');
    expect(config.auth.audience).toBe('samverkan-hub');
    expect(config.auth.clockToleranceS).toBe(30);
  });

  it('a malformed AUTH_JWKS_URL is named in the error', () => {
    expect(configError({ AUTH_JWKS_URL: 'not a url' }).message).toContain('AUTH_JWKS_URL');
  });

  it.each(['ftp://example.com/jwks', 'file:///etc/passwd', 'javascript:alert(1)'])(
    'AUTH_JWKS_URL %s is refused: keys come over http(s) only',
    (url) => {
      expect(configError({ AUTH_JWKS_URL: url }).message).toContain('AUTH_JWKS_URL');
    },
  );

  it('NODE_ENV=production without a secret or JWKS URL throws naming AUTH_JWT_SECRET', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.message).toContain('AUTH_JWT_SECRET');
  });

  it('NODE_ENV=production with a secret is a production config', () => {
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: GOOD_SECRET });
    expect(config.isProduction).toBe(true);
    expect(config.env).toBe('production');
    expect(config.auth.usingDevSecret).toBe(false);
    expect(config.auth.secret).toBe(GOOD_SECRET);
  });

  it('NODE_ENV=production with only a JWKS URL is accepted', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: 'https://idp.example/jwks',
    });
    expect(config.isProduction).toBe(true);
    expect(config.auth.secret).toBeUndefined();
  });

  it('a short AUTH_JWT_SECRET is named but its value never appears in the error', () => {
    const shortSecret = 'hunter2-tiny-s3cret';
    const err = configError({ AUTH_JWT_SECRET: shortSecret });
    expect(err.message).toContain('AUTH_JWT_SECRET');
    expect(err.message).not.toContain(shortSecret);
    expect(err.problems.join('\n')).not.toContain(shortSecret);
    expect(err.stack ?? '').not.toContain(shortSecret);
  });

  it('a short AUTH_JWT_SECRET is rejected in production too, without its value', () => {
    const shortSecret = 'prod-short-s3cret';
    const err = configError({ NODE_ENV: 'production', AUTH_JWT_SECRET: shortSecret });
    expect(err.message).toContain('AUTH_JWT_SECRET');
    expect(err.message).not.toContain(shortSecret);
  });
});

describe('loadConfig empty strings and several problems', () => {
  it('empty strings count as unset', () => {
    const config = loadConfig({
      PORT: '',
      HOST: '',
      DATABASE_URL: '',
      PGLITE_DATA_DIR: '',
      MIGRATIONS_RUN: '',
      AUTH_JWT_SECRET: '',
      AUTH_JWKS_URL: '',
      LOG_LEVEL: '',
      NODE_ENV: '',
    });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.migrationsRun).toBe(true);
    expect(config.auth.usingDevSecret).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config.env).toBe('development');
  });

  it('an empty AUTH_JWT_SECRET in production counts as missing', () => {
    expect(configError({ NODE_ENV: 'production', AUTH_JWT_SECRET: '' }).message).toContain(
      'AUTH_JWT_SECRET',
    );
  });

  it('lists every wrong variable at once', () => {
    const err = configError({
      PORT: 'abc',
      DATABASE_URL: 'http://example',
      MIGRATIONS_RUN: 'maybe',
      LOG_LEVEL: 'loud',
      AUTH_JWT_SECRET: 'short',
    });
    const named = err.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(
      ['AUTH_JWT_SECRET', 'DATABASE_URL', 'LOG_LEVEL', 'MIGRATIONS_RUN', 'PORT'].sort(),
    );
    for (const name of named) expect(err.message).toContain(name);
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ SOMETHING_ELSE: 'x', PATH: '/usr/bin' })).not.toThrow();
  });
});

describe('loadConfig connectors', () => {
  it('every source is embedded by default', () => {
    expect(loadConfig({}).connectors).toEqual({
      socialtjanst: { mode: 'embedded' },
      jobbtorg: { mode: 'embedded' },
      sfi: { mode: 'embedded' },
      arbetsformedlingen: { mode: 'embedded' },
    });
  });

  it.each([
    ['socialtjanst', 'SOCIALTJANST'],
    ['jobbtorg', 'JOBBTORG'],
    ['sfi', 'SFI'],
  ] as const)('%s over HTTP under %s_*, with its own settings and no cache', (source, p) => {
    const config = loadConfig({
      [`${p}_MODE`]: 'http',
      [`${p}_BASE_URL`]: 'http://127.0.0.1:4402',
      [`${p}_TOKEN`]: 'agency-issued',
      [`${p}_TIMEOUT_MS`]: '800',
      [`${p}_MAX_CONCURRENT`]: '3',
      // Cache settings belong to AF alone: ignored here, whatever they say.
      [`${p}_CACHE_TTL_S`]: 'nonsense',
    }).connectors;
    expect(config[source]).toEqual({
      mode: 'http',
      endpoint: { baseUrl: 'http://127.0.0.1:4402', token: 'agency-issued' },
      resilience: {
        timeoutMs: 800,
        retries: 2,
        backoffMs: 100,
        maxRetryAfterMs: 800,
        breakerThreshold: 5,
        breakerHalfOpenMs: 10000,
        maxConcurrent: 3,
        maxQueue: 30,
      },
      cache: undefined,
    });
    // The other sources are untouched.
    expect(config.arbetsformedlingen).toEqual({ mode: 'embedded' });
    expect(configError({ [`${p}_MODE`]: 'http' }).problems).toEqual([
      `${p}_BASE_URL: required when ${p}_MODE=http`,
    ]);
    expect(configError({ [`${p}_RETRIES`]: '11' }).problems).toEqual([
      `${p}_RETRIES: must be at most 10`,
    ]);
  });

  it('connector problems are listed with the others, never with a token’s value', () => {
    const err = configError({
      PORT: 'abc',
      SFI_MODE: 'http',
      JOBBTORG_TIMEOUT_MS: '5',
      AF_MODE: 'http',
      AF_BASE_URL: 'http://127.0.0.1:1',
      AF_TOKEN: '',
      SOCIALTJANST_BASE_URL: 'not a url secret-ish',
    });
    expect(err.problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['JOBBTORG_TIMEOUT_MS', 'PORT', 'SFI_BASE_URL', 'SOCIALTJANST_BASE_URL'].sort(),
    );
    expect(err.message).not.toContain('secret-ish');
  });

  it('in production an agency is reached over https, except on loopback', () => {
    const prod = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), SFI_MODE: 'http' };
    expect(configError({ ...prod, SFI_BASE_URL: 'http://sfi.example' }).problems).toEqual([
      'SFI_BASE_URL: must be https when NODE_ENV=production',
    ]);
    for (const url of ['https://sfi.example', 'http://127.0.0.1:4404', 'http://localhost:4404']) {
      expect(loadConfig({ ...prod, SFI_BASE_URL: url }).connectors.sfi).toMatchObject({
        mode: 'http',
      });
    }
    // Outside production plain http is allowed (a test agency on another machine).
    expect(
      loadConfig({ SFI_MODE: 'http', SFI_BASE_URL: 'http://sfi.example' }).connectors.sfi,
    ).toMatchObject({ mode: 'http' });
  });

  it('AF keeps its last-known-status cache settings', () => {
    const af = loadConfig({
      AF_MODE: 'http',
      AF_BASE_URL: 'http://127.0.0.1:4401',
      AF_CACHE_TTL_S: '0',
      AF_MAX_STALE_S: '120',
    }).connectors.arbetsformedlingen;
    expect(af).toMatchObject({ cache: { ttlMs: 0, maxStaleMs: 120000, maxEntries: 100000 } });
  });

  it('AF_MODE=http needs AF_BASE_URL, and takes the resilience settings', () => {
    expect(configError({ AF_MODE: 'http' }).problems.join()).toContain('AF_BASE_URL');
    const af = loadConfig({
      AF_MODE: 'http',
      AF_BASE_URL: 'http://127.0.0.1:4310',
      AF_TIMEOUT_MS: '1500',
      AF_RETRIES: '3',
      AF_BREAKER_THRESHOLD: '7',
    }).connectors.arbetsformedlingen;
    expect(af).toMatchObject({
      mode: 'http',
      endpoint: { baseUrl: 'http://127.0.0.1:4310' },
      resilience: { timeoutMs: 1500, retries: 3, breakerThreshold: 7, maxRetryAfterMs: 1500 },
    });
    expect(configError({ AF_MODE: 'sometimes' }).problems.join()).toContain('AF_MODE');
    expect(configError({ AF_MODE: 'http', AF_BASE_URL: 'ftp://x' }).problems.join()).toContain(
      'AF_BASE_URL',
    );
  });
});
