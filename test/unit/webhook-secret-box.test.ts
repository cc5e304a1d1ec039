/**
 * Webhook signing secrets sealed at rest (WEBHOOK_SECRET_KEYS): what seals opens, only for
 * its endpoint and with a key of the ring; unsealed secrets still open; bad keys are refused
 * at configuration.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';
import { parseSecretKeys, SecretBox } from '../../src/services/webhooks/secret-box';
import { newSecret } from '../../src/services/webhooks/signing';

const key = () => randomBytes(32);

describe('SecretBox', () => {
  test('a sealed secret opens to the same secret, and holds none of it in the clear', () => {
    const box = new SecretBox([key()]);
    const secret = newSecret();
    const id = randomUUID();
    const sealed = box.seal(secret, id);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain(secret.slice('whsec_'.length, 20));
    expect(box.open(sealed, id)).toBe(secret);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(box.seal(secret, id)).not.toBe(sealed);
  });

  test('a sealed secret copied to another endpoint does not open', () => {
    const box = new SecretBox([key()]);
    const sealed = box.seal(newSecret(), randomUUID());
    expect(() => box.open(sealed, randomUUID())).toThrow();
  });

  test('a tampered secret does not open', () => {
    const box = new SecretBox([key()]);
    const id = randomUUID();
    const parts = box.seal(newSecret(), id).split('.');
    const body = Buffer.from(parts[3], 'base64url');
    body[0] ^= 1;
    parts[3] = body.toString('base64url');
    expect(() => box.open(parts.join('.'), id)).toThrow();
  });

  test('key rotation: the first key seals, every key of the ring opens; a dropped key does not', () => {
    const [oldKey, newKey] = [key(), key()];
    const id = randomUUID();
    const secret = newSecret();
    const sealedOld = new SecretBox([oldKey]).seal(secret, id);
    const ring = new SecretBox([newKey, oldKey]);
    expect(ring.open(sealedOld, id)).toBe(secret);
    const sealedNew = ring.seal(secret, id);
    expect(new SecretBox([newKey]).open(sealedNew, id)).toBe(secret);
    expect(() => new SecretBox([newKey]).open(sealedOld, id)).toThrow(/WEBHOOK_SECRET_KEYS/);
  });

  test('without keys secrets are kept as they are, and unsealed ones open with keys too', () => {
    const secret = newSecret();
    const id = randomUUID();
    expect(new SecretBox([]).sealing).toBe(false);
    expect(new SecretBox([]).seal(secret, id)).toBe(secret);
    expect(new SecretBox([key()]).open(secret, id)).toBe(secret);
  });
});

describe('WEBHOOK_SECRET_KEYS', () => {
  test('base64 and base64url keys of 32 bytes are read, in order', () => {
    const [a, b] = [key(), key()];
    expect(parseSecretKeys(` ${a.toString('base64')}, ${b.toString('base64url')} `)).toEqual([
      a,
      b,
    ]);
    expect(parseSecretKeys('')).toEqual([]);
  });

  test('a key of another length is a configuration error naming the variable, not the key', () => {
    const short = randomBytes(16).toString('base64');
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'test', WEBHOOK_SECRET_KEYS: short });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('WEBHOOK_SECRET_KEYS');
    expect((error as ConfigError).message).not.toContain(short);
  });
});
