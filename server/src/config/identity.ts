/** How the identity settings and the CLI's identity flags combine into the identity module's input. */
import type { IdentitySettings } from '../identity';
import { parseCommandSetting } from '../identity/run-command';
import type { ClearanceSettings } from './settings';

/** Identity overrides given on the command line. */
export interface IdentityFlags {
  tokenFile?: string;
  tokenEnv?: string;
  /** A program and its arguments, from `--token-command` (split at whitespace) or the environment. */
  tokenCommand?: string[];
  jwksFile?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  claimsFile?: string;
  /** A program and its arguments, from `--device-command` or the environment. */
  deviceCommand?: string[];
}

/** Merges flags over settings: a flag wins; a token flag also replaces the other token sources. */
export function toIdentitySettings(
  settings: ClearanceSettings['identity'],
  flags: IdentityFlags,
): IdentitySettings {
  const tokenFromFlags =
    flags.tokenFile !== undefined || flags.tokenEnv !== undefined || flags.tokenCommand !== undefined;
  const tokenFile = tokenFromFlags ? flags.tokenFile : settings.tokenFile;
  const tokenEnv = tokenFromFlags ? flags.tokenEnv : settings.tokenEnv;
  const tokenCommand = tokenFromFlags ? flags.tokenCommand : settings.tokenCommand;
  const keyFromFlags = flags.jwksFile !== undefined || flags.jwksUrl !== undefined;
  const jwksFile = keyFromFlags ? flags.jwksFile : settings.jwksFile;
  const jwksUrl = keyFromFlags ? flags.jwksUrl : settings.jwksUrl;
  const issuer = flags.issuer ?? settings.issuer;
  const audience = flags.audience ?? settings.audience;
  const claimsFile = flags.claimsFile ?? settings.claimsFile;
  const deviceCommand = flags.deviceCommand ?? settings.deviceCommand;
  return {
    ...(tokenFile ? { tokenFile } : {}),
    ...(tokenEnv ? { tokenEnv } : {}),
    ...(tokenCommand && tokenCommand.length > 0 ? { tokenCommand } : {}),
    ...(jwksFile ? { jwksFile } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    ...(claimsFile ? { claimsFile } : {}),
    ...(deviceCommand && deviceCommand.length > 0 ? { deviceCommand } : {}),
    ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
    // Flags name one source; `auto` then finds it whatever the settings chose.
    source: tokenFromFlags ? 'auto' : settings.source,
    tokenCommandTimeoutMs: settings.tokenCommandTimeoutMs,
    claimMapping: settings.claimMapping,
    ...(settings.clientId ? { clientId: settings.clientId } : {}),
    clockSkewSeconds: settings.clockSkewSeconds,
  };
}

/**
 * The CLI reads a repository's `.vscode/settings.json`, and a cloned repository is untrusted: the
 * commands it names are never run. The CLI takes commands from its flags and from the environment
 * (`CLEARANCE_TOKEN_COMMAND`, `CLEARANCE_DEVICE_COMMAND`) only.
 */
export function dropWorkspaceCommands(
  identity: ClearanceSettings['identity'],
  env: NodeJS.ProcessEnv,
): { identity: ClearanceSettings['identity']; ignored: string[] } {
  const ignored: string[] = [];
  if (identity.tokenCommand.length > 0) ignored.push('clearance.identity.tokenCommand');
  if (identity.deviceCommand.length > 0) ignored.push('clearance.identity.deviceCommand');
  return {
    identity: {
      ...identity,
      tokenCommand: splitCommand(env.CLEARANCE_TOKEN_COMMAND),
      deviceCommand: splitCommand(env.CLEARANCE_DEVICE_COMMAND),
    },
    ignored,
  };
}

/** Splits a command given as one string at whitespace; empty or unset gives no command. */
export function splitCommand(value: string | undefined): string[] {
  return parseCommandSetting(value ?? '') ?? [];
}
