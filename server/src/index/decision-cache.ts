/**
 * The decision cache: decisions keyed by who asks (an identity fingerprint, never the token), the
 * policy version, the settings that change a decision, and the call's input in canonical JSON.
 * A key changes whenever any of those do, so nothing is ever invalidated by hand; the cache is an
 * LRU bounded in entries.
 */
import { createHash } from 'node:crypto';
import { type CallDecision, decideCall } from '../decision/decide';
import { buildCallInput, type CallInput } from '../decision/input';
import { type DecidedCall, type DecisionContext, decideIfNoIdentity } from '../decision/scan';
import type { Identity } from '../identity';
import type { HttpCall } from '../scanner';

/** How long a cached decision stands for inputs that differ only in the clock fields of `input.context`. */
export const timeBucketMs = 60_000;

/** A bounded map from decision keys to decisions; the least recently used entry goes first. */
export class DecisionCache {
  hits = 0;
  misses = 0;
  private readonly entries = new Map<string, CallDecision>();

  constructor(readonly maxEntries = 50_000) {}

  /** The decision stored under `key`, which becomes the most recently used. */
  get(key: string): CallDecision | undefined {
    const found = this.entries.get(key);
    if (found === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, found);
    return found;
  }

  /** Stores a decision, evicting the least recently used ones past `maxEntries`. */
  set(key: string, decision: CallDecision): void {
    this.entries.delete(key);
    this.entries.set(key, decision);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** How many decisions are stored. */
  get size(): number {
    return this.entries.size;
  }

  /** Every key stored, oldest first (for tests and diagnostics). */
  listKeys(): string[] {
    return [...this.entries.keys()];
  }
}

/**
 * A fingerprint of the identity as decisions see it: its state, the user claims that reach the
 * input, the issuer and expiry. Built from decoded claims only; the token is never an input.
 */
export function fingerprintIdentity(identity: Identity): string {
  const parts = [identity.status, identity.user ?? null, identity.issuer ?? null, identity.expiresAt ?? null];
  return createHash('sha256').update(stringifyCanonical(parts)).digest('hex').slice(0, 24);
}

/** What a decision depends on, besides the call. */
export interface DecisionKeyParts {
  identityFingerprint: string;
  policyVersion: string;
  entrypoint: string;
  limits: { timeoutMs: number; maxSteps: number; maxDepth?: number; allowHttpSend?: boolean };
  input: CallInput;
  now: Date;
}

/**
 * The context fields that follow the clock second by second. The key holds the minute instead (and
 * the identity fingerprint holds what they are computed from), so a file's decisions are reused
 * for up to a minute rather than never.
 */
const clockFields = ['time', 'local_time', 'auth_age_seconds', 'token_seconds_left'] as const;

/** The cache key of one decision: a SHA-256 over its parts, with the input in canonical JSON (keys sorted). */
export function buildDecisionKey(parts: DecisionKeyParts): string {
  const { context, ...rest } = parts.input.input;
  const withoutTime =
    typeof context === 'object' && context !== null && !Array.isArray(context)
      ? { ...context, ...Object.fromEntries(clockFields.map((field) => [field, undefined])) }
      : context;
  const canonical = stringifyCanonical([
    parts.identityFingerprint,
    parts.policyVersion,
    parts.entrypoint,
    parts.limits.timeoutMs,
    parts.limits.maxSteps,
    parts.limits.maxDepth,
    parts.limits.allowHttpSend === true,
    Math.floor(parts.now.getTime() / timeBucketMs),
    { ...rest, context: withoutTime },
    [...parts.input.unknowns].sort(),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Decides one call through the cache: a hit reuses the decision, a miss decides and stores it.
 * Decisions stopped by a time limit are not stored, as they say more about the machine's load
 * than about the policy.
 */
export function decideCached(
  cache: DecisionCache,
  file: string,
  call: HttpCall,
  context: DecisionContext,
  timeoutMs = context.settings.evaluation.timeoutMs,
  identityFingerprint = fingerprintIdentity(context.identity),
): DecidedCall {
  const input = buildCallInput(call, context.identity, context.now, context.project);
  // Without an identity nothing is asked of the policy (clearance.identity.anonymous), so nothing is cached.
  const undecided = decideIfNoIdentity(file, call, input, context);
  if (undecided) return undecided;
  const limits = { ...context.settings.evaluation, timeoutMs };
  const key = buildDecisionKey({
    identityFingerprint,
    policyVersion: context.policy.version,
    entrypoint: context.settings.policy.entrypoint,
    limits: context.settings.evaluation,
    input,
    now: context.now,
  });
  const cached = cache.get(key);
  if (cached) return { file, call, input, decision: cached };
  const decision = decideCall(context.policy, context.settings.policy.entrypoint, input, limits);
  if (!decision.errors.some((e) => e.code === 'eval_cancel_error')) cache.set(key, decision);
  return { file, call, input, decision };
}

/** JSON with object keys sorted at every level, and undefined members left out. */
export function stringifyCanonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}
