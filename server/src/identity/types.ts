/**
 * The shapes the identity module hands to the rest of Clearance. They carry decoded claims and
 * human-readable reasons, never the raw token: the token is a bearer credential.
 */

/** The default leeway for `exp` and `nbf`, in seconds. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** Which token source to use; `auto` tries sign-in, command, file, then environment, in that order. */
export type TokenSourceSetting = 'auto' | 'signin' | 'command' | 'file' | 'env';

/** Which claims become which `input.user` fields; a `roles` list is tried in order. */
export interface ClaimMapping {
  id: string;
  email: string;
  name: string;
  roles: string[];
  role: string;
}

/** Where to find the developer's token and how to verify it; every field is optional. */
export interface IdentitySettings {
  /** Which source the token comes from; default `auto`. */
  source?: TokenSourceSetting;
  /** A program and its arguments that print a token (a JWT, or JSON `{token, expires_at}`). */
  tokenCommand?: string[];
  /** How long the token command may run; default 10000. */
  tokenCommandTimeoutMs?: number;
  /** A JSON or YAML file of claims to evaluate as: the identity is then simulated. */
  claimsFile?: string;
  /** Which claims map to `input.user`; missing fields keep their defaults. */
  claimMapping?: Partial<ClaimMapping>;
  /** A program and its arguments that say whether this device is managed. */
  deviceCommand?: string[];
  /** IANA time zone for `input.context.hour` and `weekday`; default the system's. */
  timeZone?: string;
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
export type IdentityStatus = 'verified' | 'unverified' | 'expired' | 'invalid' | 'missing' | 'simulated';

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
  kind: 'signin' | 'command' | 'file' | 'env' | 'claims' | 'none';
  label: string;
}

/** What the device probe said: `managed` is null when there is no probe or it failed. */
export interface DeviceState {
  managed: boolean | null;
  /** Other fields the probe printed (strings, numbers, booleans), for policies that need them. */
  facts: Record<string, string | number | boolean>;
  /** Why `managed` is null, when it is. */
  reason?: string;
}

/** The outcome of resolving an identity; safe to log, display and serialise. */
export interface Identity {
  status: IdentityStatus;
  /** True for "evaluate as" claims from a file: never the developer's real identity. */
  simulated?: boolean;
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
  /** The device probe's answer, for `input.context.device`. */
  device?: DeviceState;
  /** The IANA time zone `input.context` reports local hour and weekday in. */
  timeZone?: string;
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
