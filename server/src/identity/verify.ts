/**
 * Signature and claim verification with jose, and the translation of jose's error classes into
 * reasons a developer can act on. jose's messages are never passed through verbatim: reasons are
 * built from the error class and from claim values made safe for display.
 */
import { SHA2_PUBLIC_KEY_ALGORITHMS } from './algorithms';
import type { DecodedToken } from './decode';
import { quoteClaim, sanitizeText } from './display';
import { formatLongDuration } from './durations';
import { type Jose, loadJose, type Payload } from './jose';
import { JwksFetchProblem, type KeySet } from './jwks';

/** Algorithms accepted when none are configured: asymmetric signatures only. */
export const DEFAULT_ALGORITHMS: readonly string[] = [...SHA2_PUBLIC_KEY_ALGORITHMS, 'EdDSA'];

/** What a verified token must satisfy. */
export interface VerifyPolicy {
  issuer?: string;
  audience?: string[];
  clockSkewSeconds: number;
  /** Already stripped of `none` and HS*. */
  algorithms: string[];
  nowMs: number;
}

/** The result of verification; `payload` is present when the signature (and iss/aud) held. */
export type VerifyOutcome =
  | { status: 'verified'; payload: Record<string, unknown> }
  | { status: 'expired'; payload: Record<string, unknown>; reason: string }
  | { status: 'invalid'; reason: string };

/** Removes algorithms that must never verify a token against public keys: `none` and HS*. */
export function filterAlgorithms(configured: readonly string[]): string[] {
  return configured.filter((alg) => alg.toLowerCase() !== 'none' && !/^hs\d+$/i.test(alg));
}

/** Verifies a token's signature and claims against a key set; never throws, never hangs. */
export async function verifyToken(
  token: string,
  decoded: DecodedToken,
  keySet: KeySet,
  policy: VerifyPolicy,
): Promise<VerifyOutcome> {
  const headerProblem = checkHeaderAlgorithm(decoded.header, policy.algorithms);
  if (headerProblem !== undefined) return { status: 'invalid', reason: headerProblem };
  const jose = await loadJose();
  try {
    const payload = await raceDeadline(verifyWithCandidates(jose, token, keySet, policy), keySet);
    return { status: 'verified', payload: { ...payload } };
  } catch (error) {
    return explainFailure(jose.errors, error, decoded, keySet, policy);
  }
}

async function verifyWithCandidates(
  jose: Jose,
  token: string,
  keySet: KeySet,
  policy: VerifyPolicy,
): Promise<Payload> {
  const options = {
    algorithms: policy.algorithms,
    issuer: policy.issuer,
    audience: policy.audience,
    clockTolerance: policy.clockSkewSeconds,
    currentDate: new Date(policy.nowMs),
  };
  try {
    return (await jose.jwtVerify(token, keySet.getKey, options)).payload;
  } catch (error) {
    // jose leaves the choice among several keys that fit a kid-less token to the caller: try each.
    if (!(error instanceof jose.errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error) {
      try {
        return (await jose.jwtVerify(token, candidate, options)).payload;
      } catch (inner) {
        if (!(inner instanceof jose.errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new jose.errors.JWSSignatureVerificationFailed();
  }
}

function checkHeaderAlgorithm(header: Record<string, unknown>, allowed: string[]): string | undefined {
  const alg = typeof header.alg === 'string' ? header.alg : '';
  if (alg.toLowerCase() === 'none')
    return 'token is unsigned (alg "none"); unsigned tokens are never accepted';
  if (/^hs\d+$/i.test(alg)) {
    return `token is signed with ${showAlgorithm(alg)}, a shared-secret algorithm, which is never accepted with public keys`;
  }
  if (allowed.length === 0) return 'no usable algorithm is allowed (none and HS* are never accepted)';
  if (!allowed.includes(alg)) {
    return `token algorithm ${showAlgorithm(alg)} is not allowed (allowed: ${allowed.join(', ')})`;
  }
  return undefined;
}

class VerifyDeadline extends Error {}

async function raceDeadline<T>(work: Promise<T>, keySet: KeySet): Promise<T> {
  if (keySet.timeoutMs === undefined) return work;
  // jose aborts its fetch after timeoutMs; this outer deadline only guards against anything else stalling.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VerifyDeadline()), (keySet.timeoutMs ?? 0) + 1000);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function explainFailure(
  errors: Jose['errors'],
  error: unknown,
  decoded: DecodedToken,
  keySet: KeySet,
  policy: VerifyPolicy,
): VerifyOutcome {
  const nowSeconds = policy.nowMs / 1000;
  if (error instanceof errors.JWTExpired) {
    const payload = copyPayload(error.payload) ?? decoded.payload;
    const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
    const when = exp === undefined ? '' : ` ${formatLongDuration(nowSeconds - exp)} ago`;
    return { status: 'expired', payload, reason: `token expired${when}` };
  }
  return { status: 'invalid', reason: explainInvalid(errors, error, decoded, keySet, policy, nowSeconds) };
}

function explainInvalid(
  errors: Jose['errors'],
  error: unknown,
  decoded: DecodedToken,
  keySet: KeySet,
  policy: VerifyPolicy,
  nowSeconds: number,
): string {
  const fetching = `fetching keys from ${keySet.label}`;
  if (error instanceof errors.JWTClaimValidationFailed)
    return explainClaim(error, decoded, policy, nowSeconds);
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return `signature does not verify against ${keySet.label}`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    const kid = decoded.header.kid;
    const which =
      typeof kid === 'string'
        ? `kid "${sanitizeText(kid, 64)}"`
        : `${showAlgorithm(decoded.header.alg)} (no kid)`;
    return `no key in ${keySet.label} matches the token's ${which}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `token algorithm ${showAlgorithm(decoded.header.alg)} is not allowed (allowed: ${policy.algorithms.join(', ')})`;
  }
  if (error instanceof errors.JOSENotSupported) {
    return `token algorithm ${showAlgorithm(decoded.header.alg)} is not supported with ${keySet.label}`;
  }
  if (error instanceof errors.JWKSInvalid) return `${keySet.label} is not a valid JWKS of public keys`;
  if (error instanceof errors.JWKSTimeout || error instanceof VerifyDeadline) {
    return `timed out after ${keySet.timeoutMs ?? 0} ms ${fetching}`;
  }
  if (error instanceof JwksFetchProblem) return `could not fetch keys from ${keySet.label}: ${error.detail}`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'malformed token: not a valid signed JWT';
  }
  if (error instanceof errors.JOSEError) return `token could not be verified (${error.code})`;
  if (error instanceof TypeError && error.message.includes('modulusLength')) {
    return `the RSA key in ${keySet.label} is shorter than 2048 bits`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  return `token could not be verified against ${keySet.label} (${name})`;
}

function explainClaim(
  error: InstanceType<Jose['errors']['JWTClaimValidationFailed']>,
  decoded: DecodedToken,
  policy: VerifyPolicy,
  nowSeconds: number,
): string {
  const payload = copyPayload(error.payload) ?? decoded.payload;
  const claim = error.claim;
  if (error.reason === 'invalid') return `malformed token: "${sanitizeText(claim, 16)}" is not a number`;
  if (claim === 'nbf') {
    const nbf = typeof payload.nbf === 'number' ? payload.nbf : nowSeconds;
    return `token is not valid yet: it becomes valid in ${formatLongDuration(nbf - nowSeconds)}`;
  }
  if (claim === 'iss') {
    const expected = quoteClaim(policy.issuer);
    if (error.reason === 'missing') return `token has no "iss" claim; expected issuer ${expected}`;
    return `token issuer ${quoteClaim(payload.iss)} is not the expected issuer ${expected}`;
  }
  if (claim === 'aud') {
    const expected = (policy.audience ?? []).map((aud) => quoteClaim(aud)).join(' or ');
    if (error.reason === 'missing') return `token has no "aud" claim; expected audience ${expected}`;
    return `token audience ${quoteClaim(payload.aud)} does not include the expected audience ${expected}`;
  }
  return `token claim "${sanitizeText(claim, 16)}" failed validation`;
}

function copyPayload(payload: Payload | undefined): Record<string, unknown> | undefined {
  return payload === undefined ? undefined : { ...payload };
}

function showAlgorithm(alg: unknown): string {
  return typeof alg === 'string' && /^[A-Za-z0-9+_-]{1,16}$/.test(alg) ? alg : '(unrecognised)';
}
