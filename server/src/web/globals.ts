/**
 * Globals Node provides that the core uses, for the web build (esbuild injects this file into the
 * web bundles): `Buffer` from the `buffer` package, and a `process` that has no environment, so
 * nothing of the browser's surroundings reaches a decision.
 */
import { Buffer } from 'buffer';

// The `buffer` package (6.0.3, its newest) predates Node's `base64url` encoding, which the JWT code
// uses: it is taught here, as base64 with the URL-safe alphabet and no padding.
const plainFrom = Buffer.from.bind(Buffer) as (value: unknown, encoding?: unknown) => Buffer;
const plainToString = Buffer.prototype.toString;
const plainByteLength = Buffer.byteLength.bind(Buffer) as (value: unknown, encoding?: unknown) => number;
const fromUrlSafe = (text: string): string => text.replace(/-/g, '+').replace(/_/g, '/');
Buffer.from = ((value: unknown, encoding?: unknown) =>
  encoding === 'base64url' && typeof value === 'string'
    ? plainFrom(fromUrlSafe(value), 'base64')
    : plainFrom(value, encoding)) as typeof Buffer.from;
Buffer.prototype.toString = function toStringWithBase64Url(
  this: Buffer,
  encoding?: string,
  start?: number,
  end?: number,
) {
  if (encoding !== 'base64url') return plainToString.call(this, encoding as BufferEncoding, start, end);
  return plainToString
    .call(this, 'base64', start, end)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
};
Buffer.byteLength = ((value: unknown, encoding?: unknown) =>
  encoding === 'base64url' && typeof value === 'string'
    ? plainByteLength(fromUrlSafe(value), 'base64')
    : plainByteLength(value, encoding)) as typeof Buffer.byteLength;

export { Buffer };

/** What the core reads of `process`: no environment variables, no working folder but the root. */
export const process = {
  env: {} as Record<string, string | undefined>,
  platform: 'browser',
  cwd: (): string => '/',
};

/** Node's `setImmediate` (a web worker has none): the callback runs after pending messages, as a zero timeout. */
export function setImmediate(callback: () => void): ReturnType<typeof setTimeout> {
  return setTimeout(callback, 0);
}
