/**
 * `node:crypto` in the web build (esbuild aliases the module to this file; see scripts/build.mjs):
 * the hashes and HMACs the core uses (policy versions, cache keys, Rego's `crypto.*` builtins) from
 * `@noble/hashes`, synchronous as Node's are, and randomness from Web Crypto. Key objects and X.509
 * certificates have no synchronous browser equivalent: using one throws an error saying so, which
 * the Rego builtins report as an evaluation error.
 */
import { hmac } from '@noble/hashes/hmac';
import { md5, sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { Buffer } from 'buffer';

type Algorithm = typeof sha256;
const algorithms: Record<string, Algorithm> = { md5, sha1, sha256, sha384, sha512 };

function pick(name: string): Algorithm {
  const found = algorithms[name.toLowerCase().replace('-', '')];
  if (!found) throw new Error(`hash ${name} is not available in the web build of Clearance`);
  return found;
}

function toBytes(data: string | Uint8Array, encoding?: string): Uint8Array {
  if (typeof data !== 'string') return data;
  return encoding && encoding !== 'utf8' && encoding !== 'utf-8'
    ? Buffer.from(data, encoding as BufferEncoding)
    : new TextEncoder().encode(data);
}

/** A hash or HMAC being fed, as Node's `Hash` and `Hmac`. */
class Digest {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly finish: (message: Uint8Array) => Uint8Array) {}

  update(data: string | Uint8Array, encoding?: string): this {
    this.parts.push(toBytes(data, encoding));
    return this;
  }

  digest(): Buffer;
  digest(encoding: BufferEncoding): string;
  digest(encoding?: BufferEncoding): Buffer | string {
    const out = Buffer.from(this.finish(Buffer.concat(this.parts)));
    return encoding ? out.toString(encoding) : out;
  }
}

/** Node's `createHash` for md5, sha1, sha256, sha384 and sha512. */
export function createHash(algorithm: string): Digest {
  const hash = pick(algorithm);
  return new Digest((message) => hash(message));
}

/** Node's `createHmac` for the same hashes. */
export function createHmac(algorithm: string, key: string | Uint8Array): Digest {
  const hash = pick(algorithm);
  const keyBytes = toBytes(key);
  return new Digest((message) => hmac(hash, keyBytes, message));
}

/** Compares two byte strings of equal length in time independent of where they differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** A random version 4 UUID from Web Crypto. */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

/** Random bytes from Web Crypto. */
export function randomBytes(size: number): Buffer {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(size)));
}

function unavailable(what: string): never {
  throw new Error(`${what} is not available in the web build of Clearance (vscode.dev, github.dev)`);
}

/** Node's key objects have no synchronous browser equivalent. */
export function createPublicKey(): never {
  return unavailable('reading public keys (crypto.x509.*, io.jwt.verify_* with PEM keys)');
}

/** Node's key objects have no synchronous browser equivalent. */
export function createPrivateKey(): never {
  return unavailable('reading private keys (crypto.parse_private_keys, io.jwt.encode_sign)');
}

/** Node's certificate parser has no synchronous browser equivalent. */
export class X509Certificate {
  constructor() {
    unavailable('parsing X.509 certificates (crypto.x509.*)');
  }
}

/** Node's signature checks have no synchronous browser equivalent. */
export function verify(): never {
  return unavailable('verifying signatures synchronously (io.jwt.verify_*)');
}

/** Node's signing has no synchronous browser equivalent. */
export function sign(): never {
  return unavailable('signing synchronously (io.jwt.encode_sign)');
}
