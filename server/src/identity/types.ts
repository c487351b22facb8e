/**
 * The shapes the identity module hands to the rest of Clearance. They carry decoded claims and
 * human-readable reasons, never the raw token: the token is a bearer credential.
 */

/** The default leeway for `exp` and `nbf`, in seconds. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** Where to find the developer's token and how to verify it; every field is optional. */
export interface IdentitySettings {
  /** Path to a file holding the JWT; relative paths resolve against `ResolveOptions.baseDir`. */
  tokenFile?: string;
  /** Name of an environment variable holding the JWT (the CLI passes `CLEARANCE_TOKEN`). */
  tokenEnv?: string;
  /** Path to a JWKS JSON file of public keys. */
  jwksFile?: string;
  /** https URL (or http on 127.0.0.1 / [::1]) of a JWKS of public keys. */
  jwksUrl?: string;
  /** Required `iss` when set. */
  issuer?: string;
  /** Required `aud` (any one of them) when set. */
  audience?: string | string[];
  /** Leeway for `exp` and `nbf`; default 60. */
  clockSkewSeconds?: number;
  /**
   * The client registered for Clearance's sign-in; a signed-in token with no configured `audience`
   * must be meant for it.
   */
  clientId?: string;
  /** Allowed signature algorithms; `none` and HS* are removed whatever is configured. */
  algorithms?: string[];
}

/** How far a token could be trusted. */
export type IdentityStatus = 'verified' | 'unverified' | 'expired' | 'invalid' | 'missing';

/** The `input.user` document policies see. */
export interface InputUser {
  id: string;
  email?: string;
  name?: string;
  role?: string;
  roles: string[];
}

/** Which source a token came from; `label` names it for people, e.g. `token file identity/alice.jwt`. */
export interface IdentitySource {
  kind: 'signin' | 'file' | 'env' | 'none';
  label: string;
}

/** The outcome of resolving an identity; safe to log, display and serialise. */
export interface Identity {
  status: IdentityStatus;
  /** Why the status is not `verified`; absent when it is. */
  reason?: string;
  source: IdentitySource;
  user?: InputUser;
  /** The verified (or, when unverified or expired, decoded) payload. */
  claims?: Record<string, unknown>;
  /** The `iss` claim. */
  issuer?: string;
  /** The `exp` claim, epoch seconds. */
  expiresAt?: number;
  /** The `iat` claim, epoch seconds. */
  issuedAt?: number;
  /**
   * The leeway the token's `exp` was checked with (set by `resolveIdentity` when there is a user);
   * `describeIdentity` uses it so that the status-bar text agrees with the status.
   */
  clockSkewSeconds?: number;
}

/** Ambient inputs of `resolveIdentity`, injectable for tests and for the CLI. */
export interface ResolveOptions {
  /** Directory relative paths resolve against; default `process.cwd()`. */
  baseDir?: string;
  /** Environment to read `tokenEnv` from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Clock, epoch milliseconds; default `Date.now`. */
  now?: () => number;
  /** Timeout for fetching `jwksUrl`; default 5000. */
  fetchTimeoutMs?: number;
  /** How long after a fetch an unknown `kid` does not trigger a refetch; default 30000. */
  jwksCooldownMs?: number;
  /** The ID token of the editor's Clearance sign-in; used before any other source. A credential. */
  sessionToken?: string;
}
