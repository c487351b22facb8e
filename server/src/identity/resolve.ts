/**
 * Resolving the developer's identity: find a token (source), decode it, verify it when a key set
 * is configured, and map its claims to the policy user. Every failure becomes an `Identity` with a
 * status and a reason; nothing here throws or returns the raw token.
 */
import { completeClaimMapping, readNumber, readString, toInputUser } from './claims';
import { readClaimsFile } from './claims-file';
import { findSystemTimeZone, isTimeZone } from './context';
import { decodeToken, findBadTimeClaim, findUnknownCritical } from './decode';
import { clearDeviceCache, probeDevice } from './device';
import { clearDiscoveryCache, discoverProvider } from './discovery';
import { redactTokens, sanitizeText } from './display';
import { formatLongDuration } from './durations';
import { clearJwksCache, type KeySetLookup, loadKeySet, openRemoteKeySet } from './jwks';
import { parseCommandSetting } from './run-command';
import { findToken } from './source';
import { clearTokenCommandCache } from './token-command';
import {
  type ClaimMapping,
  DEFAULT_CLOCK_SKEW_SECONDS,
  type Identity,
  type IdentitySettings,
  type IdentitySource,
  type ResolveOptions,
} from './types';
import { DEFAULT_ALGORITHMS, filterAlgorithms, type VerifyPolicy, verifyToken } from './verify';

/** How long fetching a JWKS or a discovery document may take unless the settings say otherwise. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const UNVERIFIED_REASON = 'no key configured: token not verified';

/** Finds, decodes and (when keys are configured) verifies the developer's token; never throws. */
export async function resolveIdentity(
  settings: IdentitySettings,
  options: ResolveOptions = {},
): Promise<Identity> {
  try {
    const identity = await resolveChecked(settings ?? {}, options ?? {});
    await addSurroundings(identity, settings ?? {}, options ?? {});
    return redactIdentity(identity);
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

/** Adds what `input.context` needs beside the token: the time zone and the device probe's answer. */
async function addSurroundings(
  identity: Identity,
  settings: IdentitySettings,
  options: ResolveOptions,
): Promise<void> {
  const zone = typeof settings.timeZone === 'string' ? settings.timeZone.trim() : '';
  identity.timeZone = zone !== '' && isTimeZone(zone) ? zone : findSystemTimeZone();
  identity.device = await probeDevice(parseCommandSetting(settings.deviceCommand), {
    baseDir: readBaseDir(options),
    env: options.env ?? process.env,
    nowMs: readClock(options.now),
  });
}

async function resolveChecked(settings: IdentitySettings, options: ResolveOptions): Promise<Identity> {
  const baseDir = readBaseDir(options);
  const mapping = completeClaimMapping(settings.claimMapping);
  // Evaluate-as claims replace every token source: the point is to see what someone else sees.
  if (typeof settings.claimsFile === 'string' && settings.claimsFile.trim() !== '')
    return readClaimsFile(settings.claimsFile.trim(), baseDir, mapping);
  const nowMs = readClock(options.now);
  const lookup = await findToken(settings, {
    baseDir,
    env: options.env ?? process.env,
    nowMs,
    ...(typeof options.sessionToken === 'string' ? { sessionToken: options.sessionToken } : {}),
  });
  if (lookup.kind !== 'found') return { status: lookup.kind, reason: lookup.reason, source: lookup.source };
  const { token, source } = lookup;

  const decoded = decodeToken(token);
  if (!decoded.ok) return { status: 'invalid', reason: decoded.reason, source };
  // Checked before any key is looked at: without keys, an unsigned token must not pass as unverified.
  if (String(decoded.header.alg).toLowerCase() === 'none')
    return {
      status: 'invalid',
      reason: 'token is unsigned (alg "none"); unsigned tokens are never accepted',
      source,
    };
  const critical = findUnknownCritical(decoded.header);
  if (critical !== undefined) return { status: 'invalid', reason: critical, source };
  const badTime = findBadTimeClaim(decoded.payload);
  if (badTime !== undefined) return { status: 'invalid', reason: badTime, source };

  const clockSkewSeconds = pickNonNegative(settings.clockSkewSeconds, DEFAULT_CLOCK_SKEW_SECONDS);
  const futureIat = checkIssuedAt(decoded.payload, nowMs, clockSkewSeconds);
  if (futureIat !== undefined) return { status: 'invalid', reason: futureIat, source };
  const keys = await findKeySet(settings, baseDir, options);
  if (keys === undefined) return checkUnverified(decoded.payload, source, nowMs, clockSkewSeconds, mapping);
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
    mapping,
  );
}

/**
 * The configured key set: the JWKS file, else the JWKS URL, else the `jwks_uri` that the issuer's
 * discovery document names; undefined when none of them is configured (the token is then unverified).
 */
async function findKeySet(
  settings: IdentitySettings,
  baseDir: string,
  options: ResolveOptions,
): Promise<KeySetLookup | undefined> {
  const context = {
    baseDir,
    fetchTimeoutMs: Math.round(pickNonNegative(options.fetchTimeoutMs, DEFAULT_FETCH_TIMEOUT_MS)),
    cooldownMs: pickNonNegative(options.jwksCooldownMs, DEFAULT_JWKS_COOLDOWN_MS),
  };
  const configured = await loadKeySet(settings, context);
  if (configured !== undefined) return configured;
  const issuer = typeof settings.issuer === 'string' ? settings.issuer.trim() : '';
  if (issuer === '') return undefined;
  const discovered = await discoverProvider(issuer, { timeoutMs: context.fetchTimeoutMs });
  if (!discovered.ok) return { ok: false, reason: `could not find the issuer's keys: ${discovered.reason}` };
  const jwksUri = discovered.metadata.jwks_uri;
  if (jwksUri === undefined)
    return { ok: false, reason: `the discovery document of ${issuer} names no jwks_uri; set jwksUrl` };
  return openRemoteKeySet(jwksUri, context);
}

/** An `iat` after now (beyond the skew) means a wrong clock or a forged token; RFC 7519 4.1.6. */
function checkIssuedAt(
  payload: Record<string, unknown>,
  nowMs: number,
  skewSeconds: number,
): string | undefined {
  const iat = readNumber(payload, 'iat');
  if (iat === undefined || iat <= nowMs / 1000 + skewSeconds) return undefined;
  return `token was issued in the future (iat is ${formatLongDuration(iat - nowMs / 1000)} ahead of this clock)`;
}

function readBaseDir(options: ResolveOptions): string {
  return typeof options.baseDir === 'string' ? options.baseDir : process.cwd();
}

function checkUnverified(
  payload: Record<string, unknown>,
  source: IdentitySource,
  nowMs: number,
  skewSeconds: number,
  mapping: ClaimMapping,
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
      mapping,
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
  return buildIdentity('unverified', payload, source, UNVERIFIED_REASON, skewSeconds, mapping);
}

function buildIdentity(
  status: 'verified' | 'unverified' | 'expired',
  claims: Record<string, unknown>,
  source: IdentitySource,
  reason: string | undefined,
  clockSkewSeconds: number,
  mapping: ClaimMapping,
): Identity {
  const user = toInputUser(claims, mapping);
  if (user === undefined) {
    return {
      status: 'invalid',
      reason: `token has no "${sanitizeText(mapping.id, 40)}" claim, so it names no user`,
      source,
    };
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

/**
 * Forgets every cached answer (token-command tokens, device probe, discovery documents, remote key
 * sets), so that the next resolve asks afresh: for an explicit refresh after signing in again.
 */
export function clearIdentityCaches(): void {
  clearTokenCommandCache();
  clearDeviceCache();
  clearDiscoveryCache();
  clearJwksCache();
}
