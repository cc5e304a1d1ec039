/**
 * The JWT verifier's cache of verified tokens (src/auth/jwt-verifier.ts): a token is checked
 * in full once, then reused only while it is unexpired by jose's rule (with the clock
 * tolerance) and for at most VERIFIED_REUSE_MS; failures are never kept.
 */
import { SignJWT } from 'jose';
import { createJwtVerifier, VERIFIED_REUSE_MS } from '../../src/auth/jwt-verifier';
import type { Config } from '../../src/config';
import { secretAuthConfig } from '../helpers/auth-config';
import { UnauthenticatedError } from '../../src/errors';

const SECRET = 'unit-test-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-secret-0123456789-abcdefghijklmnopqr';

const authConfig = (overrides: Partial<Config['auth']> = {}) => secretAuthConfig(SECRET, overrides);

// The clock (Date.now and new Date, which jose reads) is moved by hand; nothing else is faked.
let start = 0;
const nowS = () => Math.floor(Date.now() / 1000);
function later(ms: number): void {
  jest.setSystemTime(start + ms);
}

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout'] });
  start = Date.now();
});

afterEach(() => {
  jest.useRealTimers();
});

function token(exp: number, secret = SECRET, scope = 'read:persons'): Promise<string> {
  return new SignJWT({ role: 'JOB_CENTRE_COACH', org: 'jobbtorg-sydvast', scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('user-1')
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(UnauthenticatedError);
    return (err as Error).message;
  }
  throw new Error('expected the promise to reject');
}

test('a cached token is rejected as expired once its exp has passed', async () => {
  const verify = createJwtVerifier(authConfig());
  const exp = nowS() + 5;
  const t = await token(exp);
  await expect(verify(t)).resolves.toMatchObject({ sub: 'user-1', exp });
  await expect(verify(t)).resolves.toMatchObject({ sub: 'user-1', exp });
  later(6_000);
  expect(await message(verify(t))).toBe('Token expired');
  // And stays rejected (nothing kept from the failure).
  expect(await message(verify(t))).toBe('Token expired');
});

test('the expiry check of a cached token honours the clock tolerance, as jose does', async () => {
  const verify = createJwtVerifier(authConfig({ clockToleranceS: 30 }));
  const t = await token(nowS() + 5);
  await verify(t);
  later(20_000); // 15 s past exp: within the tolerance
  await expect(verify(t)).resolves.toMatchObject({ sub: 'user-1' });
  later(40_000); // 35 s past exp: beyond it
  expect(await message(verify(t))).toBe('Token expired');
});

test('a cached token is checked in full again after VERIFIED_REUSE_MS', async () => {
  const verify = createJwtVerifier(authConfig());
  const t = await token(nowS() + 3600);
  await verify(t);
  later(VERIFIED_REUSE_MS + 1_000);
  await expect(verify(t)).resolves.toMatchObject({ sub: 'user-1' });
});

test('a token that failed is never accepted from the cache, and caches do not cross verifiers', async () => {
  const other = await token(nowS() + 600, OTHER_SECRET);
  const verify = createJwtVerifier(authConfig());
  expect(await message(verify(other))).toBe('Invalid token');
  expect(await message(verify(other))).toBe('Invalid token');
  // Verified by a verifier with the other secret: still invalid for this one.
  await createJwtVerifier(authConfig({ secret: OTHER_SECRET }))(other);
  expect(await message(verify(other))).toBe('Invalid token');
});

test('callers get their own claims: changing one does not change what the cache returns', async () => {
  const verify = createJwtVerifier(authConfig());
  const t = await token(nowS() + 600, SECRET, 'read:persons write:referrals');
  const first = await verify(t);
  first.scope.push('admin');
  first.sub = 'someone-else';
  const second = await verify(t);
  expect(second.scope).toEqual(['read:persons', 'write:referrals']);
  expect(second.sub).toBe('user-1');
});
