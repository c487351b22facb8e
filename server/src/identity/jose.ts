/**
 * jose 6 is ESM-only and this package is CommonJS. Node 20.20 can require() it, but TypeScript's
 * `module: Node16` rejects a static import (TS1479), so jose is loaded once through dynamic import.
 */

/** The jose module namespace. */
export type Jose = typeof import('jose', { with: { 'resolution-mode': 'import' }});

/** jose's key-resolver function type, as `jwtVerify` accepts it. */
export type GetKey = import('jose', { with: { 'resolution-mode': 'import' }}).JWTVerifyGetKey;

/** jose's JSON Web Key Set type. */
export type KeySetJson = import('jose', { with: { 'resolution-mode': 'import' }}).JSONWebKeySet;

/** jose's JWT claims type. */
export type Payload = import('jose', { with: { 'resolution-mode': 'import' }}).JWTPayload;

let loading: Promise<Jose> | undefined;

/** Loads jose on first use and returns the same module afterwards. */
export function loadJose(): Promise<Jose> {
  loading ??= import('jose');
  return loading;
}
