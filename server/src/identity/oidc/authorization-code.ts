/**
 * Sign-in with the authorization code grant and PKCE (RFC 6749 section 4.1, RFC 7636, OIDC Core
 * section 3.1) through the system browser and a loopback redirect (RFC 8252).
 */
import * as oauth from 'oauth4webapi';
import type { SignInConfig, SignInEndpoints } from './client-config';
import { normalizeScopes } from './client-config';
import { startLoopbackListener } from './loopback';
import { createPkcePair, createRandomValue } from './pkce';
import { clientAuth, grantTokens, toTokenResult } from './protocol';
import type { TokenResult } from './tokens';

/** How long the browser part of a sign-in may take. */
export const DEFAULT_BROWSER_TIMEOUT_MS = 5 * 60_000;

/** What the editor supplies to an authorization-code sign-in. */
export interface AuthorizationCodeOptions {
  /** Opens the authorization URL in the user's browser; resolves false when it could not. */
  openBrowser(url: string): Promise<boolean>;
  /** Cancels the sign-in. */
  signal?: AbortSignal;
  /** How long to wait for the browser; default 5 minutes. */
  timeoutMs?: number;
  /**
   * Maps the listener's address to the one the browser can reach (an editor whose extension host is
   * not on the browser's machine forwards the port); default: used as it is.
   */
  exposeRedirectUri?(uri: string): Promise<string>;
}

/** Builds the authorization request URL (RFC 6749 section 4.1.1, RFC 7636 section 4.3). */
export function buildAuthorizationUrl(
  config: SignInConfig,
  endpoint: string,
  request: { redirectUri: string; state: string; nonce: string; codeChallenge: string },
): string {
  const url = new URL(endpoint);
  const scope = normalizeScopes(config.scopes);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', scope);
  url.searchParams.set('state', request.state);
  url.searchParams.set('nonce', request.nonce);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  // OIDC Core section 11: a request for offline_access must carry prompt=consent, or it is ignored.
  if (scope.split(' ').includes('offline_access')) url.searchParams.set('prompt', 'consent');
  return url.toString();
}

/** Runs an authorization-code sign-in from opening the browser to the tokens; never throws. */
export async function signInWithAuthorizationCode(
  config: SignInConfig,
  endpoints: SignInEndpoints,
  options: AuthorizationCodeOptions,
): Promise<TokenResult> {
  if (endpoints.authorizationEndpoint === undefined) {
    return { ok: false, reason: `the provider ${endpoints.issuer} names no authorization endpoint` };
  }
  if (endpoints.supportsS256 === false) {
    return { ok: false, reason: `the provider ${endpoints.issuer} does not support PKCE with S256` };
  }
  let listener: Awaited<ReturnType<typeof startLoopbackListener>>;
  try {
    listener = await startLoopbackListener();
  } catch (error) {
    return {
      ok: false,
      reason: `could not listen on 127.0.0.1 for the browser's answer (${(error as Error).name})`,
    };
  }
  try {
    const pkce = createPkcePair();
    const state = createRandomValue();
    const nonce = createRandomValue();
    const redirectUri = options.exposeRedirectUri
      ? await options.exposeRedirectUri(listener.redirectUri)
      : listener.redirectUri;
    const url = buildAuthorizationUrl(config, endpoints.authorizationEndpoint, {
      redirectUri,
      state,
      nonce,
      codeChallenge: pkce.challenge,
    });
    const waiting = listener.waitForCallback(state, {
      timeoutMs: options.timeoutMs ?? DEFAULT_BROWSER_TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!(await options.openBrowser(url))) {
      listener.close();
      return { ok: false, reason: 'the browser could not be opened for the sign-in' };
    }
    const callback = await waiting;
    if (!callback.ok)
      return { ok: false, reason: callback.reason, ...(callback.error ? { error: callback.error } : {}) };
    // The listener checked `state` already; oauth4webapi checks it again, and `iss` where offered.
    return await grantTokens(
      config,
      endpoints,
      options.signal,
      (as, client, request) =>
        oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          oauth.validateAuthResponse(as, client, new URLSearchParams({ code: callback.code, state }), state),
          redirectUri,
          pkce.verifier,
          request,
        ),
      (as, client, response) =>
        oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: nonce,
          requireIdToken: true,
        }),
      (checked) => toTokenResult(checked, { nowMs: Date.now() }),
    );
  } finally {
    listener.close();
  }
}
