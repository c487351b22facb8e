/**
 * Signing in with the organisation's OpenID provider: discovery-based endpoints, authorization code
 * with PKCE and a loopback redirect, the device authorization grant, and refresh. Pure core: no
 * `vscode`, no LSP; the editor supplies the browser and the secret storage.
 */
export {
  buildAuthorizationUrl,
  DEFAULT_BROWSER_TIMEOUT_MS,
  signInWithAuthorizationCode,
} from './authorization-code';
export {
  DEFAULT_SCOPES,
  findConfigProblem,
  loadSignInEndpoints,
  normalizeScopes,
  type SignInConfig,
  type SignInEndpoints,
} from './client-config';
export {
  type DeviceAuthorization,
  pollDeviceToken,
  readDeviceAuthorization,
  startDeviceAuthorization,
} from './device';
export { computeS256Challenge, createPkcePair } from './pkce';
export {
  computeRefreshAt,
  refreshTokens,
  revokeRefreshToken,
  type TokenResult,
  type TokenSet,
} from './tokens';
