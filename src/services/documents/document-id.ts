/**
 * Document ids: how a persisted document is named in a manifest and in a request, and how an
 * id is checked against the document's text.
 *
 * Stored and looked up in one canonical form, `<algorithm>:<lowercase hex>`:
 * - `sha256:<64 hex>` — GraphQL Code Generator's client preset (its keys carry the prefix),
 *   the GraphQL-over-HTTP persisted-documents convention, Apollo's `sha256Hash` (bare hex);
 * - bare hex is read by its length: 64 sha256, 40 sha1 (client preset with
 *   `hashAlgorithm: 'sha1'`), 32 md5 (Relay's default `persistConfig.algorithm`).
 * Every algorithm hashes the document's exact text as UTF-8, as those tools do.
 */
import { createHash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'sha1' | 'md5';

const HEX_LENGTH: Record<HashAlgorithm, number> = { sha256: 64, sha1: 40, md5: 32 };
const BY_LENGTH = new Map<number, HashAlgorithm>(
  Object.entries(HEX_LENGTH).map(([algorithm, length]) => [length, algorithm as HashAlgorithm]),
);

export interface DocumentId {
  algorithm: HashAlgorithm;
  hex: string;
  /** `<algorithm>:<hex>`: the stored key. */
  canonical: string;
}

/** The canonical id, or undefined when `raw` has no known form. Case-insensitive hex. */
export function parseDocumentId(raw: string): DocumentId | undefined {
  const match = /^(?:(sha256|sha1|md5):)?([0-9a-fA-F]+)$/.exec(raw.trim());
  if (!match) return undefined;
  const hex = match[2].toLowerCase();
  const algorithm = (match[1] as HashAlgorithm | undefined) ?? BY_LENGTH.get(hex.length);
  if (!algorithm || HEX_LENGTH[algorithm] !== hex.length) return undefined;
  return { algorithm, hex, canonical: `${algorithm}:${hex}` };
}

export function hashDocument(text: string, algorithm: HashAlgorithm): string {
  return createHash(algorithm).update(text, 'utf8').digest('hex');
}

/** True when `id` is the hash of exactly this text. */
export function idMatches(id: DocumentId, text: string): boolean {
  return hashDocument(text, id.algorithm) === id.hex;
}

export const DOCUMENT_ID_FORMS =
  'sha256:<64 hex>, or bare hex: 64 (sha256), 40 (sha1) or 32 (md5) digits';
