/** The identity flags every CLI command shares, and how a command turns them into an identity. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  dropWorkspaceCommands,
  type IdentityFlags,
  splitCommand,
  toIdentitySettings,
} from '../config/identity';
import type { ClearanceSettings } from '../config/settings';
import { type Identity, resolveIdentity } from '../identity';

/** The identity flags as commander parses them (commands are one string each). */
export interface IdentityFlagValues extends Omit<IdentityFlags, 'tokenCommand' | 'deviceCommand'> {
  tokenCommand?: string;
  deviceCommand?: string;
}

/** Declares the identity flags on `command`. */
export function addIdentityFlags(command: Command): Command {
  return command
    .option('--token-file <file>', 'read the identity token (a JWT) from this file')
    .option(
      '--token-env <name>',
      'read the identity token from this environment variable (default CLEARANCE_TOKEN)',
    )
    .option(
      '--token-command <command>',
      'run this program (arguments split at spaces, no shell) and read the token it prints; also CLEARANCE_TOKEN_COMMAND',
    )
    .option(
      '--jwks-file <file>',
      "verify the token with the identity provider's public keys in this JWKS file",
    )
    .option('--jwks-url <url>', 'verify the token with the JWKS at this URL')
    .option(
      '--issuer <iss>',
      "require this token issuer (iss); without a JWKS, its discovery document's keys verify",
    )
    .option('--audience <aud>', 'require this token audience (aud)')
    .option('--claims-file <file>', 'evaluate as the claims in this JSON or YAML file (a simulated identity)')
    .option(
      '--device-command <command>',
      'run this program to tell whether this device is managed; also CLEARANCE_DEVICE_COMMAND',
    );
}

/**
 * Resolves the identity a CLI command acts as: flags over the workspace's settings, except that
 * commands named in the workspace's `.vscode/settings.json` are never run (a cloned repository is
 * untrusted); they come from flags or the environment. Says on `warn` which ones were ignored.
 * With `trustedSettings` (a file the user named with `--settings`) its commands run.
 */
export async function resolveCliIdentity(
  root: string,
  settings: ClearanceSettings['identity'],
  flags: IdentityFlagValues,
  warn: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  trustedSettings = false,
): Promise<Identity> {
  const safe = trustedSettings ? keepUserCommands(settings, env) : dropWorkspaceCommands(settings, env);
  for (const name of safe.ignored) {
    warn(
      `${name} in ${root}/.vscode/settings.json is not run by the CLI; pass it as a flag or an environment variable\n`,
    );
  }
  const absolute = (p: string | undefined) => (p ? resolve(p) : p);
  const identityFlags: IdentityFlags = {
    ...flags,
    tokenFile: absolute(flags.tokenFile),
    jwksFile: absolute(flags.jwksFile),
    claimsFile: absolute(flags.claimsFile),
    tokenCommand: flags.tokenCommand === undefined ? undefined : splitCommand(flags.tokenCommand),
    deviceCommand: flags.deviceCommand === undefined ? undefined : splitCommand(flags.deviceCommand),
  };
  for (const key of Object.keys(identityFlags) as Array<keyof IdentityFlags>) {
    if (identityFlags[key] === undefined) delete identityFlags[key];
  }
  return resolveIdentity(toIdentitySettings(safe.identity, identityFlags), { baseDir: root, env });
}

/** A settings file the user named is theirs: its commands run, else the environment's. */
function keepUserCommands(
  identity: ClearanceSettings['identity'],
  env: NodeJS.ProcessEnv,
): { identity: ClearanceSettings['identity']; ignored: string[] } {
  const fromEnv = dropWorkspaceCommands(identity, env).identity;
  return {
    identity: {
      ...identity,
      tokenCommand: identity.tokenCommand.length > 0 ? identity.tokenCommand : fromEnv.tokenCommand,
      deviceCommand: identity.deviceCommand.length > 0 ? identity.deviceCommand : fromEnv.deviceCommand,
    },
    ignored: [],
  };
}
