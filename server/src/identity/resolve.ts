/**
 * Resolving the developer's identity: find a token (source), decode it, verify it when a key set
 * is configured, and map its claims to the policy user. Every failure becomes an `Identity` with a
 * status and a reason; nothing here throws or returns the raw token.
 */
import { readNumber, readString, toInputUser } from './claims';
import { decodeToken, findBadTimeClaim } from './decode';
import { redactTokens } from './display';
import { formatLongDuration } from './durations';
import { loadKeySet } from './jwks';
import { findToken } from './source';
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  type Identity,
  type IdentitySettings,
  type IdentitySource,
  type ResolveOptions,
} from './types';
import { DEFAULT_ALGORITHMS, filterAlgorithms, type VerifyPolicy, verifyToken } from './verify';

const DEFAULT_FETCH_TIMEOUT_MS = 5000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const UNVERIFIED_REASON = 'no key configured: token not verified';

/** Finds, decodes and (when keys are configured) verifies the developer's token; never throws. */
export async function resolveIdentity(
  settings: IdentitySettings,
  options: ResolveOptions = {},
): Promise<Identity> {
  try {
    return redactIdentity(await resolveChecked(settings ?? {}, options ?? {}));
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    return {
      status: 'invalid',
      reason: `identity could not be resolved (internal error: ${name})`,
      source: { kind: 'none', label: 'no token source' },
    };
  }
}

/**
 * The last line of defence: the label and the reason are shown in the CLI, the output channel, the
 * status bar tooltip and hovers, so no token-like text may survive in them, whatever produced it.
 */
function redactIdentity(identity: Identity): Identity {
  identity.source = { ...identity.source, label: redactTokens(identity.source.label) };
  if (identity.reason !== undefined) identity.reason = redactTokens(identity.reason);
  return identity;
}

async function resolveChecked(settings: IdentitySettings, options: ResolveOptions): Promise<Identity> {
  const baseDir = typeof options.baseDir === 'string' ? options.baseDir : process.cwd();
  const lookup = await findToken(settings, {
    baseDir,
    env: options.env ?? process.env,
    ...(typeof options.sessionToken === 'string' ? { sessionToken: options.sessionToken } : {}),
  });
  if (lookup.kind !== 'found') return { status: lookup.kind, reason: lookup.reason, source: lookup.source };
  const { token, source } = lookup;

  const decoded = decodeToken(token);
  if (!decoded.ok) return { status: 'invalid', reason: decoded.reason, source };
  const badTime = findBadTimeClaim(decoded.payload);
  if (badTime !== undefined) return { status: 'invalid', reason: badTime, source };

  const nowMs = readClock(options.now);
  const clockSkewSeconds = pickNonNegative(settings.clockSkewSeconds, DEFAULT_CLOCK_SKEW_SECONDS);
  const keys = await loadKeySet(settings, {
    baseDir,
    fetchTimeoutMs: Math.round(pickNonNegative(options.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS)),
    cooldownMs: pickNonNegative(options.jwksCooldownMs, DEFAULT_JWKS_COOLDOWN_MS),
  });
  if (keys === undefined) return checkUnverified(decoded.payload, source, nowMs, clockSkewSeconds);
  if (!keys.ok) return { status: 'invalid', reason: keys.reason, source };

  const policy: VerifyPolicy = {
    algorithms: filterAlgorithms(pickStrings(settings.algorithms) ?? DEFAULT_ALGORITHMS),
    clockSkewSeconds,
    nowMs,
  };
  const issuer = typeof settings.issuer === 'string' && settings.issuer !== '' ? settings.issuer : undefined;
  if (issuer !== undefined) policy.issuer = issuer;
  const audience = pickStrings(
    typeof settings.audience === 'string' ? [settings.audience] : settings.audience,
  );
  if (audience !== undefined) policy.audience = audience;
  // A signed-in ID token is issued to Clearance's client (OIDC Core section 2, `aud`): with no audience
  // configured, that is the one it must carry, so a token issued to another app is not accepted.
  else if (source.kind === 'signin' && typeof settings.clientId === 'string' && settings.clientId !== '')
    policy.audience = [settings.clientId];

  const outcome = await verifyToken(token, decoded, keys.keySet, policy);
  if (outcome.status === 'invalid') return { status: 'invalid', reason: outcome.reason, source };
  return buildIdentity(
    outcome.status,
    outcome.payload,
    source,
    outcome.status === 'expired' ? outcome.reason : undefined,
    clockSkewSeconds,
  );
}

function checkUnverified(
  payload: Record<string, unknown>,
  source: IdentitySource,
  nowMs: number,
  skewSeconds: number,
): Identity {
  const now = nowMs / 1000;
  // Same rule as jose's for verified tokens: expired when exp <= now - skew.
  const exp = readNumber(payload, 'exp');
  if (exp !== undefined && exp <= now - skewSeconds) {
    return buildIdentity(
      'expired',
      payload,
      source,
      `token expired ${formatLongDuration(now - exp)} ago (${UNVERIFIED_REASON})`,
      skewSeconds,
    );
  }
  const nbf = readNumber(payload, 'nbf');
  if (nbf !== undefined && nbf > now + skewSeconds) {
    return {
      status: 'invalid',
      reason: `token is not valid yet: it becomes valid in ${formatLongDuration(nbf - now)}`,
      source,
    };
  }
  return buildIdentity('unverified', payload, source, UNVERIFIED_REASON, skewSeconds);
}

function buildIdentity(
  status: 'verified' | 'unverified' | 'expired',
  claims: Record<string, unknown>,
  source: IdentitySource,
  reason: string | undefined,
  clockSkewSeconds: number,
): Identity {
  const user = toInputUser(claims);
  if (user === undefined) {
    return { status: 'invalid', reason: 'token has no "sub" claim, so it names no user', source };
  }
  const identity: Identity = { status, source, user, claims };
  if (reason !== undefined) identity.reason = reason;
  const issuer = readString(claims, 'iss');
  if (issuer !== undefined) identity.issuer = issuer;
  const expiresAt = readNumber(claims, 'exp');
  if (expiresAt !== undefined) identity.expiresAt = expiresAt;
  const issuedAt = readNumber(claims, 'iat');
  if (issuedAt !== undefined) identity.issuedAt = issuedAt;
  identity.clockSkewSeconds = clockSkewSeconds;
  return identity;
}

function readClock(now: (() => number) | undefined): number {
  const value = typeof now === 'function' ? now() : Date.now();
  return Number.isFinite(value) ? value : Date.now();
}

function pickNonNegative(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function pickStrings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return strings.length > 0 ? strings : undefined;
}
