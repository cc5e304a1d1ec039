/**
 * Standard Webhooks signing with the `standardwebhooks` package: `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; during a rotation's grace period the
 * signatures with the new and the old secret are both sent, space-separated, so a receiver
 * holding either verifies.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64. */
export function newSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signedHeaders(
  secrets: readonly string[],
  id: string,
  at: Date,
  body: string,
): SignedHeaders {
  const signatures = secrets.map((s) => new Webhook(s).sign(id, at, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
