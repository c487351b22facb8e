/**
 * JWS algorithm names shared by identity verification (jose) and the Rego engine's io.jwt builtins
 * (Node's crypto), so that both recognise the same families. Pure core: no `vscode`, no LSP.
 */

/** The shared-secret (HMAC) algorithms, which never verify a token against public keys. */
export const HMAC_ALGORITHMS: readonly string[] = ['HS256', 'HS384', 'HS512'];

/** The public-key algorithms with a SHA-2 digest: RSA PKCS#1 v1.5, RSA-PSS and ECDSA. */
export const SHA2_PUBLIC_KEY_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];
