/**
 * What a sign-in needs to know about the provider and the client, and the checks that keep every call
 * on the configured issuer's discovered endpoints.
 */
import { discoverProvider, type ProviderMetadata } from '../discovery';

/** The default scopes: an ID token, the user's profile and e-mail, and a refresh token. */
export const DEFAULT_SCOPES = 'openid profile email offline_access';

/** The configured issuer and public client. */
export interface SignInConfig {
  /** The issuer URL; its discovery document names every endpoint called. */
  issuer: string;
  /** The client registered for Clearance at the provider (a public client: no secret). */
  clientId: string;
  /** Space-separated scopes; `openid` is added when missing. */
  scopes?: string;
  /** The time each call to the provider may take. */
  timeoutMs?: number;
}

/** The provider's endpoints that sign-in uses, taken from discovery only. */
export interface SignInEndpoints {
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  revocationEndpoint?: string;
  /** Whether the provider says it supports PKCE with S256 (absent: it did not say). */
  supportsS256?: boolean;
}

/** The endpoints, or why sign-in cannot start (safe to show). */
export type EndpointsResult = { ok: true; endpoints: SignInEndpoints } | { ok: false; reason: string };

/** Checks the configuration and discovers the provider's endpoints; never throws. */
export async function loadSignInEndpoints(config: SignInConfig): Promise<EndpointsResult> {
  const problem = findConfigProblem(config);
  if (problem !== undefined) return { ok: false, reason: problem };
  const discovered = await discoverProvider(config.issuer, { timeoutMs: config.timeoutMs ?? 10_000 });
  if (!discovered.ok) return { ok: false, reason: discovered.reason };
  return toEndpoints(discovered.metadata);
}

/** Says what is wrong with the sign-in settings, or nothing when they can be used. */
export function findConfigProblem(config: SignInConfig): string | undefined {
  if (typeof config.issuer !== 'string' || config.issuer.trim() === '') {
    return 'no issuer is configured: set clearance.identity.issuer to your OpenID provider';
  }
  if (typeof config.clientId !== 'string' || config.clientId.trim() === '') {
    return 'no client is configured: set clearance.identity.clientId to the client registered for Clearance';
  }
  // RFC 6749 appendix A.1: a client_id is printable ASCII (VSCHAR); spaces would not survive a form.
  if (config.clientId.length > 256 || !/^[!-~]+$/.test(config.clientId)) {
    return 'clearance.identity.clientId is not a client identifier';
  }
  return undefined;
}

/** The scopes to request: the configured ones (or the defaults), always with `openid`. */
export function normalizeScopes(scopes: string | undefined): string {
  const list = (scopes ?? '').split(/\s+/).filter((s) => s !== '');
  const chosen = list.length > 0 ? list : DEFAULT_SCOPES.split(' ');
  if (!chosen.includes('openid')) chosen.unshift('openid');
  return [...new Set(chosen)].join(' ');
}

function toEndpoints(metadata: ProviderMetadata): EndpointsResult {
  if (metadata.token_endpoint === undefined) {
    return {
      ok: false,
      reason: `the provider ${metadata.issuer} names no token endpoint in its discovery document`,
    };
  }
  const endpoints: SignInEndpoints = { issuer: metadata.issuer, tokenEndpoint: metadata.token_endpoint };
  if (metadata.authorization_endpoint) endpoints.authorizationEndpoint = metadata.authorization_endpoint;
  if (metadata.device_authorization_endpoint)
    endpoints.deviceAuthorizationEndpoint = metadata.device_authorization_endpoint;
  if (metadata.revocation_endpoint) endpoints.revocationEndpoint = metadata.revocation_endpoint;
  if (metadata.code_challenge_methods_supported)
    endpoints.supportsS256 = metadata.code_challenge_methods_supported.includes('S256');
  return { ok: true, endpoints };
}
