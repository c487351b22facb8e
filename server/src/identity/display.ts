/**
 * Claim and header values are attacker-controlled text until verified, and even verified ones can
 * hold newlines, bidi overrides or megabytes; these helpers make them safe to put in a reason or a
 * status bar.
 */

const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
// A base64url-encoded JSON object starts with "eyJ"; a claim holding one may be holding a token.
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*/g;

/** Replaces control characters and token-like text, and shortens the text to `max` characters. */
export function sanitizeText(value: string, max = 80): string {
  const clean = value.replace(CONTROL, ' ').replace(TOKEN_LIKE, '[token-like text]');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
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
