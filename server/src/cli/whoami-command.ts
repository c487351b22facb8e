/** `clearance whoami`: the identity the CLI would decide with, its source, state and time left. */
import { resolve } from 'node:path';
import { describeIdentity, type Identity, redactTokensInText, toDisplayClaims } from '../identity';
import { buildIdentityContext } from '../identity/context';
import { sanitizeText } from '../identity/display';
import { formatLongDuration } from '../identity/durations';
import { formatCliError } from './given-paths';
import { identityFix } from './hints';
import { type IdentityFlagValues, resolveCliIdentity } from './identity-flags';
import type { Output } from './scan-command';
import { readScanSettings } from './scan-settings';

/** The options of `clearance whoami`. */
export interface WhoamiFlags extends IdentityFlagValues {
  json?: boolean;
  dir?: string;
  /** A settings file the user vouches for (`--settings`), read instead of the folder's. */
  settings?: string;
}

/** Exit codes of `clearance whoami`, as documented in `--help` and docs/identity.md. */
export const whoamiExit = { verified: 0, notVerified: 1, unusable: 2 } as const;

/**
 * Prints the identity and returns the exit code: 0 verified; 1 usable but not verified
 * (unverified: no key configured, or simulated); 2 no usable identity (missing, invalid, expired)
 * or settings that cannot be read.
 */
export async function runWhoami(flags: WhoamiFlags, output: Output, now = new Date()): Promise<number> {
  const root = resolve(flags.dir ?? '.');
  // The identity `scan` would decide with: the same rule for what a repository may set, so that a
  // cloned repository's issuer, keys or JWKS URL are never contacted by `whoami` either.
  const read = readScanSettings(root, flags.settings);
  for (const e of read.errors) output.err(`${formatCliError(e)}\n`);
  if (read.fatal) {
    output.err(`clearance whoami: ${read.fatal}\n`);
    return whoamiExit.unusable;
  }
  if (read.ignored.length > 0) {
    output.err(
      `clearance whoami: warning: ${read.ignored.join(', ')} in ${root}/.vscode/settings.json ${read.ignored.length === 1 ? 'is' : 'are'} ignored: a repository does not choose the identity; pass flags, environment variables or --settings\n`,
    );
  }
  const identity = await resolveCliIdentity(
    root,
    read.settings.identity,
    flags,
    (t) => output.err(`clearance whoami: warning: ${t}`),
    process.env,
    flags.settings !== undefined,
  );
  // Claims such as iss and amr are the token issuer's text, and may hold a token: everything printed
  // goes through the same filter as the scan's output.
  const print = (text: string) => output.out(redactTokensInText(text));
  if (flags.json) print(`${JSON.stringify(buildWhoamiReport(identity, now), null, 2)}\n`);
  else print(formatWhoamiText(identity, now));
  return pickExitCode(identity);
}

/** The `--json` document: everything but the token. */
export function buildWhoamiReport(identity: Identity, now: Date): Record<string, unknown> {
  const secondsLeft =
    identity.expiresAt === undefined ? null : Math.floor(identity.expiresAt - now.getTime() / 1000);
  return {
    status: identity.status,
    simulated: identity.simulated === true,
    verified: identity.status === 'verified',
    text: describeIdentity(identity, now.getTime()),
    reason: identity.reason ?? null,
    source: { kind: identity.source.kind, label: identity.source.label },
    issuer: identity.issuer === undefined ? null : sanitizeText(identity.issuer, 200),
    expiresAt: identity.expiresAt === undefined ? null : new Date(identity.expiresAt * 1000).toISOString(),
    secondsLeft,
    user: identity.status === 'invalid' || identity.status === 'missing' ? null : (identity.user ?? null),
    claims: identity.claims === undefined ? null : toDisplayClaims(identity.claims),
    context: buildIdentityContext(identity, now),
  };
}

/** The text report: one `label  value` line each. */
export function formatWhoamiText(identity: Identity, now: Date): string {
  const lines: Array<[string, string]> = [
    ['identity', describeIdentity(identity, now.getTime())],
    ['source', identity.source.label],
    ['state', describeState(identity)],
  ];
  if (identity.expiresAt !== undefined) {
    const left = identity.expiresAt - now.getTime() / 1000;
    const when = new Date(identity.expiresAt * 1000).toISOString();
    lines.push([
      'time left',
      left > 0
        ? `${formatLongDuration(left)} (expires ${when})`
        : `none: expired ${formatLongDuration(-left)} ago (${when})`,
    ]);
  }
  if (identity.issuer !== undefined && identity.status !== 'invalid')
    lines.push(['issuer', sanitizeText(identity.issuer, 200)]);
  const user = identity.user;
  if (user !== undefined && identity.status !== 'invalid') {
    lines.push(['user', `${user.id}${user.email ? ` <${user.email}>` : ''}`]);
    if (user.roles.length > 0) lines.push(['roles', user.roles.join(', ')]);
  }
  if (identity.status !== 'invalid' && identity.status !== 'missing')
    lines.push(['context', describeContext(identity, now)]);
  if (identity.status === 'invalid' || identity.status === 'missing' || identity.status === 'expired')
    lines.push(['next', identityFix(identity.status)]);
  return `${lines.map(([label, value]) => `${label.padEnd(10)} ${value}`).join('\n')}\n`;
}

/** The context fields a policy is most likely to use, e.g. `MFA yes · signed in 14 minutes ago · device managed`. */
function describeContext(identity: Identity, now: Date): string {
  const context = buildIdentityContext(identity, now);
  const mfa = context.mfa === null ? 'MFA unknown (no amr)' : context.mfa ? 'MFA yes' : 'MFA no';
  const age =
    typeof context.auth_age_seconds === 'number'
      ? `signed in ${formatLongDuration(context.auth_age_seconds)} ago`
      : 'sign-in time unknown';
  const managed = (context.device as { managed?: unknown }).managed;
  const device =
    managed === true ? 'device managed' : managed === false ? 'device not managed' : 'device unknown';
  return `${mfa} · ${age} · ${device} · ${context.weekday} ${String(context.hour).padStart(2, '0')}h ${context.time_zone}`;
}

function describeState(identity: Identity): string {
  switch (identity.status) {
    case 'verified':
      return 'verified (signature, issuer, audience and times checked)';
    case 'simulated':
      return `simulated: ${identity.reason ?? 'evaluate-as claims, not your verified identity'}`;
    default:
      return identity.reason ? `${identity.status}: ${identity.reason}` : identity.status;
  }
}

function pickExitCode(identity: Identity): number {
  if (identity.status === 'verified') return whoamiExit.verified;
  if (identity.status === 'unverified' || identity.status === 'simulated') return whoamiExit.notVerified;
  return whoamiExit.unusable;
}
