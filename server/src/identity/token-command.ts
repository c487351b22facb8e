/**
 * The token-command source: a program such as a company CLI or `gcloud auth print-identity-token`
 * prints the token. Its output is a JWT, or JSON `{"token": ..., "expires_at": ...}`. The token is
 * kept in memory until shortly before it expires, so the command is not run on every resolve.
 */
import { decodeToken } from './decode';
import { labelCommand, runCommand } from './run-command';
import type { TokenLookup } from './source';
import type { IdentitySource } from './types';

/** The default time a token command may take. */
export const DEFAULT_TOKEN_COMMAND_TIMEOUT_MS = 10_000;
/** A cached token is replaced this long before it expires, so a decision never uses a dying one. */
export const RENEW_BEFORE_EXPIRY_SECONDS = 60;
/** How long a token whose expiry is unknown is reused before the command runs again. */
export const UNKNOWN_EXPIRY_REUSE_SECONDS = 300;
/** A command printing more than this is stopped: the 64 KB token limit plus room for JSON around it. */
const MAX_OUTPUT_BYTES = 68 * 1024;

/** How and where the token command runs. */
export interface TokenCommandContext {
  baseDir: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  nowMs: number;
}

interface CachedToken {
  token: string;
  reuseUntilMs: number;
}

const cache = new Map<string, CachedToken>();
const running = new Map<string, Promise<TokenLookup>>();

/** Forgets cached command tokens (for a refresh and for tests). */
export function clearTokenCommandCache(): void {
  cache.clear();
}

/** Runs the token command (or reuses its unexpired token) and returns the token it printed. */
export async function readTokenCommand(
  argv: readonly string[],
  context: TokenCommandContext,
): Promise<TokenLookup> {
  const source: IdentitySource = { kind: 'command', label: `token command ${labelCommand(argv)}` };
  const key = JSON.stringify([argv, context.baseDir]);
  const cached = cache.get(key);
  if (cached !== undefined && context.nowMs < cached.reuseUntilMs)
    return { kind: 'found', token: cached.token, source };
  // Several resolves at once (settings and a file change) share one run of the command.
  let pending = running.get(key);
  if (pending === undefined) {
    pending = runAndParse(argv, source, context, key).finally(() => running.delete(key));
    running.set(key, pending);
  }
  return pending;
}

async function runAndParse(
  argv: readonly string[],
  source: IdentitySource,
  context: TokenCommandContext,
  key: string,
): Promise<TokenLookup> {
  const result = await runCommand(argv, {
    timeoutMs: context.timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    cwd: context.baseDir,
    env: context.env,
  });
  if (!result.ok) return { kind: 'missing', source, reason: `token command ${result.reason}` };
  const parsed = parseTokenOutput(result.stdout);
  if (typeof parsed === 'string')
    return { kind: 'invalid', source, reason: `malformed token: ${source.label} ${parsed}` };
  cache.delete(key);
  const expiresAt = parsed.expiresAt ?? readExpiry(parsed.token);
  const reuseUntilMs =
    expiresAt === undefined
      ? context.nowMs + UNKNOWN_EXPIRY_REUSE_SECONDS * 1000
      : (expiresAt - RENEW_BEFORE_EXPIRY_SECONDS) * 1000;
  if (reuseUntilMs > context.nowMs) cache.set(key, { token: parsed.token, reuseUntilMs });
  return { kind: 'found', token: parsed.token, source };
}

/**
 * Reads the command's output: a bare JWT, or a JSON object with `token` (or `id_token`,
 * `access_token`) and an optional `expires_at` (epoch seconds or an RFC 3339 time). Returns why
 * not otherwise, without quoting the output.
 */
export function parseTokenOutput(stdout: string): { token: string; expiresAt?: number } | string {
  const text = stdout.trim();
  if (text === '') return 'printed nothing';
  if (!text.startsWith('{')) {
    if (/\s/.test(text)) return 'printed more than one word; it must print the token alone';
    return { token: text };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'printed text that starts like JSON but is not JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'printed JSON that is not an object';
  const record = json as Record<string, unknown>;
  const token = [record.token, record.id_token, record.access_token].find((v) => typeof v === 'string');
  if (typeof token !== 'string' || token.trim() === '') return 'printed JSON without a "token" string';
  const expiresAt = readExpiresAt(record.expires_at);
  if (expiresAt === null) return 'printed an "expires_at" that is neither epoch seconds nor an RFC 3339 time';
  return expiresAt === undefined ? { token: token.trim() } : { token: token.trim(), expiresAt };
}

function readExpiresAt(value: unknown): number | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms / 1000 : null;
  }
  return null;
}

function readExpiry(token: string): number | undefined {
  const decoded = decodeToken(token);
  if (!decoded.ok) return undefined;
  const exp = decoded.payload.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
}
