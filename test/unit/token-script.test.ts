import { decodeJwt, decodeProtectedHeader } from 'jose';
import { makeToken } from '../../scripts/token';
import { createAuthenticator } from '../../src/auth/authenticate';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { secretAuthConfig } from '../helpers/auth-config';
import { UnauthenticatedError } from '../../src/errors';
import { bundledReferenceFiles } from '../../src/reference/reference-files';
import { ReferenceService } from '../../src/services/reference/reference-service';

const SECRET = 'token-script-secret-0123456789-abcdefghij';

const auth = secretAuthConfig(SECRET);
const verify = createJwtVerifier(auth);

/** The bundled reference data as the server would serve it after loading. */
function bundledReference(): ReferenceService {
  const { organisations, codeLists } = bundledReferenceFiles();
  return new ReferenceService(
    organisations.data.organisations.map((o) => ({
      id: o.id,
      kind: o.kind,
      name: o.name,
      shortName: o.shortName,
      location: o.location ?? null,
      defaultJobCentreId: o.defaultJobCentreId ?? null,
      active: true,
    })),
    Object.entries(codeLists.data.lists).flatMap(([list, { codes }]) =>
      codes.map((c) => ({ list, code: c.code, label: c.label, active: true })),
    ),
  );
}

const nowS = () => Math.floor(Date.now() / 1000);

describe('makeToken', () => {
  it('makes an HS256 token the verifier accepts, with the requested claims', async () => {
    const token = await makeToken(SECRET, {
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
      sub: 'coach-17',
      scope: 'read:persons write:plans',
    });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const claims = await verify(token);
    expect(claims).toMatchObject({
      sub: 'coach-17',
      role: 'JOB_CENTRE_COACH',
      org: 'jobbtorg-sydvast',
      scope: ['read:persons', 'write:plans'],
    });
  });

  it('is accepted by the authenticator against the bundled reference data', async () => {
    const authenticate = createAuthenticator(verify, bundledReference());
    const token = await makeToken(SECRET, { role: 'DISTRICT_CASEWORKER', org: 'skarholmen' });
    await expect(authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      kind: 'authenticated',
      role: 'DISTRICT_CASEWORKER',
      orgId: 'skarholmen',
      scopes: [],
    });
  });

  it('defaults the subject and a one-hour lifetime', async () => {
    const now = nowS();
    const token = await makeToken(SECRET, { role: 'ANALYST', org: 'stadsledningskontoret' }, now);
    const payload = decodeJwt(token);
    expect(payload.sub).toBe('dev-analyst@stadsledningskontoret');
    expect(payload.iat).toBe(now);
    expect(payload.exp).toBe(now + 3600);
    expect(payload).not.toHaveProperty('scope');
  });

  it('honours ttlSeconds and now', async () => {
    const now = nowS();
    const token = await makeToken(
      SECRET,
      { role: 'ADMIN', org: 'stadsledningskontoret', ttlSeconds: 120 },
      now,
    );
    const claims = await verify(token);
    expect(claims.exp).toBe(now + 120);
    expect(decodeJwt(token).iat).toBe(now);
  });

  it('a token made in the past with a short ttl is expired for the verifier', async () => {
    const token = await makeToken(
      SECRET,
      { role: 'ADMIN', org: 'stadsledningskontoret', ttlSeconds: 60 },
      nowS() - 3600,
    );
    await expect(verify(token)).rejects.toThrow(UnauthenticatedError);
    await expect(verify(token)).rejects.toThrow('Token expired');
  });

  it('is signed with the given secret only', async () => {
    const token = await makeToken('some-other-secret-0123456789-abcdefghij', {
      role: 'ADMIN',
      org: 'stadsledningskontoret',
    });
    await expect(verify(token)).rejects.toThrow(UnauthenticatedError);
  });

  it('refuses an unknown role', async () => {
    await expect(makeToken(SECRET, { role: 'SUPERUSER', org: 'skarholmen' })).rejects.toThrow(
      /role must be one of/,
    );
    await expect(
      makeToken(SECRET, { role: 'district_caseworker', org: 'skarholmen' }),
    ).rejects.toThrow(/role must be one of/);
  });

  it('refuses an unknown organisation', async () => {
    await expect(
      makeToken(SECRET, { role: 'DISTRICT_CASEWORKER', org: 'gotham-city' }),
    ).rejects.toThrow(/org gotham-city is not an organisation/);
  });

  it.each([
    ['DISTRICT_CASEWORKER', 'jobbtorg-sydvast'],
    ['JOB_CENTRE_COACH', 'skarholmen'],
    ['ADMIN', 'skarholmen'],
    ['EMPLOYMENT_SERVICE_OFFICER', 'stadsledningskontoret'],
  ])('refuses role %s for organisation %s', async (role, org) => {
    await expect(makeToken(SECRET, { role, org })).rejects.toThrow(/does not fit/);
  });

  it.each([0, -60, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses ttlSeconds %p',
    async (ttlSeconds) => {
      await expect(
        makeToken(SECRET, { role: 'ADMIN', org: 'stadsledningskontoret', ttlSeconds }),
      ).rejects.toThrow(/ttl must be/);
    },
  );
});
