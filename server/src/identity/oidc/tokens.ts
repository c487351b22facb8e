/**
 * Token responses (RFC 6749 section 5.1, OIDC Core section 3.1.3.3) and the refresh-token grant
 * (RFC 6749 section 6). A `TokenSet` holds credentials: callers keep it in memory (the refresh token
 * in the editor's secret storage) and never log or show it.
 */
import { decodeToken } from '../decode';
import type { SignInConfig, SignInEndpoints } from './client-config';
import { describeOAuthError, postForm, readOAuthError } from './http';

/** The tokens of one sign-in. */
export interface TokenSet {
  idToken: string;
  accessToken: string;
  /** Absent when the provider issued none (then the session ends when the ID token expires). */
  refreshToken?: string;
  /** When the ID token expires (its `exp`), epoch milliseconds. */
  idTokenExpiresAt: number;
  /** When the access token expires (`expires_in`), epoch milliseconds; absent if unknown. */
  accessTokenExpiresAt?: number;
  /** The granted scopes, when the provider said. */
  scope?: string;
  /** The ID token's claims (no credential among them). */
  claims: Record<string, unknown>;
}

/** Tokens, or why there are none; `error` is the provider's OAuth error code when it gave one. */
export type TokenResult = { ok: true; tokens: TokenSet } | { ok: false; reason: string; error?: string };

/** Checks a token-endpoint answer and reads it into a `TokenSet`; `nonce` is checked when given. */
export function readTokenResponse(
  body: Record<string, unknown>,
  options: { nowMs: number; clientId: string; issuer: string; nonce?: string; previousIdToken?: string },
): TokenResult {
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '')
    return { ok: false, reason: 'the token response holds no access_token' };
  if (typeof body.token_type !== 'string' || !/^(bearer|dpop)$/i.test(body.token_type))
    return { ok: false, reason: 'the token response has no usable token_type' };
  const idToken = typeof body.id_token === 'string' && body.id_token !== '' ? body.id_token : undefined;
  // RFC 6749 section 6 and OIDC Core section 12.2: a refresh answer may leave the ID token out.
  const chosenIdToken = idToken ?? options.previousIdToken;
  if (chosenIdToken === undefined)
    return { ok: false, reason: 'the token response holds no id_token (is the openid scope granted?)' };
  const decoded = decodeToken(chosenIdToken);
  if (!decoded.ok) return { ok: false, reason: `the ID token is unusable: ${decoded.reason}` };
  const claims = decoded.payload;
  if (idToken !== undefined) {
    const problem = checkIdTokenClaims(claims, options);
    if (problem !== undefined) return { ok: false, reason: problem };
  }
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return { ok: false, reason: 'the ID token has no exp' };
  const tokens: TokenSet = { idToken: chosenIdToken, accessToken, idTokenExpiresAt: exp * 1000, claims };
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '')
    tokens.refreshToken = body.refresh_token;
  const expiresIn = body.expires_in;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0)
    tokens.accessTokenExpiresAt = options.nowMs + expiresIn * 1000;
  if (typeof body.scope === 'string') tokens.scope = body.scope;
  return { ok: true, tokens };
}

/**
 * The ID-token checks a client makes on a token it got straight from the token endpoint over TLS
 * (OIDC Core section 3.1.3.7: iss, aud, azp, nonce); the signature is verified where the identity is
 * resolved, against the provider's keys.
 */
function checkIdTokenClaims(
  claims: Record<string, unknown>,
  options: { clientId: string; issuer: string; nonce?: string },
): string | undefined {
  if (claims.iss !== options.issuer) return 'the ID token names another issuer than the configured one';
  const aud = claims.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.clientId)) return 'the ID token is not meant for this client (aud)';
  if (audiences.length > 1 && claims.azp !== undefined && claims.azp !== options.clientId)
    return 'the ID token was issued to another party (azp)';
  if (options.nonce !== undefined && claims.nonce !== options.nonce)
    return 'the ID token does not carry the nonce of this sign-in (a replayed or injected token)';
  if (typeof claims.sub !== 'string' || claims.sub === '') return 'the ID token names no subject (sub)';
  return undefined;
}

/** Redeems a refresh token for fresh tokens (RFC 6749 section 6); never throws. */
export async function refreshTokens(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  refreshToken: string,
  options: { previousIdToken?: string; nowMs?: () => number; signal?: AbortSignal } = {},
): Promise<TokenResult> {
  const answer = await postForm(
    endpoints.tokenEndpoint,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: config.clientId },
    { timeoutMs: config.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (!answer.ok) return { ok: false, reason: `refreshing the sign-in failed: ${answer.reason}` };
  const error = readOAuthError(answer.body);
  if (error !== undefined || answer.status !== 200) {
    const described = error ? describeOAuthError(error) : `HTTP ${answer.status}`;
    return {
      ok: false,
      reason: `refreshing the sign-in failed: the provider answered ${described}`,
      ...(error ? { error: error.error } : {}),
    };
  }
  const read = readTokenResponse(answer.body, {
    nowMs: (options.nowMs ?? Date.now)(),
    clientId: config.clientId,
    issuer: endpoints.issuer,
    ...(options.previousIdToken ? { previousIdToken: options.previousIdToken } : {}),
  });
  if (!read.ok) return read;
  // RFC 6749 section 6: without a new refresh token in the answer, the old one stays valid.
  if (read.tokens.refreshToken === undefined) read.tokens.refreshToken = refreshToken;
  return read;
}

/** Exchanges an authorization or device code at the token endpoint and reads the answer; never throws. */
export async function requestTokens(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  params: Record<string, string>,
  options: { nonce?: string; signal?: AbortSignal } = {},
): Promise<TokenResult> {
  const answer = await postForm(
    endpoints.tokenEndpoint,
    { ...params, client_id: config.clientId },
    { timeoutMs: config.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (!answer.ok) return { ok: false, reason: answer.reason };
  const error = readOAuthError(answer.body);
  if (error !== undefined || answer.status !== 200) {
    return {
      ok: false,
      reason: `the provider answered ${error ? describeOAuthError(error) : `HTTP ${answer.status}`}`,
      ...(error ? { error: error.error } : {}),
    };
  }
  return readTokenResponse(answer.body, {
    nowMs: Date.now(),
    clientId: config.clientId,
    issuer: endpoints.issuer,
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
  });
}

/**
 * When to refresh: the earlier of 80% of the tokens' lifetime and 2 minutes before they expire; for
 * tokens too short-lived for a 2-minute margin, at 80%; never sooner than a second from now.
 */
export function computeRefreshAt(
  tokens: Pick<TokenSet, 'idTokenExpiresAt' | 'accessTokenExpiresAt' | 'claims'>,
  nowMs: number,
): number {
  const expiresAt = Math.min(
    tokens.idTokenExpiresAt,
    tokens.accessTokenExpiresAt ?? Number.POSITIVE_INFINITY,
  );
  const iat = typeof tokens.claims.iat === 'number' ? tokens.claims.iat * 1000 : nowMs;
  const issuedAt = Math.min(iat, nowMs);
  const atFraction = issuedAt + (expiresAt - issuedAt) * 0.8;
  const beforeEnd = expiresAt - 2 * 60_000;
  const chosen = beforeEnd > nowMs ? Math.min(atFraction, beforeEnd) : atFraction;
  return Math.max(nowMs + 1000, chosen);
}

/**
 * Asks the provider to revoke a refresh token (RFC 7009) when signing out, so that a copy of it
 * left anywhere is worthless. Best effort: resolves with why not, and a provider without a revocation
 * endpoint is not an error; never throws.
 */
export async function revokeRefreshToken(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  refreshToken: string,
): Promise<string | undefined> {
  if (endpoints.revocationEndpoint === undefined) return undefined;
  const answer = await postForm(
    endpoints.revocationEndpoint,
    { token: refreshToken, token_type_hint: 'refresh_token', client_id: config.clientId },
    { timeoutMs: config.timeoutMs, allowEmpty: true },
  );
  if (!answer.ok) return `revoking the sign-in failed: ${answer.reason}`;
  // RFC 7009 section 2.2: 200 whether or not the token was valid.
  if (answer.status === 200) return undefined;
  const error = readOAuthError(answer.body);
  return `revoking the sign-in failed: the provider answered ${error ? describeOAuthError(error) : `HTTP ${answer.status}`}`;
}
