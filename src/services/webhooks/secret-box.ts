/**
 * Webhook signing secrets at rest. The hub must be able to sign with a secret, so it keeps
 * it, not a hash of it; with WEBHOOK_SECRET_KEYS set it keeps it sealed (AES-256-GCM), so
 * a copy of the database (a backup, a dump handed to support) does not let anyone forge
 * the hub's webhooks.
 *
 * - Sealed form: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id is the
 *   first bytes of the key's SHA-256, so the right key of the ring is found without trying.
 * - The endpoint's id is the additional authenticated data: a sealed secret copied onto
 *   another endpoint's row does not open.
 * - Key rotation: the first key seals, every key in the list opens. Put a new key first,
 *   keep the old one until every endpoint has rotated its secret (or was re-sealed), then
 *   drop it.
 * - Without keys, secrets are stored as they are (`whsec_…`); those still open after keys
 *   are configured, so turning sealing on needs no migration.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const KEY_ID_BYTES = 6;

const b64 = (b: Buffer) => b.toString('base64url');
const keyId = (key: Buffer) =>
  b64(createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES));

/** Decodes WEBHOOK_SECRET_KEYS' entries (base64 or base64url of 32 bytes); throws naming the bad one. */
export function parseSecretKeys(list: string): Buffer[] {
  return list
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k, i) => {
      const key = Buffer.from(k.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (key.length !== KEY_BYTES)
        throw new Error(
          `key ${i + 1} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`,
        );
      return key;
    });
}

export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: readonly Buffer[]) {
    this.byId = new Map(keys.map((k) => [keyId(k), k]));
  }

  /** Whether new secrets are sealed (a key is configured). */
  get sealing(): boolean {
    return this.keys.length > 0;
  }

  seal(secret: string, endpointId: string): string {
    const key = this.keys[0];
    if (!key) return secret;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(endpointId, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return [VERSION, keyId(key), b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  /** The secret as stored, opened; throws when it was sealed with a key not in the ring. */
  open(stored: string, endpointId: string): string {
    if (!stored.startsWith(`${VERSION}.`)) return stored;
    const [, id, iv, body, tag] = stored.split('.');
    const key = this.byId.get(id);
    if (!key)
      throw new Error('the webhook secret was sealed with a key not in WEBHOOK_SECRET_KEYS');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(endpointId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
