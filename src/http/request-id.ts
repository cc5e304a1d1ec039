import { randomUUID } from 'node:crypto';

/** A caller's `x-request-id` is kept when it is a plain token; otherwise we make one. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_ID.test(value) ? value : randomUUID();
}
