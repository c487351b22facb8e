/** How the identity settings and the CLI's identity flags combine into the identity module's input. */
import type { IdentitySettings } from '../identity';
import type { ClearanceSettings } from './settings';

/** Identity overrides given on the command line. */
export interface IdentityFlags {
  tokenFile?: string;
  tokenEnv?: string;
  jwksFile?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** Merges flags over settings: a flag wins; a token flag also replaces the other token source. */
export function toIdentitySettings(
  settings: ClearanceSettings['identity'],
  flags: IdentityFlags,
): IdentitySettings {
  const tokenFromFlags = flags.tokenFile !== undefined || flags.tokenEnv !== undefined;
  const tokenFile = tokenFromFlags ? flags.tokenFile : settings.tokenFile;
  const tokenEnv = tokenFromFlags ? flags.tokenEnv : settings.tokenEnv;
  const keyFromFlags = flags.jwksFile !== undefined || flags.jwksUrl !== undefined;
  const jwksFile = keyFromFlags ? flags.jwksFile : settings.jwksFile;
  const jwksUrl = keyFromFlags ? flags.jwksUrl : settings.jwksUrl;
  const issuer = flags.issuer ?? settings.issuer;
  const audience = flags.audience ?? settings.audience;
  return {
    ...(tokenFile ? { tokenFile } : {}),
    ...(tokenEnv ? { tokenEnv } : {}),
    ...(jwksFile ? { jwksFile } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    ...(settings.clientId ? { clientId: settings.clientId } : {}),
    clockSkewSeconds: settings.clockSkewSeconds,
  };
}
