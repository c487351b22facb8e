/**
 * Token responses (RFC 6749 section 5.1, OIDC Core section 3.1.3.3) and the refresh-token grant
 * (RFC 6749 section 6). A `TokenSet` holds credentials: callers keep it in memory (the refresh token
 * in the editor's secret storage) and never log or show it.
 */
import * as oauth from 'oauth4webapi';
import type { SignInConfig, SignInEndpoints } from './client-config';
import {
  clientAuth,
  describeFailure,
  grantTokens,
  requestOptions,
  toAuthorizationServer,
  toClient,
  toTokenResult,
} from './protocol';

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

/** Redeems a refresh token for fresh tokens (RFC 6749 section 6); never throws. */
export async function refreshTokens(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  refreshToken: string,
  options: { previousIdToken?: string; nowMs?: () => number; signal?: AbortSignal } = {},
): Promise<TokenResult> {
  const result = await grantTokens(
    config,
    endpoints,
    options.signal,
    (as, client, request) => oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, request),
    oauth.processRefreshTokenResponse,
    (checked) => {
      const read = toTokenResult(checked, {
        nowMs: (options.nowMs ?? Date.now)(),
        ...(options.previousIdToken ? { previousIdToken: options.previousIdToken } : {}),
      });
      // A provider that does not rotate refresh tokens leaves the current one valid.
      if (read.ok && read.tokens.refreshToken === undefined) read.tokens.refreshToken = refreshToken;
      return read;
    },
  );
  return result.ok ? result : { ...result, reason: `refreshing the sign-in failed: ${result.reason}` };
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
  try {
    const response = await oauth.revocationRequest(
      toAuthorizationServer(endpoints),
      toClient(config),
      clientAuth,
      refreshToken,
      { ...requestOptions(config, endpoints), additionalParameters: { token_type_hint: 'refresh_token' } },
    );
    await oauth.processRevocationResponse(response);
    return undefined;
  } catch (error) {
    return `revoking the sign-in failed: ${describeFailure(error).reason}`;
  }
}
