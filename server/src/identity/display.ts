/**
 * Claim and header values are attacker-controlled text until verified, and even verified ones can
 * hold newlines, bidi overrides or megabytes; these helpers make them safe to put in a reason or a
 * status bar.
 */

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// A base64url-encoded JSON object starts with "eyJ"; a claim holding one may be holding a token.
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*/g;

// Three base64url segments separated by dots: a JWT whatever its header (checked in `isJwtShaped`).
const JWT_SHAPED = /[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
// A long unbroken base64url run is more likely a credential than a word or a file name.
const LONG_RUN = /[A-Za-z0-9_-]{128,}/g;
const REDACTED = '[token-like text]';

/** Replaces control characters and token-like text, and shortens the text to `max` characters. */
export function sanitizeText(value: string, max = 80): string {
  const clean = redactTokens(value);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Replaces control characters and anything that looks like a token (`eyJ…` text, a JWT-shaped
 * `a.b.c` whose first segment decodes to a JSON object, long base64url runs) without shortening the
 * text; for labels and reasons, which name paths that must stay whole.
 */
export function redactTokens(value: string): string {
  return value
    .replace(CONTROL, ' ')
    .replace(TOKEN_LIKE, REDACTED)
    .replace(JWT_SHAPED, (match) => (isJwtShaped(match) ? REDACTED : match))
    .replace(LONG_RUN, REDACTED);
}

/**
 * Redacts token-like text in output of several lines (hovers, logs, CLI messages), keeping the line
 * breaks: the last line of defence where anything reaches a person or a file.
 */
export function redactTokensInText(text: string): string {
  return text.split(/\r?\n/).map(redactTokens).join('\n');
}

/**
 * Redacts, besides what `redactTokensInText` catches, every piece of a token found in `sources`
 * (the command line, a query): a parser that splits `a.b.c` at the dots echoes each segment alone,
 * (and a lexer at each `-`), and a signature segment on its own looks like nothing in particular.
 */
export function redactTokensFrom(text: string, sources: ReadonlyArray<string | undefined>): string {
  let out = redactTokensInText(text);
  for (const source of sources) {
    if (source === undefined) continue;
    for (const match of source.matchAll(TOKEN_CANDIDATE)) {
      if (!looksLikeToken(match[0])) continue;
      // A Rego lexer also splits at `-`; pieces shorter than 8 characters say too little to matter.
      for (const piece of match[0].split(/[.-]/)) {
        if (piece.length >= 8) out = out.split(piece).join(REDACTED);
      }
    }
  }
  return out;
}

// Dot-separated base64url runs: the shape a token has wherever it is pasted.
const TOKEN_CANDIDATE = /[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){1,4}/g;

/** Whether a whole value looks like a token: `eyJ…`, a JWT-shaped `a.b.c`, or a long base64url run. */
export function looksLikeToken(value: string): boolean {
  const text = value.trim();
  if (text.startsWith('eyJ')) return true;
  return redactTokens(text) !== text.replace(CONTROL, ' ');
}

/** Whether `a.b.c` has a first segment that decodes to a JSON object, as a JWT header does. */
function isJwtShaped(text: string): boolean {
  const header = text.slice(0, text.indexOf('.'));
  if (header.length < 4) return false;
  // A JSON object with at least one key: `{"` (base64url `eyJ`) or `{ "` (`eyAi`) and the like.
  return /^\s*\{\s*"/.test(Buffer.from(header, 'base64url').toString('latin1'));
}

/** Quotes a claim value for a reason: strings in double quotes, arrays as lists, others by type. */
export function quoteClaim(value: unknown): string {
  if (typeof value === 'string') return `"${sanitizeText(value)}"`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 5).map(quoteClaim).join(', ');
    return value.length > 5 ? `[${shown}, …]` : `[${shown}]`;
  }
  if (value === undefined) return 'missing';
  return `a ${value === null ? 'null' : typeof value}`;
}

/**
 * A copy of claims fit to show and serialise: token-like strings blanked out, long strings
 * shortened, depth and width bounded. Claims are signed but still attacker-chosen text.
 */
export function toDisplayClaims(claims: Record<string, unknown>): Record<string, unknown> {
  return copyForDisplay(claims, 0) as Record<string, unknown>;
}

function copyForDisplay(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return sanitizeText(value, 500);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (depth >= 4) return '[nested too deep]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => copyForDisplay(item, depth + 1));
  if (typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value).slice(0, 100)) {
      copy[sanitizeText(key, 64)] = copyForDisplay(item, depth + 1);
    }
    return copy;
  }
  return undefined;
}
