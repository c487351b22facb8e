/**
 * The OAuth 2.0 / OpenID Connect protocol, done by oauth4webapi (by the author of `jose` and
 * `oidc-provider`; it runs in Node and in browsers): request building, response and ID token checks
 * (iss, aud, azp, exp, iat, nonce: OIDC Core section 3.1.3.7). This module adapts it to Clearance's
 * results, which never throw and whose reasons never hold a credential.
 */
import * as oauth from 'oauth4webapi';
import { decodeToken } from '../decode';
import type { SignInConfig, SignInEndpoints } from './client-config';
import {
  createProviderFetch,
  describeOAuthError,
  ProviderTransportError,
  readOAuthError,
  sanitize,
} from './http';
import type { TokenResult, TokenSet } from './tokens';

/** The provider as oauth4webapi describes it, from the discovered endpoints only. */
export function toAuthorizationServer(endpoints: SignInEndpoints): oauth.AuthorizationServer {
  return {
    issuer: endpoints.issuer,
    token_endpoint: endpoints.tokenEndpoint,
    ...(endpoints.authorizationEndpoint ? { authorization_endpoint: endpoints.authorizationEndpoint } : {}),
    ...(endpoints.deviceAuthorizationEndpoint
      ? { device_authorization_endpoint: endpoints.deviceAuthorizationEndpoint }
      : {}),
    ...(endpoints.revocationEndpoint ? { revocation_endpoint: endpoints.revocationEndpoint } : {}),
  };
}

/** Clearance's client at the provider: a public client, no secret (RFC 8252 section 8.4). */
export function toClient(config: SignInConfig): oauth.Client {
  return { client_id: config.clientId };
}

/** Public clients authenticate with their client_id alone. */
export const clientAuth: oauth.ClientAuth = oauth.None();

/**
 * Request options: the bounded fetch, the cancel signal, and plain http only where discovery already
 * allowed it (an issuer on 127.0.0.1, for local providers and tests).
 */
export function requestOptions(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  signal?: AbortSignal,
): oauth.TokenEndpointRequestOptions {
  const fetchOptions = {
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    ...(signal ? { signal } : {}),
  };
  return {
    [oauth.customFetch]: createProviderFetch(fetchOptions),
    [oauth.allowInsecureRequests]: new URL(endpoints.issuer).protocol === 'http:',
    ...(signal ? { signal } : {}),
  };
}

/** Sends a token request (given the provider, the client and the request options). */
type SendGrant = (
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  options: oauth.TokenEndpointRequestOptions,
) => Promise<Response>;

/** oauth4webapi's checks of a token endpoint answer for one grant type. */
type CheckGrant = (
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
) => Promise<oauth.TokenEndpointResponse>;

/**
 * One token-endpoint grant: the request through the bounded transport, oauth4webapi's checks of the
 * answer, and `read` turning it into tokens; a failure at any step is a reason. Never throws.
 */
export async function grantTokens(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  signal: AbortSignal | undefined,
  send: SendGrant,
  check: CheckGrant,
  read: (checked: oauth.TokenEndpointResponse) => TokenResult,
): Promise<TokenResult> {
  const as = toAuthorizationServer(endpoints);
  const client = toClient(config);
  try {
    const response = await send(as, client, requestOptions(config, endpoints, signal));
    return read(await check(as, client, response));
  } catch (error) {
    return { ok: false, ...describeFailure(error) };
  }
}

/** Why a protocol step failed, safe to show, with the provider's OAuth error code when it sent one. */
export function describeFailure(error: unknown): { reason: string; error?: string } {
  if (error instanceof ProviderTransportError) return { reason: error.message };
  if (error instanceof oauth.ResponseBodyError) {
    const read = readOAuthError(error.error, error.error_description);
    return { reason: `the provider answered ${describeOAuthError(read)}`, error: read.error };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return { reason: `the provider refused the request (HTTP ${error.status})` };
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    const read = readOAuthError(error.error, error.error_description);
    return { reason: `the provider answered ${describeOAuthError(read)}`, error: read.error };
  }
  if (error instanceof oauth.OperationProcessingError) return { reason: describeCheck(error) };
  return { reason: `the provider's answer could not be read (${(error as Error)?.name ?? 'error'})` };
}

/** Turns a checked token endpoint answer into a TokenSet; `previousIdToken` stands in when a refresh brings none. */
export function toTokenResult(
  response: oauth.TokenEndpointResponse,
  options: { nowMs: number; previousIdToken?: string },
): TokenResult {
  const idToken =
    typeof response.id_token === 'string' && response.id_token !== '' ? response.id_token : undefined;
  const chosen = idToken ?? options.previousIdToken;
  if (chosen === undefined)
    return { ok: false, reason: 'the token response holds no id_token (is the openid scope granted?)' };
  // A fresh ID token's claims were checked by oauth4webapi; a kept one was checked when it arrived.
  const decoded = decodeToken(chosen);
  if (!decoded.ok) return { ok: false, reason: `the ID token is unusable: ${decoded.reason}` };
  const claims = decoded.payload;
  if (typeof claims.sub !== 'string' || claims.sub === '')
    return { ok: false, reason: 'the ID token names no subject (sub)' };
  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return { ok: false, reason: 'the ID token has no exp' };
  const tokens: TokenSet = {
    idToken: chosen,
    accessToken: response.access_token,
    idTokenExpiresAt: exp * 1000,
    claims,
  };
  if (typeof response.refresh_token === 'string' && response.refresh_token !== '')
    tokens.refreshToken = response.refresh_token;
  const expiresIn = response.expires_in;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0)
    tokens.accessTokenExpiresAt = options.nowMs + expiresIn * 1000;
  if (typeof response.scope === 'string') tokens.scope = response.scope;
  return { ok: true, tokens };
}

/** The ID token checks in people's words (OIDC Core section 3.1.3.7); others keep the library's text. */
function describeCheck(error: oauth.OperationProcessingError): string {
  const claim = (error.cause as { claim?: unknown } | undefined)?.claim;
  switch (claim) {
    case 'iss':
      return 'the ID token names another issuer than the configured one';
    case 'aud':
      return 'the ID token is not meant for this client (aud)';
    case 'azp':
      return 'the ID token was issued to another party (azp)';
    case 'nonce':
      return 'the ID token does not carry the nonce of this sign-in (a replayed or injected token)';
    case 'exp':
      return 'the ID token has expired';
    default:
      return `the provider's answer failed a check: ${sanitize(error.message, 200)}`;
  }
}
