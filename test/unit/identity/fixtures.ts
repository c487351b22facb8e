/**
 * Shared test fixtures: real keys generated at test time with jose, hand-built hostile tokens, and
 * temporary directories. Nothing here is a test by itself.
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdentitySettings } from '../../../server/src/identity';
import { type Jose, type KeySetJson, loadJose } from '../../../server/src/identity/jose';

type PrivateKey = Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];

/** A signing key with its public JWK (kid and alg set). */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: PrivateKey;
  publicJwk: KeySetJson['keys'][number];
}

/** A fixed clock for tests: 2030-01-01T00:00:00Z in epoch seconds. */
export const NOW_SECONDS = 1_893_456_000;
/** The same instant in epoch milliseconds, for `ResolveOptions.now`. */
export const NOW_MS = NOW_SECONDS * 1000;
/** Issuer used by test tokens. */
export const ISSUER = 'https://id.test.example';
/** Audience used by test tokens. */
export const AUDIENCE = 'clearance-test';

/** Generates a fresh key pair for `alg` with the given kid. */
export async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const jose = await loadJose();
  const { publicKey, privateKey } = await jose.generateKeyPair(alg);
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

/** A JWKS holding the public halves of the keys. */
export function makeJwks(...keys: TestKey[]): KeySetJson {
  return { keys: keys.map((key) => key.publicJwk) };
}

/** Standard claims for alice, valid for an hour around NOW_SECONDS. */
export function makeAliceClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    email: 'alice@example.com',
    name: 'Alice Example',
    role: 'developer',
    roles: ['developer'],
    iat: NOW_SECONDS - 600,
    exp: NOW_SECONDS + 3600,
    ...overrides,
  };
}

/** The user that makeAliceClaims() maps to. */
export const ALICE_USER = {
  id: 'alice',
  email: 'alice@example.com',
  name: 'Alice Example',
  role: 'developer',
  roles: ['developer'],
};

/** Signs claims with a key; `header` adds to (or overrides) the protected header. */
export async function signToken(
  claims: Record<string, unknown>,
  key: TestKey,
  header: Record<string, unknown> = {},
): Promise<string> {
  const jose = await loadJose();
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** Base64url-encodes a JSON value, as a JWT part. */
export function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Builds an unsigned token: header `{"alg":"none"}` and an empty signature. */
export function makeUnsignedToken(claims: Record<string, unknown>, kid?: string): string {
  return `${encodePart({ alg: 'none', typ: 'JWT', kid })}.${encodePart(claims)}.`;
}

/** The key-confusion attack: HS256 keyed with the RSA public key's SPKI PEM text. */
export async function makeHs256WithPublicKey(claims: Record<string, unknown>, key: TestKey): Promise<string> {
  const jose = await loadJose();
  const publicKey = await jose.importJWK(key.publicJwk, key.alg);
  if (!('type' in publicKey)) throw new Error('expected a CryptoKey');
  const pem = await jose.exportSPKI(publicKey);
  const signingInput = `${encodePart({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${encodePart(claims)}`;
  const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** Replaces a signed token's payload, keeping its header and signature. */
export function tamperPayload(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encodePart(claims)}.${signature}`;
}

/** A temporary directory with helpers to write files into it. */
export interface TempDir {
  path: string;
  write(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates a temporary directory for one test file. */
export async function makeTempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'clearance-identity-'));
  return {
    path,
    async write(name, content) {
      const file = join(path, name);
      await writeFile(file, content);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Settings that verify test tokens against the `jwks.json` that makeJwksDir writes. */
export const JWKS_FILE_SETTINGS: IdentitySettings = {
  jwksFile: 'jwks.json',
  issuer: ISSUER,
  audience: AUDIENCE,
};

/** Creates a temporary directory holding `jwks.json` with the public halves of the keys. */
export async function makeJwksDir(...keys: TestKey[]): Promise<TempDir> {
  const dir = await makeTempDir();
  await dir.write('jwks.json', JSON.stringify(makeJwks(...keys)));
  return dir;
}
