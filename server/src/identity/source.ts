/**
 * Token sources: where the raw JWT comes from. Kept apart from verification so that later sources
 * (OIDC sign-in, a token pasted through a command, a refreshed token) plug in beside these.
 */
import { isAbsolute, resolve } from 'node:path';
import { describeReadProblem, readBoundedFile } from './bounded-read';
import { looksLikeToken } from './display';
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

/** Where sources look: the base directory for relative paths, the environment, the sign-in token. */
export interface SourceContext {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  sessionToken?: string;
}

const NO_SOURCE: IdentitySource = { kind: 'none', label: 'no token source' };

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

/** What the editor's sign-in is called wherever the token's source is named. */
export const SIGN_IN_SOURCE: IdentitySource = { kind: 'signin', label: 'Clearance sign-in' };

/**
 * Looks for a token: the editor's sign-in session first, then the token file, then the environment
 * variable; never throws.
 */
export async function findToken(settings: IdentitySettings, context: SourceContext): Promise<TokenLookup> {
  if (typeof context.sessionToken === 'string' && context.sessionToken.trim() !== '') {
    const token = context.sessionToken.trim();
    if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) {
      return {
        kind: 'invalid',
        source: SIGN_IN_SOURCE,
        reason: 'malformed token: the sign-in token is longer than 64 KB',
      };
    }
    return { kind: 'found', token, source: SIGN_IN_SOURCE };
  }
  const misses: string[] = [];
  let firstSource: IdentitySource | undefined;
  if (typeof settings.tokenFile === 'string' && settings.tokenFile.trim() !== '') {
    const lookup = await readTokenFile(settings.tokenFile, context.baseDir);
    if (lookup.kind !== 'missing') return lookup;
    misses.push(lookup.reason);
    firstSource = lookup.source;
  }
  if (typeof settings.tokenEnv === 'string' && settings.tokenEnv.trim() !== '') {
    const lookup = readTokenEnv(settings.tokenEnv.trim(), context.env);
    if (lookup.kind !== 'missing') return lookup;
    misses.push(lookup.reason);
    firstSource ??= lookup.source;
  }
  if (firstSource === undefined) {
    return {
      kind: 'missing',
      source: NO_SOURCE,
      reason: 'no token source configured (set tokenFile or tokenEnv)',
    };
  }
  return { kind: 'missing', source: firstSource, reason: misses.join('; ') };
}

/** Reads a token from a file; `path` is shown as configured, resolved against `baseDir`. */
export async function readTokenFile(path: string, baseDir: string): Promise<TokenLookup> {
  if (looksLikeToken(path)) return TOKEN_AS_FILE();
  const source: IdentitySource = { kind: 'file', label: `token file ${path}` };
  const fullPath = isAbsolute(path) ? path : resolve(baseDir, path);
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
