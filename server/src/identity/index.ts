/**
 * Public API of the identity module: the developer's identity from a JWT, verified against a JWKS
 * when one is configured. Pure core: no `vscode`, no LSP.
 */
export { toInputUser } from './claims';
export { describeIdentity } from './describe';
export { redactTokens, redactTokensInText, toDisplayClaims } from './display';
export { clearJwksCache } from './jwks';
export { clearIdentityCaches, resolveIdentity } from './resolve';
export type {
  Identity,
  IdentitySettings,
  IdentitySource,
  IdentityStatus,
  InputUser,
  ResolveOptions,
} from './types';
