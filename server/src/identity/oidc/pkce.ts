/** PKCE (RFC 7636) and the random values that bind a sign-in to its answer (`state`, `nonce`). */
import { createHash, randomBytes } from 'node:crypto';

/** A code verifier and its S256 challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
}

/**
 * Makes a code verifier of 43 characters from 32 random bytes (RFC 7636 section 4.1 recommends
 * exactly this) and its challenge, BASE64URL(SHA256(verifier)) (section 4.2).
 */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: computeS256Challenge(verifier) };
}

/** Computes the S256 code challenge of a verifier (RFC 7636 section 4.2). */
export function computeS256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Makes an unguessable value for `state` or `nonce` (128 bits and more). */
export function createRandomValue(): string {
  return randomBytes(24).toString('base64url');
}
