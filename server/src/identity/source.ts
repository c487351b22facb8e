/**
 * Token sources: where the raw JWT comes from. Kept apart from verification so that later sources
 * (OIDC sign-in, a token pasted through a command, a refreshed token) plug in beside these.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { describeReadProblem, readBoundedFile } from './bounded-read';
import { looksLikeToken } from './display';
import { parseCommandSetting } from './run-command';
import { DEFAULT_TOKEN_COMMAND_TIMEOUT_MS, readTokenCommand } from './token-command';
import type { IdentitySettings, IdentitySource } from './types';

/** Tokens longer than this are rejected before any parsing; real JWTs are a few KB at most. */
export const MAX_TOKEN_BYTES = 64 * 1024;

/** A token found in a source; `token` is the credential and must not leave the identity module. */
export interface FoundToken {
  kind: 'found';
  token: string;
  source: IdentitySource;
}

/** The outcome of looking for a token: found, absent (`missing`) or present but unusable (`invalid`). */
export type TokenLookup =
  | FoundToken
  | { kind: 'missing'; source: IdentitySource; reason: string }
  | { kind: 'invalid'; source: IdentitySource; reason: string };

/** Where sources look: the base directory for relative paths, the environment, the session token. */
export interface SourceContext {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  /** The editor's sign-in session token, the `signin` source. */
  sessionToken?: string;
  /** Clock for the token command's cache, epoch milliseconds. */
  nowMs?: number;
}

const NO_SOURCE: IdentitySource = { kind: 'none', label: 'no token source' };
const SIGNIN_SOURCE: IdentitySource = { kind: 'signin', label: 'Clearance sign-in' };

/** Longer than any sensible environment variable name; a pasted token is far longer. */
export const MAX_ENV_NAME_LENGTH = 256;

/**
 * The token file setting when it holds a token rather than a path (`--token-file "$(cat a.jwt)"`):
 * the value is a credential, so neither the label nor the reason may echo it.
 */
const TOKEN_AS_FILE = (): TokenLookup => ({
  kind: 'invalid',
  source: { kind: 'file', label: 'token file (a token was given instead of a path)' },
  reason: 'the token file setting holds a token, not a path: put the token in a file and name the file',
});

/** The token environment variable setting when it holds a token rather than a variable name. */
const TOKEN_AS_ENV = (): TokenLookup => ({
  kind: 'invalid',
  source: { kind: 'env', label: 'environment variable (a token was given instead of a name)' },
  reason:
    'the token environment variable setting holds a token, not a variable name: put the token in an environment variable and name the variable',
});

/** The token environment variable setting when it cannot be a name (it holds `=` or NUL). */
const IMPOSSIBLE_ENV_NAME = (): TokenLookup => ({
  kind: 'invalid',
  source: { kind: 'env', label: 'environment variable (not a valid name)' },
  reason:
    'the token environment variable setting is not a variable name (names cannot hold "=" or NUL): name the variable that holds the token, e.g. CLEARANCE_TOKEN',
});

/**
 * Looks for a token in the configured source; never throws. `auto` takes the sign-in session when
 * there is one, else the token command when one is configured, else the token file when configured,
 * else the environment variable; a source that is configured but has no token (a missing file, a
 * failing command) hands over to the next, and the reason lists each one tried.
 */
export async function findToken(settings: IdentitySettings, context: SourceContext): Promise<TokenLookup> {
  const choice = settings.source ?? 'auto';
  const candidates = choice === 'auto' ? (['signin', 'command', 'file', 'env'] as const) : [choice];
  const misses: string[] = [];
  let firstSource: IdentitySource | undefined;
  for (const kind of candidates) {
    const lookup = await readSource(kind, settings, context);
    if (lookup === undefined) continue;
    if (lookup.kind !== 'missing') return lookup;
    misses.push(lookup.reason);
    firstSource ??= lookup.source;
  }
  if (firstSource === undefined) {
    return {
      kind: 'missing',
      source: NO_SOURCE,
      reason:
        choice === 'auto'
          ? 'no token source configured (sign in, or set tokenCommand, tokenFile or tokenEnv)'
          : `the token source is "${choice}", but ${describeUnconfigured(choice)}`,
    };
  }
  return { kind: 'missing', source: firstSource, reason: misses.join('; ') };
}

/** Reads one source; undefined when it is not configured. */
async function readSource(
  kind: 'signin' | 'command' | 'file' | 'env',
  settings: IdentitySettings,
  context: SourceContext,
): Promise<TokenLookup | undefined> {
  switch (kind) {
    case 'signin': {
      const token = context.sessionToken?.trim();
      if (token === undefined || token === '') return undefined;
      if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
        return {
          kind: 'invalid',
          source: SIGNIN_SOURCE,
          reason: 'malformed token: the sign-in token is longer than 64 KB',
        };
      }
      return { kind: 'found', token, source: SIGNIN_SOURCE };
    }
    case 'command': {
      const argv = parseCommandSetting(settings.tokenCommand);
      if (argv === undefined) return undefined;
      return readTokenCommand(argv, {
        baseDir: context.baseDir,
        env: context.env,
        nowMs: context.nowMs ?? Date.now(),
        timeoutMs: pickTimeout(settings.tokenCommandTimeoutMs),
      });
    }
    case 'file':
      if (typeof settings.tokenFile !== 'string' || settings.tokenFile.trim() === '') return undefined;
      return readTokenFile(settings.tokenFile, context.baseDir, homeOf(context.env));
    case 'env':
      if (typeof settings.tokenEnv !== 'string' || settings.tokenEnv.trim() === '') return undefined;
      return readTokenEnv(settings.tokenEnv.trim(), context.env);
  }
}

function describeUnconfigured(kind: 'signin' | 'command' | 'file' | 'env'): string {
  switch (kind) {
    case 'signin':
      return 'there is no sign-in session: sign in first';
    case 'command':
      return 'clearance.identity.tokenCommand is empty';
    case 'file':
      return 'clearance.identity.tokenFile is empty';
    case 'env':
      return 'clearance.identity.tokenEnv is empty';
  }
}

function pickTimeout(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 100 && value <= 120_000
    ? value
    : DEFAULT_TOKEN_COMMAND_TIMEOUT_MS;
}

/**
 * Reads a token from a file resolved against `baseDir`. A relative `path` is shown as configured; an
 * absolute one as `showFilePath` names it (`home` is the user's home folder, when known).
 */
export async function readTokenFile(path: string, baseDir: string, home?: string): Promise<TokenLookup> {
  if (looksLikeToken(path)) return TOKEN_AS_FILE();
  const fullPath = isAbsolute(path) ? path : resolve(baseDir, path);
  const shown = isAbsolute(path) ? showFilePath(path, baseDir, home) : path;
  const source: IdentitySource = { kind: 'file', label: `token file ${shown}` };
  const read = await readBoundedFile(fullPath, MAX_TOKEN_BYTES);
  if (!read.ok) {
    const reason = `${source.label} ${describeReadProblem(read.problem)}`;
    if (read.problem.kind === 'too-large')
      return { kind: 'invalid', source, reason: `malformed token: ${reason}` };
    return { kind: 'missing', source, reason };
  }
  const token = read.text.trim();
  if (token === '') return { kind: 'missing', source, reason: `${source.label} is empty` };
  return { kind: 'found', token, source };
}

/** Reads a token from the named environment variable. */
export function readTokenEnv(name: string, env: NodeJS.ProcessEnv): TokenLookup {
  if (looksLikeToken(name) || name.length > MAX_ENV_NAME_LENGTH) return TOKEN_AS_ENV();
  if (/[=\0]/.test(name)) return IMPOSSIBLE_ENV_NAME();
  const source: IdentitySource = { kind: 'env', label: `environment variable ${name}` };
  const value = env[name];
  if (value === undefined) return { kind: 'missing', source, reason: `${source.label} is not set` };
  const token = value.trim();
  if (token === '') return { kind: 'missing', source, reason: `${source.label} is empty` };
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
    return { kind: 'invalid', source, reason: `malformed token: ${source.label} is longer than 64 KB` };
  }
  return { kind: 'found', token, source };
}

/**
 * How an absolute file path is named in the identity line: relative to `baseDir` (the workspace, or
 * the CLI's working folder) when inside it, `~/…` inside `home`, else whole. The identity line sits in
 * a status bar and a one-line report, where a temporary folder's or a home folder's full path pushes
 * out what matters, and says more about the machine than the identity needs to.
 */
export function showFilePath(fullPath: string, baseDir: string, home?: string): string {
  const inside = (folder: string) => {
    const rest = relative(folder, fullPath);
    const outside = rest === '..' || rest.startsWith(`..${sep}`) || isAbsolute(rest);
    return rest !== '' && !outside ? rest : undefined;
  };
  const inWorkspace = inside(baseDir);
  if (inWorkspace !== undefined) return inWorkspace;
  const inHome = home ? inside(home) : undefined;
  if (inHome !== undefined) return `~/${inHome.split(sep).join('/')}`;
  return fullPath;
}

/** The user's home folder from the environment (HOME, or USERPROFILE on Windows), if set. */
function homeOf(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.HOME || env.USERPROFILE;
  return home && isAbsolute(home) ? home : undefined;
}
