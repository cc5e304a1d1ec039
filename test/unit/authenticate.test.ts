import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  UnsecuredJWT,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  type KeyLike,
} from 'jose';
import { createAuthenticator } from '../../src/auth/authenticate';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { Role } from '../../src/auth/roles';
import { ANONYMOUS } from '../../src/auth/viewer';
import type { Config } from '../../src/config';
import { secretAuthConfig } from '../helpers/auth-config';
import { UnauthenticatedError } from '../../src/errors';
import {
  ReferenceService,
  type OrganisationRecord,
} from '../../src/services/reference/reference-service';

const SECRET = 'unit-test-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijklmnopqr';

function org(
  id: string,
  kind: OrganisationRecord['kind'],
  extra: Partial<OrganisationRecord> = {},
): OrganisationRecord {
  return {
    id,
    kind,
    name: id,
    shortName: id,
    location: null,
    defaultJobCentreId: null,
    active: true,
    ...extra,
  };
}

const reference = new ReferenceService(
  [
    org('skarholmen', 'DISTRICT', { defaultJobCentreId: 'jobbtorg-sydvast' }),
    org('jobbtorg-sydvast', 'JOB_CENTRE'),
    org('sfi-kista', 'SFI_PROVIDER'),
    org('af-kista', 'EMPLOYMENT_SERVICE_OFFICE'),
    org('stadsledningskontoret', 'CITY_ADMINISTRATION'),
    org('statistiktjansten', 'PARTNER'),
    org('old-district', 'DISTRICT', { active: false, defaultJobCentreId: 'jobbtorg-sydvast' }),
  ],
  [{ list: 'supportBarrier', code: '01', label: 'Arbetslös', active: true }],
);

const authConfig = (overrides: Partial<Config['auth']> = {}) => secretAuthConfig(SECRET, overrides);

const nowS = () => Math.floor(Date.now() / 1000);

interface TokenOptions {
  secret?: string;
  sub?: string | null;
  exp?: number;
  iss?: string;
  aud?: string;
  alg?: string;
}

async function hsToken(claims: JWTPayload, opts: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? nowS() + 600);
  if (opts.sub !== null) jwt.setSubject(opts.sub ?? 'user-1');
  if (opts.iss) jwt.setIssuer(opts.iss);
  if (opts.aud) jwt.setAudience(opts.aud);
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

const coach = { role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast' };

/** Awaits a promise that must reject and returns the rejection. */
async function rejection(promise: Promise<unknown>): Promise<UnauthenticatedError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect((err as UnauthenticatedError).extensions.code).toBe('UNAUTHENTICATED');
    return err as UnauthenticatedError;
  }
  throw new Error('expected the promise to reject');
}

describe('createJwtVerifier (HS256)', () => {
  const verify = createJwtVerifier(authConfig());

  it('returns the claims of a valid token', async () => {
    const exp = nowS() + 900;
    const token = await hsToken({ ...coach, scope: 'read:persons  write:referrals' }, { exp });
    await expect(verify(token)).resolves.toEqual({
      sub: 'user-1',
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
      scope: ['read:persons', 'write:referrals'],
      exp,
    });
  });

  it('gives an empty scope list when the token has no scope', async () => {
    expect((await verify(await hsToken(coach))).scope).toEqual([]);
  });

  it('rejects an expired token with "Token expired"', async () => {
    const err = await rejection(verify(await hsToken(coach, { exp: nowS() - 60 })));
    expect(err.message).toBe('Token expired');
  });

  it('rejects a token signed with another secret', async () => {
    const err = await rejection(verify(await hsToken(coach, { secret: OTHER_SECRET })));
    expect(err.message).toBe('Invalid token');
  });

  it('rejects a tampered payload', async () => {
    const token = await hsToken(coach);
    const [h, , s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...coach, role: 'ADMIN', sub: 'user-1', exp: nowS() + 600 }),
    ).toString('base64url');
    await rejection(verify(`${h}.${forged}.${s}`));
  });

  it('rejects an unsigned alg:none token', async () => {
    const token = new UnsecuredJWT({ ...coach })
      .setSubject('user-1')
      .setExpirationTime(nowS() + 600)
      .encode();
    expect(token.endsWith('.')).toBe(true);
    const err = await rejection(verify(token));
    expect(err.message).toBe('Invalid token');
  });

  it('rejects HS384 even with the right secret (only HS256 is accepted)', async () => {
    await rejection(verify(await hsToken(coach, { alg: 'HS384' })));
  });

  it('rejects a token without sub', async () => {
    await rejection(verify(await hsToken(coach, { sub: null })));
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({ ...coach })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .sign(new TextEncoder().encode(SECRET));
    await rejection(verify(token));
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9..'])(
    'rejects the malformed token %p',
    async (token) => {
      await rejection(verify(token));
    },
  );

  it('rejects every token when neither secret nor JWKS is configured', async () => {
    const none = createJwtVerifier(authConfig({ secret: undefined }));
    await rejection(none(await hsToken(coach)));
  });
});

describe('createJwtVerifier issuer, audience and clock tolerance', () => {
  const strict = createJwtVerifier(
    authConfig({ issuer: 'https://idp.example', audience: 'samverkan-hub' }),
  );

  it('accepts a token with the configured issuer and audience', async () => {
    const token = await hsToken(coach, { iss: 'https://idp.example', aud: 'samverkan-hub' });
    await expect(strict(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('rejects a wrong or missing issuer', async () => {
    await rejection(
      strict(await hsToken(coach, { iss: 'https://evil.example', aud: 'samverkan-hub' })),
    );
    await rejection(strict(await hsToken(coach, { aud: 'samverkan-hub' })));
  });

  it('rejects a wrong or missing audience', async () => {
    await rejection(strict(await hsToken(coach, { iss: 'https://idp.example', aud: 'other' })));
    await rejection(strict(await hsToken(coach, { iss: 'https://idp.example' })));
  });

  it('ignores issuer and audience when none are configured', async () => {
    const lax = createJwtVerifier(authConfig());
    const token = await hsToken(coach, { iss: 'https://anyone.example', aud: 'anything' });
    await expect(lax(token)).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('accepts a token expired within the clock tolerance', async () => {
    const tolerant = createJwtVerifier(authConfig({ clockToleranceS: 60 }));
    const token = await hsToken(coach, { exp: nowS() - 20 });
    await expect(tolerant(token)).resolves.toMatchObject({ sub: 'user-1' });
    const err = await rejection(createJwtVerifier(authConfig({ clockToleranceS: 0 }))(token));
    expect(err.message).toBe('Token expired');
  });

  it('rejects a token expired beyond the clock tolerance', async () => {
    const tolerant = createJwtVerifier(authConfig({ clockToleranceS: 10 }));
    const err = await rejection(tolerant(await hsToken(coach, { exp: nowS() - 60 })));
    expect(err.message).toBe('Token expired');
  });

  it('honours the tolerance for a token not yet valid (nbf)', async () => {
    const token = await new SignJWT({ ...coach })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setNotBefore(nowS() + 20)
      .setExpirationTime(nowS() + 600)
      .sign(new TextEncoder().encode(SECRET));
    await rejection(createJwtVerifier(authConfig({ clockToleranceS: 0 }))(token));
    await expect(
      createJwtVerifier(authConfig({ clockToleranceS: 60 }))(token),
    ).resolves.toMatchObject({ sub: 'user-1' });
  });
});

describe('createAuthenticator', () => {
  const authenticate = createAuthenticator(createJwtVerifier(authConfig()), reference);

  it('turns a valid bearer token into an authenticated viewer', async () => {
    const exp = nowS() + 1200;
    const token = await hsToken(
      { role: 'DISTRICT_CASEWORKER', org: 'skarholmen', scope: 'purpose:referral' },
      { sub: 'handlaggare-7', exp },
    );
    await expect(authenticate(`Bearer ${token}`)).resolves.toEqual({
      kind: 'authenticated',
      sub: 'handlaggare-7',
      role: Role.DISTRICT_CASEWORKER,
      orgId: 'skarholmen',
      orgKind: 'DISTRICT',
      scopes: ['purpose:referral'],
      expiresAt: exp,
    });
  });

  it('accepts the scheme in any case and surrounding whitespace', async () => {
    const token = await hsToken(coach);
    await expect(authenticate(`  bearer ${token}  `)).resolves.toMatchObject({
      kind: 'authenticated',
      role: Role.JOB_CENTRE_COACH,
      orgId: 'jobbtorg-sydvast',
    });
  });

  it.each([undefined, null, ''])('no authorization (%p) → anonymous', async (value) => {
    await expect(authenticate(value)).resolves.toEqual(ANONYMOUS);
    await expect(authenticate(value)).resolves.toEqual({ kind: 'anonymous' });
  });

  it.each(['Basic x', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'token'])(
    '%p → UNAUTHENTICATED',
    async (value) => {
      await rejection(authenticate(value));
    },
  );

  it.each([42, {}, ['Bearer x'], true])(
    'a non-string authorization %p → UNAUTHENTICATED',
    async (value) => {
      await rejection(authenticate(value));
    },
  );

  it('an expired token → UNAUTHENTICATED "Token expired" (never anonymous)', async () => {
    const token = await hsToken(coach, { exp: nowS() - 60 });
    const err = await rejection(authenticate(`Bearer ${token}`));
    expect(err.message).toBe('Token expired');
  });

  it('a token with the wrong secret → UNAUTHENTICATED', async () => {
    await rejection(authenticate(`Bearer ${await hsToken(coach, { secret: OTHER_SECRET })}`));
  });

  it('an alg:none token → UNAUTHENTICATED', async () => {
    const token = new UnsecuredJWT({ ...coach })
      .setSubject('user-1')
      .setExpirationTime(nowS() + 600)
      .encode();
    await rejection(authenticate(`Bearer ${token}`));
  });

  it('a token without sub → UNAUTHENTICATED', async () => {
    await rejection(authenticate(`Bearer ${await hsToken(coach, { sub: null })}`));
  });

  it.each([['SUPERUSER'], ['job_centre_coach'], [undefined], [7]])(
    'role %p → UNAUTHENTICATED',
    async (role) => {
      const token = await hsToken({ role, org: 'jobbtorg-sydvast' });
      const err = await rejection(authenticate(`Bearer ${token}`));
      expect(err.message).toMatch(/role/);
    },
  );

  it.each([['jobbtorg-nowhere'], [undefined], [42]])(
    'organisation %p → UNAUTHENTICATED',
    async (orgId) => {
      const token = await hsToken({ role: 'JOB_CENTRE_COACH', org: orgId });
      const err = await rejection(authenticate(`Bearer ${token}`));
      expect(err.message).toMatch(/organisation/);
    },
  );

  it('a retired (inactive) organisation → UNAUTHENTICATED', async () => {
    const token = await hsToken({ role: 'DISTRICT_CASEWORKER', org: 'old-district' });
    await rejection(authenticate(`Bearer ${token}`));
  });

  it.each([
    ['DISTRICT_CASEWORKER', 'jobbtorg-sydvast'],
    ['JOB_CENTRE_COACH', 'skarholmen'],
    ['SFI_ADMINISTRATOR', 'af-kista'],
    ['EMPLOYMENT_SERVICE_OFFICER', 'sfi-kista'],
    ['ADMIN', 'skarholmen'],
    ['ANALYST', 'statistiktjansten'],
    ['PARTNER_SYSTEM', 'stadsledningskontoret'],
  ])('role %s with organisation %s does not fit → UNAUTHENTICATED', async (role, orgId) => {
    const token = await hsToken({ role, org: orgId });
    const err = await rejection(authenticate(`Bearer ${token}`));
    expect(err.message).toMatch(/does not fit/);
  });

  it.each([
    ['DISTRICT_CASEWORKER', 'skarholmen'],
    ['JOB_CENTRE_COACH', 'jobbtorg-sydvast'],
    ['SFI_ADMINISTRATOR', 'sfi-kista'],
    ['EMPLOYMENT_SERVICE_OFFICER', 'af-kista'],
    ['PARTNER_SYSTEM', 'statistiktjansten'],
    ['PARTNER_SYSTEM', 'skarholmen'],
    ['ANALYST', 'stadsledningskontoret'],
    ['DATA_PROTECTION_OFFICER', 'stadsledningskontoret'],
    ['ADMIN', 'stadsledningskontoret'],
  ])('role %s with organisation %s is accepted', async (role, orgId) => {
    const token = await hsToken({ role, org: orgId });
    await expect(authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      kind: 'authenticated',
      role,
      orgId,
    });
  });

  it('enforces issuer and audience through the verifier', async () => {
    const strict = createAuthenticator(
      createJwtVerifier(authConfig({ issuer: 'https://idp.example', audience: 'hub' })),
      reference,
    );
    const good = await hsToken(coach, { iss: 'https://idp.example', aud: 'hub' });
    await expect(strict(`Bearer ${good}`)).resolves.toMatchObject({ kind: 'authenticated' });
    const wrongAud = await hsToken(coach, { iss: 'https://idp.example', aud: 'other' });
    await rejection(strict(`Bearer ${wrongAud}`));
  });
});

describe('createJwtVerifier with a JWKS URL (local server)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: KeyLike;
  let strangerKey: KeyLike;
  let requests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    const body = JSON.stringify({ keys: [jwk] });
    server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
  });

  async function rsToken(key: KeyLike, claims: JWTPayload = coach, kid = 'key-1') {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('idp-user-9')
      .setIssuedAt()
      .setExpirationTime(nowS() + 600)
      .sign(key);
  }

  it('verifies an RS256 token against the served key set', async () => {
    const verify = createJwtVerifier(authConfig({ secret: undefined, jwksUrl }));
    const claims = await verify(await rsToken(privateKey));
    expect(claims).toMatchObject({
      sub: 'idp-user-9',
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
    });
    expect(requests).toBeGreaterThan(0);
  });

  it('authenticates an RS256 bearer token into a viewer', async () => {
    const authenticate = createAuthenticator(
      createJwtVerifier(authConfig({ secret: undefined, jwksUrl })),
      reference,
    );
    await expect(authenticate(`Bearer ${await rsToken(privateKey)}`)).resolves.toMatchObject({
      kind: 'authenticated',
      sub: 'idp-user-9',
      orgId: 'jobbtorg-sydvast',
    });
  });

  it('rejects an RS256 token signed by a key not in the set', async () => {
    const verify = createJwtVerifier(authConfig({ secret: undefined, jwksUrl }));
    await rejection(verify(await rsToken(strangerKey)));
    await rejection(verify(await rsToken(strangerKey, coach, 'unknown-kid')));
  });

  it('rejects an HS256 token when only JWKS is configured', async () => {
    const verify = createJwtVerifier(authConfig({ secret: undefined, jwksUrl }));
    await rejection(verify(await hsToken(coach)));
  });

  it('accepts both kinds when secret and JWKS are configured', async () => {
    const verify = createJwtVerifier(authConfig({ jwksUrl }));
    await expect(verify(await rsToken(privateKey))).resolves.toMatchObject({ sub: 'idp-user-9' });
    await expect(verify(await hsToken(coach))).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('rejects an RS256 token when no JWKS is configured', async () => {
    const verify = createJwtVerifier(authConfig());
    await rejection(verify(await rsToken(privateKey)));
  });
});
